//! The token debugger over HTTP: `POST /_pinbox/tokens/inspect` with the token in a JSON body
//! (`{"token": "pina_..."}`), a form body (`token=pina_...`) or, failing both, as the bearer
//! token. Possessing the token is the authorization; the answer never holds a hash or secret.

use axum::Json;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::routing::post;
use serde::{Deserialize, Serialize};

use crate::domain::tokens::TokenKind;
use crate::domain::tokens::TokenReport;
use crate::error::{Error, Result};
use crate::http::extract::{QueryParams, parse_json, read_body};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/_pinbox/tokens/inspect", post(inspect))
}

#[derive(Deserialize)]
struct InspectBody {
    token: String,
}

#[derive(Serialize)]
struct AppJson {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct UserJson {
    id: String,
    username: String,
}

/// What the token debugger reports.
#[derive(Serialize)]
pub struct TokenReportJson {
    /// `valid`, `expired` or `revoked`.
    status: &'static str,
    /// `access` (`pina_`) or `refresh` (`pinr_`).
    kind: &'static str,
    /// `production` or `sandbox`.
    environment: &'static str,
    app: Option<AppJson>,
    app_id: String,
    /// `null` for an app-context token from the client-credentials grant.
    user: Option<UserJson>,
    scopes: Vec<&'static str>,
    issued_at: String,
    expires_at: String,
    revoked_at: Option<String>,
}

impl From<TokenReport> for TokenReportJson {
    fn from(r: TokenReport) -> TokenReportJson {
        TokenReportJson {
            status: r.status.as_str(),
            kind: match r.token.kind {
                TokenKind::Access => "access",
                TokenKind::Refresh => "refresh",
            },
            environment: r.token.env.as_str(),
            app_id: r.token.app_id.to_string(),
            app: r.app.map(|a| AppJson {
                id: a.id.to_string(),
                name: a.name,
            }),
            user: r.user.map(|u| UserJson {
                id: u.id.to_string(),
                username: u.username,
            }),
            scopes: r.token.scopes.iter().map(|s| s.as_str()).collect(),
            issued_at: r.token.created_at.to_rfc3339(),
            expires_at: r.token.expires_at.to_rfc3339(),
            revoked_at: r.token.revoked_at.map(|t| t.to_rfc3339()),
        }
    }
}

async fn inspect(State(app): State<AppState>, req: Request) -> Result<Json<TokenReportJson>> {
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let body = read_body(req, &(), 16 * 1024).await?;
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(&body)
            .map_err(|_| Error::invalid("Invalid request body: the form is not valid UTF-8."))?;
        QueryParams::parse(Some(text))
            .single("token")?
            .map(str::to_string)
    } else {
        Some(parse_json::<InspectBody>(&body)?.token)
    };
    let token = from_body.or(bearer).filter(|t| !t.trim().is_empty()).ok_or_else(|| {
        Error::invalid(
            "Missing token: send it as {\"token\": \"pina_...\"} (JSON), token=pina_... (form), \
             or as 'Authorization: Bearer pina_...'.",
        )
    })?;
    let report = app.pinbox.tokens.inspect(&token).await?;
    Ok(Json(report.into()))
}
