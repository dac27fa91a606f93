//! The pages a browser meets in the OAuth flow, the counterpart of `https://www.pinterest.com/oauth/`:
//! `GET /oauth/` checks the app's request and shows a sign-in form or the consent page;
//! the forms post to `/oauth/signin`, `/oauth/consent` and `/oauth/signout`. Plain HTML, no
//! JavaScript; a session cookie (HttpOnly, SameSite=Lax) and a CSRF token on every form.

// A failure here is the page to answer with, built at most once per request: boxing it would
// only add an allocation.
#![allow(clippy::result_large_err)]

use std::fmt::Write as _;

use axum::Router;
use axum::extract::State;
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::domain::oauth::{Authorization, AuthorizeError, AuthorizeParams};
use crate::domain::oauth::{SESSION_TTL, csrf_matches, csrf_token};
use crate::domain::users::User;
use crate::error::Error;
use crate::http::extract::QueryParams;
use crate::http::form::FormBody;
use crate::http::html::{escape, hidden, page};
use crate::http::state::AppState;

const COOKIE_NAME: &str = "pinbox_session";
const FORWARDED: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/", get(authorize))
        .route("/oauth", get(authorize))
        .route("/oauth/signin", post(sign_in))
        .route("/oauth/consent", post(consent))
        .route("/oauth/signout", post(sign_out))
}

/// A page answer, or a failure that is itself a page: any error here is shown as HTML, never
/// as the API's JSON, because a person reads it.
type PageResult = std::result::Result<Response, Response>;

fn params_from(p: &QueryParams) -> std::result::Result<AuthorizeParams, Response> {
    let get = |name: &str| {
        p.single(name)
            .map(|v| v.map(str::to_string))
            .map_err(|e| error_page(StatusCode::BAD_REQUEST, &e.message))
    };
    // Pinterest's own quickstart clients name the app `consumer_id`, as Pinterest's older OAuth
    // did, and Pinterest still takes it; `refreshable` comes with it and changes nothing, since
    // every v5 token exchange gives a refresh token.
    let client_id = match (get("client_id")?, get("consumer_id")?) {
        (Some(c), Some(k)) if c != k => {
            return Err(error_page(
                StatusCode::BAD_REQUEST,
                "The link that brought you here names two different apps: client_id and \
                 consumer_id must be the same app id (or send only one of them).",
            ));
        }
        (c, k) => c.or(k),
    };
    Ok(AuthorizeParams {
        client_id,
        redirect_uri: get("redirect_uri")?,
        response_type: get("response_type")?,
        scope: get("scope")?,
        state: get("state")?,
    })
}

fn error_page(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "This link cannot be used",
        &format!(
            "<p class=\"error\">{}</p><p class=\"note\">Nothing was shared with the app. \
             Go back to the app and try again, or tell its developer.</p>",
            escape(message)
        ),
    )
}

fn internal(e: crate::error::Error) -> Response {
    tracing::error!(error = %e, "OAuth page failed");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong inside pinbox; the server log has the details.",
    )
}

/// `redirect_uri` with `pairs` added to its query: where the browser goes back to the app.
fn redirect_to(uri: &str, pairs: &[(&str, &str)], status: StatusCode) -> Response {
    let Ok(mut url) = url::Url::parse(uri) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The app's registered redirect URI is not a valid URL.",
        );
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    see(url.as_str(), status)
}

fn see(location: &str, status: StatusCode) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (status, [(LOCATION, v)]).into_response(),
        Err(_) => error_page(StatusCode::BAD_REQUEST, "The redirect URI cannot be used."),
    }
}

fn redirect_error(e: AuthorizeError, status: StatusCode) -> Response {
    match e {
        AuthorizeError::Page(message) => error_page(StatusCode::BAD_REQUEST, &message),
        AuthorizeError::Redirect {
            redirect_uri,
            error,
            description,
            state,
        } => {
            let mut pairs = vec![
                ("error", error),
                ("error_description", description.as_str()),
            ];
            if let Some(s) = state.as_deref() {
                pairs.push(("state", s));
            }
            redirect_to(&redirect_uri, &pairs, status)
        }
    }
}

/// Checks the request; `Err` is the answer to give when it cannot go on.
async fn checked(
    app: &AppState,
    params: &AuthorizeParams,
    status: StatusCode,
) -> std::result::Result<Authorization, Response> {
    match app.pinbox.oauth.check_authorization(params).await {
        Ok(Ok(auth)) => Ok(auth),
        Ok(Err(e)) => Err(redirect_error(e, status)),
        Err(e) => Err(internal(e)),
    }
}

fn with_code(auth: &Authorization, code: &str, status: StatusCode) -> Response {
    let mut pairs = vec![("code", code)];
    if let Some(s) = auth.state.as_deref() {
        pairs.push(("state", s));
    }
    redirect_to(&auth.redirect_uri, &pairs, status)
}

fn session_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn set_cookie(app: &AppState, secret: &str, max_age: u64) -> (axum::http::HeaderName, String) {
    let secure = if app.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    (
        SET_COOKIE,
        format!(
            "{COOKIE_NAME}={secret}; Path=/oauth; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
        ),
    )
}

