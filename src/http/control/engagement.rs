//! Simulated engagement over HTTP, for testers whose Pins need history:
//! `POST /_pinbox/engagement` adds exact events to one Pin, `POST /_pinbox/engagement/simulate`
//! runs a named profile over the caller's Pins, `GET /_pinbox/engagement/profiles` lists the
//! profiles. The writes take the Pin owner's access token (`Authorization: Bearer`, production
//! or Sandbox): only an owner shapes their Pins' history, in the token's environment.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::analytics::{Profile, Simulation};
use crate::domain::engagement::{AppType, EngagementEvents, parse_date, parse_event};
use crate::domain::ids::{PinId, parse_digits};
use crate::error::{Error, Result};
use crate::http::control::token_owner;
use crate::http::extract::JsonBody;
use crate::http::respond::Json;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_pinbox/engagement", post(add))
        .route("/_pinbox/engagement/simulate", post(simulate))
        .route("/_pinbox/engagement/profiles", get(profiles))
}

fn day(name: &str, v: &str) -> Result<i64> {
    parse_date(v).ok_or_else(|| Error::invalid(format!("'{name}' must be a date as YYYY-MM-DD.")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddBody {
    pin_id: String,
    date: String,
    app_type: String,
    events: BTreeMap<String, i64>,
}

async fn add(
    State(app): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AddBody>,
) -> Result<Json<Value>> {
    let caller = token_owner(&app, &headers, "the Pin owner's").await?;
    let pin = PinId(parse_digits(&body.pin_id).unwrap_or(0));
    let date = day("date", &body.date)?;
    let app_type = AppType::parse(&body.app_type)
        .ok_or_else(|| Error::invalid("'app_type' must be one of: MOBILE, TABLET, WEB."))?;
    let counts = body
        .events
        .iter()
        .map(|(m, n)| parse_event(m, *n))
        .collect::<Result<Vec<_>>>()?;
    app.pinbox.analytics.owned_pin(&caller, pin).await?;
    app.pinbox
        .analytics
        .add_events(
            caller.env,
            EngagementEvents {
                pin,
                day: date,
                app_type,
                counts,
            },
        )
        .await?;
    Ok(Json(json!({
        "pin_id": pin.to_string(),
        "date": body.date,
        "app_type": app_type.as_str(),
        "events": body.events,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulateBody {
    profile: String,
    from: String,
    to: String,
    #[serde(default)]
    seed: u64,
}

#[derive(Serialize)]
struct SimulateReply {
    profile: &'static str,
    seed: u64,
    pins: u64,
    days: u64,
    rows: u64,
    impressions: i64,
}

async fn simulate(
    State(app): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SimulateBody>,
) -> Result<Json<SimulateReply>> {
    let caller = token_owner(&app, &headers, "the Pin owner's").await?;
    let profile = Profile::named(&body.profile)?;
    let sim = Simulation {
        env: caller.env,
        user: caller.user_id,
        profile,
        from: day("from", &body.from)?,
        to: day("to", &body.to)?,
        seed: body.seed,
    };
    let report = app.pinbox.analytics.simulate(sim, &mut |_, _| {}).await?;
    Ok(Json(SimulateReply {
        profile: profile.as_str(),
        seed: body.seed,
        pins: report.pins,
        days: report.days,
        rows: report.rows,
        impressions: report.impressions,
    }))
}

async fn profiles() -> Json<Value> {
    Json(json!({
        "profiles": Profile::ALL.iter().map(|p| json!({
            "name": p.as_str(),
            "description": p.describe(),
        })).collect::<Vec<_>>()
    }))
}
