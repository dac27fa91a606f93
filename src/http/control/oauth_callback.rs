//! `GET /_pinbox/oauth/callback`: a redirect URI pinbox serves itself, for scripts and CI
//! without a web server of their own. It answers what the OAuth flow sent back as JSON
//! (`{"code": "...", "state": "..."}`), so `curl -L` through `GET /oauth/` ends with the code.

use axum::Json;
use axum::Router;
use axum::routing::get;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::http::extract::{QueryParams, truncate};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/_pinbox/oauth/callback", get(callback))
}

#[derive(Serialize)]
struct CallbackJson {
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
}

async fn callback(query: QueryParams) -> Result<Json<CallbackJson>> {
    let state = query.single("state")?.map(str::to_string);
    if let Some(error) = query.single("error")? {
        let description = query.single("error_description")?.unwrap_or("");
        return Err(Error::invalid(format!(
            "The authorization did not succeed: {} ({}){}.",
            truncate(error, 64),
            truncate(description, 200),
            state
                .as_deref()
                .map(|s| format!("; state '{}'", truncate(s, 64)))
                .unwrap_or_default()
        )));
    }
    let code = query
        .single("code")?
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "No code: this is where the OAuth flow sends its answer (?code=...&state=...).",
            )
        })?;
    Ok(Json(CallbackJson {
        code: code.to_string(),
        state,
    }))
}