/// The query string that brings the browser back to `GET /oauth/` with the same request.
fn back_to_authorize(params: &AuthorizeParams) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in forwarded(params) {
        q.append_pair(k, v);
    }
    format!("/oauth/?{}", q.finish())
}

fn forwarded(params: &AuthorizeParams) -> Vec<(&'static str, &str)> {
    let values = [
        &params.client_id,
        &params.redirect_uri,
        &params.response_type,
        &params.scope,
        &params.state,
    ];
    FORWARDED
        .iter()
        .zip(values)
        .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v)))
        .collect()
}

fn hidden_fields(params: &AuthorizeParams, session_secret: &str) -> String {
    let mut out = String::new();
    for (k, v) in forwarded(params) {
        out.push_str(&hidden(k, v));
    }
    out.push_str(&hidden("csrf_token", &csrf_token(session_secret)));
    out
}

fn sign_in_page(
    status: StatusCode,
    auth: &Authorization,
    params: &AuthorizeParams,
    session_secret: &str,
    problem: Option<&str>,
) -> Response {
    let mut body = String::new();
    let _ = write!(
        body,
        "<p><strong>{}</strong> wants to connect to your pinbox account. Sign in to continue.</p>",
        escape(&auth.app.name)
    );
    if let Some(p) = problem {
        let _ = write!(body, "<p class=\"error\" id=\"problem\">{}</p>", escape(p));
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/oauth/signin\">{}\
         <label for=\"username\">Username</label>\
         <input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus>\
         <label for=\"password\">Password</label>\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\" id=\"sign-in\" class=\"primary\">Sign in</button></form>",
        hidden_fields(params, session_secret)
    );
    page(status, "Sign in to pinbox", &body)
}

fn consent_page(
    auth: &Authorization,
    params: &AuthorizeParams,
    user: &User,
    session_secret: &str,
) -> Response {
    let mut body = String::new();
    let _ = write!(
        body,
        "<p><strong id=\"app-name\">{}</strong> (app {}) wants to access your pinbox account \
         <strong id=\"username\">{}</strong>. It asks to:</p><ul id=\"scopes\">",
        escape(&auth.app.name),
        auth.app.id,
        escape(&user.username)
    );
    for scope in auth.scopes.iter() {
        let _ = write!(
            body,
            "<li><strong>{}</strong><br><code>{}</code></li>",
            escape(scope.description()),
            escape(scope.as_str())
        );
    }
    let _ = write!(
        body,
        "</ul><form method=\"post\" action=\"/oauth/consent\">{fields}\
         <button type=\"submit\" id=\"allow\" name=\"decision\" value=\"allow\" class=\"primary\">Allow</button>\
         <button type=\"submit\" id=\"cancel\" name=\"decision\" value=\"cancel\" class=\"secondary\">Cancel</button>\
         </form><p class=\"note\">Allow sends you back to {} with a code the app exchanges for a \
         token.</p><form method=\"post\" action=\"/oauth/signout\">{fields}\
         <button type=\"submit\" id=\"sign-out\" class=\"link\">Not {}? Sign out</button></form>",
        escape(&auth.redirect_uri),
        escape(&user.username),
        fields = hidden_fields(params, session_secret),
    );
    page(StatusCode::OK, "Allow access?", &body)
}

/// `GET /oauth/`: the page a browser lands on when an app asks for access.
async fn authorize(
    State(app): State<AppState>,
    headers: HeaderMap,
    query: QueryParams,
) -> Response {
    match authorize_inner(&app, &headers, &query).await {
        Ok(r) | Err(r) => r,
    }
}

async fn authorize_inner(app: &AppState, headers: &HeaderMap, query: &QueryParams) -> PageResult {
    let params = params_from(query)?;
    let auth = checked(app, &params, StatusCode::FOUND).await?;
    // Unattended mode: approve at once for the configured user.
    match app.pinbox.oauth.auto_approver().await {
        Ok(Some(user)) => {
            let code = app
                .pinbox
                .oauth
                .issue_code(&auth, user.id)
                .await
                .map_err(internal)?;
            return Ok(with_code(&auth, &code, StatusCode::FOUND));
        }
        Ok(None) => {}
        Err(e) => {
            return Err(error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!(
                    "pinbox runs with --oauth-auto-approve, but: {} Create the user with \
                     `pinbox user create`.",
                    e.message
                ),
            ));
        }
    }
    if let Some(secret) = session_secret(headers)
        && let Some(session) = app.pinbox.oauth.session(&secret).await.map_err(internal)?
    {
        return Ok(
            match app
                .pinbox
                .oauth
                .session_user(&session)
                .await
                .map_err(internal)?
            {
                Some(user) => consent_page(&auth, &params, &user, &secret),
                None => sign_in_page(StatusCode::OK, &auth, &params, &secret, None),
            },
        );
    }
    let started = app
        .pinbox
        .oauth
        .start_session(None)
        .await
        .map_err(internal)?;
    let mut response = sign_in_page(StatusCode::OK, &auth, &params, &started.secret, None);
    append_cookie(&mut response, app, &started.secret, SESSION_TTL.as_secs());
    Ok(response)
}

