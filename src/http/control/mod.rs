//! pinbox's own HTTP routes outside the Pinterest API, under `/_pinbox/`: one module per topic.
//! They answer with the API's error type and body (the S3-style upload target answers as S3
//! does), and never appear in the operation catalog.

pub mod ad_previews;
pub mod audit;
pub mod engagement;
pub mod media_upload;
pub mod oauth_callback;
pub mod reports;
pub mod tokens;

use axum::Router;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::error::{Error, Result};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(tokens::routes())
        .merge(oauth_callback::routes())
        .merge(media_upload::routes())
        .merge(engagement::routes())
        .merge(ad_previews::routes())
        .merge(reports::routes())
        .merge(audit::routes())
}

/// The caller of a user's bearer access token, in whichever environment the token belongs to;
/// `whose` says in the 401 whose token to send ("the Pin owner's").
pub async fn token_owner(app: &AppState, headers: &HeaderMap, whose: &str) -> Result<Caller> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, t)| scheme.eq_ignore_ascii_case("bearer") && !t.trim().is_empty())
        .map(|(_, t)| t.trim())
        .ok_or_else(|| {
            Error::unauthenticated_because(format!(
                "Authentication failed: send {whose} access token as 'Authorization: Bearer \
                 <token>'."
            ))
        })?;
    match app.pinbox.tokens.authenticate(token, Env::Production).await {
        Ok(c) => Ok(c),
        Err(e) => app
            .pinbox
            .tokens
            .authenticate(token, Env::Sandbox)
            .await
            .map_err(|_| e),
    }
}
