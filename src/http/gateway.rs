//! Gateway mode: the agents' access layer in front of another Pinterest API (real Pinterest,
//! or a pinbox). An agent calls `/v5/...` with its key; the gateway finds the spec operation,
//! checks the agent's grants, forwards an allowed call with the upstream token (which agents
//! never see), answers what the upstream answered (status, body, rate-limit headers) and records
//! the call in the audit log.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::catalog::area::need_of_spec;
use crate::catalog::route::spec_operation;
use crate::domain::agents::{Agents, KEY_PREFIX, Outcome, Touched, Who};
use crate::domain::caller::AgentRef;
use crate::error::{Error, Result};
use crate::http::respond::status_of;

/// Largest request body forwarded (Pinterest's own limit for a Pin with an image is far lower).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// What the gateway forwards to and with.
pub struct Upstream {
    /// Base URL without `/v5`, e.g. `https://api.pinterest.com`.
    pub url: String,
    pub token: String,
}

#[derive(Clone)]
struct Gateway {
    agents: Agents,
    upstream: Arc<Upstream>,
    client: reqwest::Client,
}

pub fn router(agents: Agents, upstream: Upstream) -> Router {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a TLS client");
    let gateway = Gateway {
        agents,
        upstream: Arc::new(upstream),
        client,
    };
    Router::new().fallback(forward).with_state(gateway)
}

async fn forward(State(gw): State<Gateway>, req: Request) -> Response {
    match run(&gw, req).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn run(gw: &Gateway, req: Request) -> Result<Response> {
    let path = req.uri().path().to_string();
    let Some(api_path) = path.strip_prefix("/v5") else {
        return Err(Error::not_found(
            404,
            "The gateway serves Pinterest's API under /v5.".to_string(),
        ));
    };
    let method = req.method().as_str().to_string();
    let op = spec_operation(&method, api_path).ok_or_else(|| {
        Error::not_found(
            404,
            format!("No operation of Pinterest's API is {method} /v5{api_path}."),
        )
    })?;
    let key = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(_, k)| k.trim().to_string())
        .filter(|k| k.starts_with(KEY_PREFIX))
        .ok_or_else(|| {
            Error::unauthenticated_because(
                "Authentication failed: the gateway takes agent keys only, as 'Authorization: \
                 Bearer pinag_...'.",
            )
        })?;
    let agent = gw.agents.authenticate_gateway(&key, op.id).await?;
    let who = AgentRef {
        id: agent.id,
        name: agent.name.clone(),
        grants: agent.grants.clone(),
    };
    let caller = Who::of(&agent);
    let need = need_of_spec(op);
    let need = match Agents::decide(&who, op.id, need) {
        Ok(need) => need,
        Err(denied) => {
            let status = status_of(denied.kind).as_u16();
            let reason = denied.message.to_string();
            let line = gw.agents.line(
                &caller,
                op.id,
                Outcome::Denied,
                &Touched::default(),
                status,
                reason,
            );
            gw.agents.record(line).await?;
            return Err(denied);
        }
    };
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let url = format!(
        "{}/v5{api_path}{query}",
        gw.upstream.url.trim_end_matches('/')
    );
    let content_type = req.headers().get(CONTENT_TYPE).cloned();
    let body = to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|_| Error::invalid(format!("The request body is over {MAX_BODY} bytes.")))?;
    let mut upstream = gw
        .client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET),
            url,
        )
        .bearer_auth(&gw.upstream.token);
    if let Some(ct) = content_type {
        upstream = upstream.header(CONTENT_TYPE, ct);
    }
    if !body.is_empty() {
        upstream = upstream.body(body);
    }
    let answer = upstream.send().await.map_err(|e| {
        Error::unavailable(format!(
            "The upstream Pinterest API could not be reached: {e}. Try again later."
        ))
    })?;
    let status = answer.status().as_u16();
    let mut response =
        Response::builder().status(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY));
    for (name, value) in answer.headers() {
        let keep = name == CONTENT_TYPE
            || name == RETRY_AFTER
            || name.as_str().starts_with("x-ratelimit-");
        if keep
            && let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_str().as_bytes()),
                HeaderValue::from_bytes(value.as_bytes()),
            )
        {
            response = response.header(n, v);
        }
    }
    let bytes = answer.bytes().await.map_err(|e| {
        Error::unavailable(format!("The upstream's answer broke off: {e}. Try again."))
    })?;
    // Only the name: the board an answer names is an id here, with no pinbox to look it up.
    let touched = Touched {
        subject: Touched::named_in(&bytes).subject,
        board: None,
    };
    let outcome = if (200..300).contains(&status) {
        Outcome::Done
    } else {
        Outcome::Failed
    };
    let reason = format!("'{}' is {}", need.area, agent.grants.level(need.area));
    let line = gw
        .agents
        .line(&caller, op.id, outcome, &touched, status, reason);
    gw.agents.record(line).await?;
    response
        .body(Body::from(bytes))
        .map_err(|e| Error::internal(anyhow::anyhow!("building the gateway's answer: {e}")))
}
