//! Asynchronous ads reports over HTTP: `analytics/create_report` (a JSON body),
//! `analytics/get_report` (a status and, when finished, a link to pinbox's own download route,
//! `control::reports`), the built-in templates and reports made from them. The rules are
//! `domain::ads_reports`'.

use axum::extract::State;
use serde_json::{Value, json};

use crate::domain::caller::Caller;
use crate::domain::ids::AdAccountId;
use crate::error::{Error, Result};
use crate::http::extract::{JsonBody, PathParams, QueryParams};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("analytics/create_report", analytics_create_report),
        endpoint("analytics/get_report", analytics_get_report),
        endpoint("templates/list", templates_list),
        endpoint(
            "analytics/create_template_report",
            analytics_create_template_report,
        ),
    ]
}

fn account_id(path: &PathParams) -> Result<AdAccountId> {
    Ok(AdAccountId(path.id("ad_account_id")?))
}

/// <https://developers.pinterest.com/docs/api/v5/analytics-create_report>
async fn analytics_create_report(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>> {
    let token = app
        .pinbox
        .ads_reports
        .create(&caller, account_id(&path)?, &body)
        .await?;
    Ok(Json(json!({
        "token": token,
        "report_status": "IN_PROGRESS",
        "message": null,
    })))
}

/// <https://developers.pinterest.com/docs/api/v5/analytics-get_report>
async fn analytics_get_report(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let token = query.single("token")?.ok_or_else(|| {
        Error::invalid(
            "Invalid ad account ads analytics parameters: 'token' is required: the token \
             analytics/create_report answered.",
        )
    })?;
    let state = app
        .pinbox
        .ads_reports
        .state(&caller, account, token)
        .await?;
    let url = state.link.map(|l| {
        format!(
            "{}/_pinbox/reports/{}?expires={}&signature={}",
            app.public_url, l.file, l.expires, l.signature
        )
    });
    Ok(Json(json!({
        "report_status": state.status.as_str(),
        "url": url,
        "size": state.size,
    })))
}

/// <https://developers.pinterest.com/docs/api/v5/templates-list>
async fn templates_list(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let page = query.page()?;
    let descending = query
        .enumerated("order", &["ASCENDING", "DESCENDING"], |o| match o {
            "ASCENDING" => Some(false),
            "DESCENDING" => Some(true),
            _ => None,
        })?
        .unwrap_or(false);
    let (items, next) = app
        .pinbox
        .ads_reports
        .templates(
            &caller,
            account,
            page.page_size as usize,
            page.bookmark.as_deref(),
            descending,
        )
        .await?;
    let items: Vec<Value> = items.iter().map(|t| t.json(account.0)).collect();
    Ok(Json(json!({ "items": items, "bookmark": next })))
}

/// <https://developers.pinterest.com/docs/api/v5/analytics-create_template_report>
async fn analytics_create_template_report(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let template = path.raw("template_id").to_string();
    let one =
        |name: &str| -> Result<Option<String>> { Ok(query.single(name)?.map(str::to_string)) };
    let token = app
        .pinbox
        .ads_reports
        .create_from_template(
            &caller,
            account,
            &template,
            one("start_date")?,
            one("end_date")?,
            one("granularity")?,
        )
        .await?;
    Ok(Json(json!({
        "template_id": template,
        "token": token,
        "report_status": "IN_PROGRESS",
        "message": "",
    })))
}
