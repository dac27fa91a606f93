//! Authentication, rate limits and scope checks, applied to every served operation from its
//! catalog entry: bearer tokens with scopes for the API, HTTP Basic client authentication for the
//! OAuth token endpoints, and the rate-limit category's quotas for both.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::catalog::{Auth, Operation, Sandbox};
use crate::domain::agents::KEY_PREFIX;
use crate::domain::apps::Tier;
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, UserId};
use crate::domain::oauth::Client;
use crate::error::{Error, Result};
use crate::http::agent_gate;
use crate::http::extract::QueryParams;
use crate::http::state::AppState;

/// Resolves the bearer token, counts the request against its rate limits, checks the token
/// against the operation's scopes, and hands the resulting [`Caller`] to the handler through the
/// request's extensions. A request that fails authentication is not counted (it names no app);
/// every later answer, the handler's included, carries the `x-ratelimit-*` headers.
pub async fn authorize(
    State((state, op, env)): State<(AppState, &'static Operation, Env)>,
    mut req: Request,
    next: Next,
) -> Response {
    let env = environment(env, &req);
    req.extensions_mut().insert(env);
    if env == Env::Sandbox && op.sandbox == Sandbox::Disabled {
        return Error::not_in_sandbox(op.id).into_response();
    }
    if op.auth == Auth::ClientBasic {
        let client = match client_for(&state, req.headers()).await {
            Ok(client) => client,
            Err(e) => return e.into_response(),
        };
        // The OAuth token endpoints count against the app.
        let (app, tier) = (client.app.id, client.app.tier);
        req.extensions_mut().insert(client);
        return rate_limited(&state, op, app, None, tier, env, async move {
            Ok(next.run(req).await)
        })
        .await;
    }
    let caller = match bearer_token(req.headers()) {
        Ok(key) if key.starts_with(KEY_PREFIX) => {
            state.pinbox.agents.authenticate(key, env, op.id).await
        }
        Ok(token) => state.pinbox.tokens.authenticate(token, env).await,
        Err(e) => Err(e),
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let (app, user, tier) = (caller.app_id, caller.token_user(), caller.tier);
    let checks = &state;
    rate_limited(&state, op, app, user, tier, env, async move {
        if let Some(agent) = caller.agent.clone() {
            // The grants decide first, so a denial names the agent's area, not a scope.
            let need = agent_gate::admit(checks, op, &caller, &agent, req.uri().path()).await?;
            let caller = match permitted(checks, op, caller.clone(), req.uri().query()).await {
                Ok(caller) => caller,
                Err(e) => {
                    agent_gate::refused(checks, op, &caller, &agent, &e).await?;
                    return Err(e);
                }
            };
            return agent_gate::run(checks, op, caller, &agent, need, req, next).await;
        }
        let caller = permitted(checks, op, caller, req.uri().query()).await?;
        req.extensions_mut().insert(caller);
        Ok(next.run(req).await)
    })
    .await
}

/// Which environment a request reaches: Sandbox under `/sandbox/v5` (bound to the route), or on a
/// Host that starts with `api-sandbox.` as Pinterest's Sandbox does; production otherwise. A
/// client switches by base URL alone.
fn environment(by_path: Env, req: &Request) -> Env {
    let by_host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.as_bytes().get(..12))
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"api-sandbox."));
    if by_host { Env::Sandbox } else { by_path }
}

/// Runs `rest` (the remaining checks and the handler) only if the request is under every rate
/// limit that applies, and puts the rate-limit headers on its answer; otherwise answers 429.
/// The clock is read once, so the windows counted and the headers agree.
async fn rate_limited(
    state: &AppState,
    op: &'static Operation,
    app: AppId,
    user: Option<UserId>,
    tier: Tier,
    env: Env,
    rest: impl Future<Output = Result<Response>>,
) -> Response {
    let now = state.pinbox.clock.now();
    let verdict = match state
        .pinbox
        .rate_limits
        .take(app, user, tier, env, op.category, now)
        .await
    {
        Ok(verdict) => verdict,
        Err(e) => return e.into_response(),
    };
    let Some(verdict) = verdict else {
        return rest.await.unwrap_or_else(IntoResponse::into_response);
    };
    if !verdict.admitted {
        return state.rate_headers.refusal(&verdict, tier, op.category);
    }
    let mut response = rest.await.unwrap_or_else(IntoResponse::into_response);
    state
        .rate_headers
        .apply(response.headers_mut(), &verdict, tier, op.category);
    response
}

/// What an authenticated caller must also have for the operation: a user's token (unless the
/// spec also lists `client_credentials`, where an app token acts as its app's owner) and every
/// scope, which the spec lists alike for both kinds of token.
async fn permitted(
    state: &AppState,
    op: &'static Operation,
    caller: Caller,
    query: Option<&str>,
) -> Result<Caller> {
    if caller.app_token && !op.client_credentials {
        return Err(Error::forbidden(
            29,
            format!(
                "You are not permitted to access that resource: '{}' needs a user's token, not an \
                 app token from the client-credentials grant.",
                op.id
            ),
        ));
    }
    let missing = op.scopes.missing_from(caller.scopes);
    if !missing.is_empty() {
        return Err(Error::insufficient_scope(missing));
    }
    // Business Access: `ad_account_id` makes the ad account's owner the "operation user_account".
    match QueryParams::parse(query).ad_account_id()? {
        Some(ad_account) => state.pinbox.ad_accounts.act_for(caller, ad_account).await,
        None => Ok(caller),
    }
}

fn bearer_token(headers: &HeaderMap) -> Result<&str> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or_else(|| {
            Error::unauthenticated_because(
                "Authentication failed: send an access token as 'Authorization: Bearer <token>'.",
            )
        })?
        .to_str()
        .map_err(|_| Error::unauthenticated())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(Error::unauthenticated)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(Error::unauthenticated());
    }
    Ok(token.trim())
}

/// The app that authenticated as an OAuth client, put in place by [`authorize`].
impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Client> {
        parts.extensions.get::<Client>().cloned().ok_or_else(|| {
            Error::internal(anyhow::anyhow!(
                "a handler asked for the OAuth client but no client authentication ran"
            ))
        })
    }
}

async fn client_for(state: &AppState, headers: &HeaderMap) -> Result<Client> {
    let (id, secret) = basic_credentials(headers)?;
    state.pinbox.oauth.authenticate_client(&id, &secret).await
}

/// `Authorization: Basic base64(client_id:client_secret)`. Both parts are form-urlencoded before
/// encoding (RFC 6749 section 2.3.1), so they are decoded here.
fn basic_credentials(headers: &HeaderMap) -> Result<(String, String)> {
    let value = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(Error::unauthenticated)?;
    let (scheme, encoded) = value
        .trim()
        .split_once(' ')
        .ok_or_else(Error::unauthenticated)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(Error::unauthenticated());
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(Error::unauthenticated)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(Error::unauthenticated)?;
    let unescape = |s: &str| -> String {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok((unescape(id), unescape(secret)))
}