fn append_cookie(response: &mut Response, app: &AppState, secret: &str, max_age: u64) {
    let (name, value) = set_cookie(app, secret, max_age);
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(name, v);
    }
}

/// The session a form was posted from, with its CSRF token checked.
async fn form_session(
    app: &AppState,
    headers: &HeaderMap,
    form: &FormBody,
) -> std::result::Result<(String, Option<crate::domain::ids::UserId>), Response> {
    let expired = || {
        error_page(
            StatusCode::BAD_REQUEST,
            "Your sign-in session has expired, or this browser does not keep cookies. Go back to \
             the app and start again.",
        )
    };
    let secret = session_secret(headers).ok_or_else(expired)?;
    let session = app
        .pinbox
        .oauth
        .session(&secret)
        .await
        .map_err(internal)?
        .ok_or_else(expired)?;
    let presented = form.optional("csrf_token").ok().flatten().unwrap_or("");
    if !csrf_matches(&secret, presented) {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "This form could not be verified (its CSRF token does not belong to your session), \
             so nothing was done. Go back to the app and start again.",
        ));
    }
    Ok((secret, session.user_id))
}

/// `POST /oauth/signin`: username and password; on success a new session (the anonymous one
/// ends, so a session id planted before sign-in is worthless) and back to the consent page.
async fn sign_in(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<FormBody, Error>,
) -> Response {
    let inner = async {
        let form = form.map_err(|e| error_page(StatusCode::BAD_REQUEST, &e.message))?;
        let (old_secret, _) = form_session(&app, &headers, &form).await?;
        let params = params_from(&form.0)?;
        let auth = checked(&app, &params, StatusCode::SEE_OTHER).await?;
        let username = form
            .optional("username")
            .ok()
            .flatten()
            .unwrap_or("")
            .trim();
        let password = form.optional("password").ok().flatten().unwrap_or("");
        let user = app
            .pinbox
            .users
            .check_password(username, password)
            .await
            .map_err(internal)?;
        let Some(user) = user else {
            return Ok(sign_in_page(
                StatusCode::UNAUTHORIZED,
                &auth,
                &params,
                &old_secret,
                Some("Wrong username or password."),
            ));
        };
        app.pinbox
            .oauth
            .end_session(&old_secret)
            .await
            .map_err(internal)?;
        let started = app
            .pinbox
            .oauth
            .start_session(Some(user.id))
            .await
            .map_err(internal)?;
        let mut response = see(&back_to_authorize(&params), StatusCode::SEE_OTHER);
        append_cookie(&mut response, &app, &started.secret, SESSION_TTL.as_secs());
        Ok(response)
    };
    let r: PageResult = inner.await;
    match r {
        Ok(r) | Err(r) => r,
    }
}

/// `POST /oauth/consent`: Allow sends a code to the app, Cancel sends `access_denied`.
async fn consent(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<FormBody, Error>,
) -> Response {
    let inner = async {
        let form = form.map_err(|e| error_page(StatusCode::BAD_REQUEST, &e.message))?;
        let (_, user) = form_session(&app, &headers, &form).await?;
        let params = params_from(&form.0)?;
        let auth = checked(&app, &params, StatusCode::SEE_OTHER).await?;
        let Some(user) = user else {
            // Not signed in (any more): back to the page, which asks to sign in.
            return Ok(see(&back_to_authorize(&params), StatusCode::SEE_OTHER));
        };
        match form.optional("decision").ok().flatten() {
            Some("allow") => {
                let code = app
                    .pinbox
                    .oauth
                    .issue_code(&auth, user)
                    .await
                    .map_err(internal)?;
                Ok(with_code(&auth, &code, StatusCode::SEE_OTHER))
            }
            Some("cancel") => {
                let mut pairs = vec![
                    ("error", "access_denied"),
                    ("error_description", "The user did not allow access."),
                ];
                if let Some(s) = auth.state.as_deref() {
                    pairs.push(("state", s));
                }
                Ok(redirect_to(
                    &auth.redirect_uri,
                    &pairs,
                    StatusCode::SEE_OTHER,
                ))
            }
            _ => Err(error_page(
                StatusCode::BAD_REQUEST,
                "Choose Allow or Cancel.",
            )),
        }
    };
    let r: PageResult = inner.await;
    match r {
        Ok(r) | Err(r) => r,
    }
}

/// `POST /oauth/signout`: ends the session and shows the sign-in form again.
async fn sign_out(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<FormBody, Error>,
) -> Response {
    let inner = async {
        let form = form.map_err(|e| error_page(StatusCode::BAD_REQUEST, &e.message))?;
        let (secret, _) = form_session(&app, &headers, &form).await?;
        let params = params_from(&form.0)?;
        app.pinbox
            .oauth
            .end_session(&secret)
            .await
            .map_err(internal)?;
        let mut response = see(&back_to_authorize(&params), StatusCode::SEE_OTHER);
        append_cookie(&mut response, &app, "", 0);
        Ok(response)
    };
    let r: PageResult = inner.await;
    match r {
        Ok(r) | Err(r) => r,
    }
}
