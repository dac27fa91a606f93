//! Authentication and scope checks, applied to every served operation from its catalog entry.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::catalog::Operation;
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::error::{Error, Result};
use crate::http::extract::QueryParams;
use crate::http::state::AppState;

/// Resolves the bearer token, checks it against the operation's scopes, and hands the
/// resulting [`Caller`] to the handler through the request's extensions.
pub async fn authorize(
    State((state, op)): State<(AppState, &'static Operation)>,
    mut req: Request,
    next: Next,
) -> Response {
    let env = req.extensions().get::<Env>().copied().unwrap_or_default();
    match caller_for(&state, op, env, req.headers(), req.uri().query()).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
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
