//! Authentication and scope checks, applied to every served operation from its catalog entry:
//! bearer tokens with scopes for the API, HTTP Basic client authentication for the OAuth token
//! endpoints.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::catalog::{Auth, Operation, Sandbox};
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::oauth::Client;
use crate::error::{Error, Result};
use crate::http::extract::QueryParams;
use crate::http::state::AppState;

/// Resolves the bearer token, checks it against the operation's scopes, and hands the
/// resulting [`Caller`] to the handler through the request's extensions.
pub async fn authorize(
    State((state, op, env)): State<(AppState, &'static Operation, Env)>,
    mut req: Request,
    next: Next,
) -> Response {
    let env = environment(env, &req);
    req.extensions_mut().insert(env);
    if op.auth == Auth::ClientBasic {
        return match client_for(&state, req.headers()).await {
            Ok(client) => {
                req.extensions_mut().insert(client);
                next.run(req).await
            }
            Err(e) => e.into_response(),
        };
    }
    if env == Env::Sandbox && op.sandbox == Sandbox::Disabled {
        return Error::not_in_sandbox(op.id).into_response();
    }
    match caller_for(&state, op, env, req.headers(), req.uri().query()).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
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

async fn caller_for(
    state: &AppState,
    op: &'static Operation,
    env: Env,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Caller> {
    let token = bearer_token(headers)?;
    let caller = state.pinbox.authenticate(token, env).await?;
    if caller.user_id.is_none() && !op.client_credentials {
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
        Some(ad_account) => state.pinbox.act_for_ad_account(caller, ad_account).await,
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
    state.pinbox.authenticate_client(&id, &secret).await
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
