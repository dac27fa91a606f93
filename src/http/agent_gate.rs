//! Calls made with an agent key: the grants decide before the operation runs, and every call,
//! allowed or denied, goes to the audit log in plain English with the names of what it touched
//! (read from the answer, or for deletes and denials looked up before).

use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::Response;

use crate::catalog::area::Need;
use crate::catalog::{Method, Operation};
use crate::domain::agents::{Agents, AuditLine, Outcome, Touched, Who};
use crate::domain::caller::{AgentRef, Caller};
use crate::domain::ids::{BoardId, PinId, parse_digits};
use crate::error::{Error, Result};
use crate::http::respond::status_of;
use crate::http::state::AppState;

/// Answers bigger than this are not read for names (lists of hundreds of Pins name nothing).
const MAX_NAMED_BODY: usize = 256 * 1024;

/// An agent's call, as the audit log names it.
struct Call<'a> {
    state: &'a AppState,
    op: &'a Operation,
    caller: &'a Caller,
    agent: &'a AgentRef,
}

impl Call<'_> {
    fn line(&self, outcome: Outcome, touched: &Touched, status: u16, reason: String) -> AuditLine {
        let who = Who {
            agent_id: self.agent.id,
            agent_name: self.agent.name.clone(),
            user_id: Some(self.caller.user_id),
            env: self.caller.env,
        };
        let agents = &self.state.pinbox.agents;
        agents.line(&who, self.op.id, outcome, touched, status, reason)
    }

    async fn record(&self, line: AuditLine) -> Result<()> {
        self.state.pinbox.agents.record(line).await
    }
}

/// Whether the agent's grants allow the operation; a denial is recorded and answered.
pub async fn admit(
    state: &AppState,
    op: &'static Operation,
    caller: &Caller,
    agent: &AgentRef,
    path: &str,
) -> Result<Need> {
    match Agents::check(agent, op) {
        Ok(need) => Ok(need),
        Err(denied) => {
            let touched = looked_up(state, caller, &path_ids(op.path, path)).await;
            let (status, reason) = (status_of(denied.kind).as_u16(), denied.message.to_string());
            let call = Call {
                state,
                op,
                caller,
                agent,
            };
            call.record(call.line(Outcome::Denied, &touched, status, reason))
                .await?;
            Err(denied)
        }
    }
}

/// Records an admitted call that failed before reaching the operation (a scope or an ad
/// account it may not act for).
pub async fn refused(
    state: &AppState,
    op: &'static Operation,
    caller: &Caller,
    agent: &AgentRef,
    error: &Error,
) -> Result<()> {
    let status = status_of(error.kind).as_u16();
    let call = Call {
        state,
        op,
        caller,
        agent,
    };
    let reason = error.message.to_string();
    call.record(call.line(Outcome::Failed, &Touched::default(), status, reason))
        .await
}

/// Runs an admitted operation for an agent and records how it went.
pub async fn run(
    state: &AppState,
    op: &'static Operation,
    caller: Caller,
    agent: &AgentRef,
    need: Need,
    mut req: Request,
    next: Next,
) -> Result<Response> {
    let before = if op.method == Method::Delete {
        looked_up(state, &caller, &path_ids(op.path, req.uri().path())).await
    } else {
        Touched::default()
    };
    req.extensions_mut().insert(caller.clone());
    let response = next.run(req).await;
    let status = response.status();
    let (response, named) = named_in(response, op).await;
    let mut touched = Touched {
        subject: before.subject.or(named.subject),
        board: before.board,
    };
    if touched.board.is_none()
        && op.method != Method::Get
        && status.is_success()
        && let Some(board) = named.board.as_deref().and_then(parse_digits)
    {
        touched.board = board_name(state, &caller, board).await;
    }
    let outcome = if status.is_success() {
        Outcome::Done
    } else {
        Outcome::Failed
    };
    let reason = format!("'{}' is {}", need.area, agent.grants.level(need.area));
    let call = Call {
        state,
        op,
        caller: &caller,
        agent,
    };
    call.record(call.line(outcome, &touched, status.as_u16(), reason))
        .await?;
    Ok(response)
}

/// The `{name}` segments of the operation's path, read from the request's path (which ends the
/// same way: only its `/v5` or `/sandbox/v5` prefix differs).
fn path_ids(template: &str, path: &str) -> Vec<(&'static str, String)> {
    let names: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let values: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let skip = values.len().saturating_sub(names.len());
    names
        .iter()
        .zip(&values[skip..])
        .filter_map(|(n, v)| {
            let name = n.strip_prefix('{')?.strip_suffix('}')?;
            let name: &'static str = match name {
                "pin_id" => "pin_id",
                "board_id" => "board_id",
                "section_id" => "section_id",
                _ => return None,
            };
            Some((name, v.to_string()))
        })
        .collect()
}

/// The name of the Pin or board the path names, as the agent's user may see it.
async fn looked_up(state: &AppState, caller: &Caller, ids: &[(&'static str, String)]) -> Touched {
    let id = |name: &str| {
        ids.iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| parse_digits(v))
    };
    let mut touched = Touched::default();
    if let Some(pin) = id("pin_id") {
        if let Ok(p) = state.pinbox.pins.get(caller, PinId(pin)).await {
            touched.subject = Some(p.title.clone().unwrap_or_else(|| pin.to_string()));
            touched.board = board_name(state, caller, p.board_id.0).await;
        } else {
            touched.subject = Some(pin.to_string());
        }
    } else if let Some(board) = id("board_id") {
        touched.subject = board_name(state, caller, board)
            .await
            .or_else(|| Some(board.to_string()));
    }
    touched
}

async fn board_name(state: &AppState, caller: &Caller, id: i64) -> Option<String> {
    state
        .pinbox
        .boards
        .get(caller, BoardId(id))
        .await
        .ok()
        .map(|b| b.name)
}

/// The answer's `name` or `title`, and its `board_id`, when it is a JSON object small enough to
/// read; the answer goes on unchanged.
async fn named_in(response: Response, op: &Operation) -> (Response, Touched) {
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !json || !response.status().is_success() || op.id.ends_with("/list") {
        return (response, Touched::default());
    }
    let small = response
        .body()
        .size_hint()
        .exact()
        .is_some_and(|n| n <= MAX_NAMED_BODY as u64);
    if !small {
        return (response, Touched::default());
    }
    let (parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_NAMED_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return (
                Response::from_parts(parts, Body::empty()),
                Touched::default(),
            );
        }
    };
    let touched = Touched::named_in(&bytes);
    (Response::from_parts(parts, Body::from(bytes)), touched)
}
