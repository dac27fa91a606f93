//! The OAuth token endpoints, called by apps as clients (HTTP Basic with the app id and secret):
//! `POST /v5/oauth/token` and `POST /v5/oauth/token/revoke`. Both answer at `/sandbox/v5` too;
//! tokens belong to the environment of the base URL the app called.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, PRAGMA};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;

use crate::domain::env::Env;
use crate::domain::oauth::{Client, GrantType, TokenAnswer};
use crate::domain::tokens::REFRESH_TOKEN_TTL;
use crate::error::{Error, Result};
use crate::http::extract::truncate;
use crate::http::form::FormBody;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("oauth/token", oauth_token),
        endpoint("token/revoke", token_revoke),
    ]
}

/// The spec's `OauthAccessTokenResponse` (its `Code`, `Refresh` and `ClientCredentials` forms).
#[derive(Serialize)]
struct TokenJson {
    access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    response_type: &'static str,
    token_type: &'static str,
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token_expires_in: Option<i64>,
    /// Unix seconds, as the spec's integer says.
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token_expires_at: Option<i64>,
    scope: String,
}

fn token_json(answer: TokenAnswer) -> TokenJson {
    let access = &answer.access.token;
    TokenJson {
        expires_in: (access.expires_at.seconds() - access.created_at.seconds()).max(0),
        access_token: answer.access.secret,
        refresh_token_expires_in: answer
            .refresh
            .as_ref()
            .map(|_| REFRESH_TOKEN_TTL.as_secs() as i64),
        refresh_token_expires_at: answer
            .refresh
            .as_ref()
            .map(|r| r.token.expires_at.seconds()),
        refresh_token: answer.refresh.map(|r| r.secret),
        response_type: answer.grant_type.as_str(),
        token_type: "bearer",
        scope: answer.scopes.to_string(),
    }
}

/// Token answers must not be cached (RFC 6749 section 5.1).
fn no_store(status: StatusCode, body: impl IntoResponse) -> Response {
    (
        status,
        [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
        body,
    )
        .into_response()
}

/// <https://developers.pinterest.com/docs/api/v5/oauth-token>
async fn oauth_token(
    State(app): State<AppState>,
    Extension(env): Extension<Env>,
    client: Client,
    form: FormBody,
) -> Result<Response> {
    let grant = match form.optional("grant_type")? {
        None | Some("") => {
            return Err(Error::invalid(
                "Missing field: 'grant_type' is required; use authorization_code, refresh_token \
                 or client_credentials.",
            ));
        }
        Some(g) => GrantType::parse(g).ok_or_else(|| {
            Error::invalid(format!(
                "Unsupported grant_type '{}': use authorization_code, refresh_token or \
                 client_credentials.",
                truncate(g, 40)
            ))
        })?,
    };
    let answer = match grant {
        GrantType::AuthorizationCode => {
            let code = form.required("code")?;
            let redirect_uri = form.required("redirect_uri")?;
            app.pinbox
                .oauth
                .exchange_code(&client, code, redirect_uri, env)
                .await?
        }
        GrantType::RefreshToken => {
            let refresh_token = form.required("refresh_token")?;
            // Apps made before 2025-09-25 send continuous_refresh=true; every pinbox refresh
            // token is continuous, so the flag is checked for shape and otherwise changes nothing.
            form.0.boolean("continuous_refresh")?;
            let scope = form.optional("scope")?;
            app.pinbox
                .oauth
                .refresh(&client, refresh_token, scope, env)
                .await?
        }
        GrantType::ClientCredentials => {
            let scope = form.required("scope")?;
            app.pinbox
                .oauth
                .client_credentials(&client, scope, env)
                .await?
        }
    };
    Ok(no_store(StatusCode::OK, Json(token_json(answer))))
}

/// <https://developers.pinterest.com/docs/api/v5/token-revoke>
async fn token_revoke(
    State(app): State<AppState>,
    client: Client,
    form: FormBody,
) -> Result<Response> {
    // An empty token is schema-valid and names no token: revoking it, like revoking an unknown
    // one, leaves nothing working that worked before (RFC 7009), so it is not an error.
    let token = form
        .optional("token")?
        .ok_or_else(|| Error::invalid("Missing field: 'token' is required in the form body."))?;
    match form.optional("token_type_hint")? {
        None | Some("access_token") | Some("refresh_token") => {}
        Some(other) => {
            return Err(Error::invalid(format!(
                "Invalid token_type_hint '{}': use access_token or refresh_token.",
                truncate(other, 40)
            )));
        }
    }
    app.pinbox.oauth.revoke(&client, token).await?;
    // The spec: "Successful token revocation. No content is returned."
    Ok(no_store(StatusCode::OK, ()))
}
