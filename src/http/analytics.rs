//! Analytics: `/v5/pins/{pin_id}/analytics`, `/v5/pins/analytics`,
//! `/v5/user_account/analytics` and its top Pins and top video Pins. The rules and numbers are
//! `domain::analytics`'; this module reads the parameters and writes the spec's shapes.

use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::domain::analytics::{
    GroupMetrics, Groups, Metrics, RawParams, Report, TopPins, Value as MetricValue,
};
use crate::domain::caller::Caller;
use crate::domain::ids::PinId;
use crate::error::Result;
use crate::http::extract::{PathParams, QueryParams};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("pins/analytics", pins_analytics),
        endpoint("multi_pins/analytics", multi_pins_analytics),
        endpoint("user_account/analytics", user_account_analytics),
        endpoint("user_account/analytics/top_pins", top_pins),
        endpoint("user_account/analytics/top_video_pins", top_video_pins),
    ]
}

/// The query as the domain takes it; a parameter given twice is the operation's own 400.
fn raw_params(report: Report, q: &QueryParams) -> Result<RawParams> {
    let one = |name: &str| -> Result<Option<String>> {
        q.single(name)
            .map(|v| v.map(str::to_string))
            .map_err(|_| report.invalid(format_args!("{name} was given more than once.")))
    };
    let many = |name: &str| -> Option<Vec<String>> {
        let values = q.list(name);
        (!values.is_empty()).then(|| values.into_iter().map(str::to_string).collect())
    };
    Ok(RawParams {
        start_date: one("start_date")?,
        end_date: one("end_date")?,
        app_types: one("app_types")?,
        metric_types: many("metric_types"),
        split_field: one("split_field")?,
        sort_by: one("sort_by")?,
        num_of_pins: one("num_of_pins")?,
        created_in_last_n_days: one("created_in_last_n_days")?,
        from_claimed_content: one("from_claimed_content")?,
        pin_format: one("pin_format")?,
        content_type: one("content_type")?,
        source: one("source")?,
        pin_ids: many("pin_ids"),
    })
}

fn number(v: MetricValue) -> Value {
    match v {
        MetricValue::Count(n) => json!(n),
        MetricValue::Ratio(r) => json!(r),
    }
}

fn metrics_json(metrics: &Metrics) -> Value {
    Value::Object(
        metrics
            .iter()
            .map(|(m, v)| (m.as_str().to_string(), number(*v)))
            .collect(),
    )
}

/// The spec's `PinAnalyticsMetricsResponse` / `AnalyticsMetricsResponse`.
fn group_json(g: &GroupMetrics) -> Value {
    let mut out = Map::new();
    out.insert(
        "daily_metrics".into(),
        g.daily
            .iter()
            .map(|d| {
                json!({
                    "date": d.date,
                    "data_status": d.status.as_str(),
                    "metrics": metrics_json(&d.metrics),
                })
            })
            .collect(),
    );
    out.insert("summary_metrics".into(), metrics_json(&g.summary));
    if let Some(l) = &g.lifetime {
        out.insert("lifetime_metrics".into(), metrics_json(l));
    }
    Value::Object(out)
}

fn groups_json(groups: &Groups) -> Value {
    Value::Object(
        groups
            .iter()
            .map(|(name, g)| (name.clone(), group_json(g)))
            .collect(),
    )
}

/// <https://developers.pinterest.com/docs/api/v5/pins-analytics>
async fn pins_analytics(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Value>> {
    let id = PinId(path.id("pin_id")?);
    let raw = raw_params(Report::Pin, &query)?;
    let groups = app.pinbox.analytics.pin(&caller, id, &raw).await?;
    Ok(Json(groups_json(&groups)))
}

/// <https://developers.pinterest.com/docs/api/v5/multi_pins-analytics>
async fn multi_pins_analytics(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Value>> {
    let raw = raw_params(Report::MultiPin, &query)?;
    let pins = app.pinbox.analytics.multi_pin(&caller, &raw).await?;
    Ok(Json(Value::Object(
        pins.iter()
            .map(|(id, groups)| (id.to_string(), groups_json(groups)))
            .collect(),
    )))
}

/// <https://developers.pinterest.com/docs/api/v5/user_account-analytics>
async fn user_account_analytics(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Value>> {
    let raw = raw_params(Report::UserAccount, &query)?;
    let groups = app.pinbox.analytics.account(&caller, &raw).await?;
    Ok(Json(groups_json(&groups)))
}

/// The spec's `TopPinsAnalyticsResponse` / `TopVideoPinsAnalyticsResponse`.
fn top_json(top: &TopPins) -> Value {
    json!({
        "date_availability": {
            "is_realtime": false,
            "latest_available_timestamp": top.latest_available,
        },
        "pins": top.pins.iter().map(|p| json!({
            "pin_id": p.pin_id.to_string(),
            "metrics": metrics_json(&p.metrics),
            "data_status": Value::Object(p.metrics.iter().map(|(m, _)| {
                (m.as_str().to_string(), json!(p.status.as_str()))
            }).collect()),
        })).collect::<Vec<_>>(),
        "sort_by": top.sort_by.as_str(),
    })
}

/// <https://developers.pinterest.com/docs/api/v5/user_account-analytics-top_pins>
async fn top_pins(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Value>> {
    let raw = raw_params(Report::TopPins, &query)?;
    let top = app
        .pinbox
        .analytics
        .top_pins(&caller, Report::TopPins, &raw)
        .await?;
    Ok(Json(top_json(&top)))
}

/// <https://developers.pinterest.com/docs/api/v5/user_account-analytics-top_video_pins>
async fn top_video_pins(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Value>> {
    let raw = raw_params(Report::TopVideoPins, &query)?;
    let top = app
        .pinbox
        .analytics
        .top_pins(&caller, Report::TopVideoPins, &raw)
        .await?;
    Ok(Json(top_json(&top)))
}
