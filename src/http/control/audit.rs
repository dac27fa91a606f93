//! The agents' audit log over HTTP: `GET /_pinbox/audit`, newest first, with the user's own
//! access token (`Authorization: Bearer pina_...`, production or Sandbox): a user reads the
//! calls of the agents acting for them, never another user's. Filters: `agent_id`, `since`
//! (RFC 3339), `decision` (allowed or denied); `page_size` (1 to 250, default 25) and the
//! answer's `bookmark` page back.

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use serde_json::{Value, json};

use crate::clock::Timestamp;
use crate::domain::agents::{AuditFilter, AuditLine};
use crate::domain::ids::{AgentId, parse_digits};
use crate::error::{Error, Result};
use crate::http::control::token_owner;
use crate::http::extract::QueryParams;
use crate::http::respond::Json;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/_pinbox/audit", get(list))
}

/// One line of the log as the route and `pinbox audit --json` show it.
pub fn audit_json(l: &AuditLine) -> Value {
    json!({
        "id": l.seq.to_string(),
        "at": l.at.to_rfc3339(),
        "agent_id": l.agent_id.to_string(),
        "agent_name": l.agent_name,
        "user_id": l.user_id.map(|u| u.to_string()),
        "environment": l.env.to_string(),
        "operation": l.operation,
        "action": l.action,
        "status": l.status,
        "decision": if l.allowed { "allowed" } else { "denied" },
        "reason": l.reason,
    })
}

async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Json<Value>> {
    let caller = token_owner(&app, &headers, "your own").await?;
    let bad =
        |name: &str, what: &str| Error::invalid(format!("Invalid parameter '{name}': {what}."));
    let agent = match query.single("agent_id")? {
        Some(v) => Some(AgentId(
            parse_digits(v).ok_or_else(|| bad("agent_id", "an agent id is a number"))?,
        )),
        None => None,
    };
    let since = match query.single("since")? {
        Some(v) => Some(
            Timestamp::parse_rfc3339(v)
                .ok_or_else(|| bad("since", "an RFC 3339 instant, e.g. 2026-12-01T00:00:00Z"))?,
        ),
        None => None,
    };
    let decision = match query.single("decision")? {
        None => None,
        Some("allowed") => Some(true),
        Some("denied") => Some(false),
        Some(_) => return Err(bad("decision", "allowed or denied")),
    };
    let page_size = match query.single("page_size")? {
        None => 25,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=250).contains(n))
            .ok_or_else(|| bad("page_size", "a number from 1 to 250"))?,
    };
    let before_seq = match query.single("bookmark")? {
        None => None,
        Some(v) => Some(v.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            bad(
                "bookmark",
                "pass back the bookmark of the previous page as it came",
            )
        })?),
    };
    // Filtering by decision after reading may leave a page short; the bookmark still moves on.
    let lines = app
        .pinbox
        .agents
        .audit(AuditFilter {
            agent,
            user: Some(caller.user_id),
            since,
            before_seq,
            limit: page_size,
        })
        .await?;
    let bookmark = (lines.len() == page_size)
        .then(|| lines.last().map(|l| l.seq.to_string()))
        .flatten();
    let items: Vec<Value> = lines
        .iter()
        .filter(|l| decision.is_none_or(|d| l.allowed == d))
        .map(audit_json)
        .collect();
    Ok(Json(json!({ "items": items, "bookmark": bookmark })))
}
