//! Ads planning over HTTP: keyword metrics, trending keywords, audience sizing, bid floors and
//! ad previews (`domain::ads_planning`); the preview page itself is pinbox's own route
//! (`control/ad_previews.rs`).

use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::domain::ads_planning::preview::PreviewPage;
use crate::domain::ads_planning::trends::{AGES, GENDERS, INTERESTS, REGIONS, TREND_TYPES};
use crate::domain::ads_planning::{PreviewOf, TrendQuery};
use crate::domain::caller::Caller;
use crate::domain::ids::AdAccountId;
use crate::error::{Error, Result};
use crate::http::extract::{JsonBody, PathParams, QueryParams, truncate};
use crate::http::images::rendition_url;
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};
use crate::media::images::Rendition;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("country_keywords_metrics/get", keyword_metrics),
        endpoint("trending_keywords/list", trending),
        endpoint("ad_groups/audience_sizing", audience_sizing),
        endpoint("ad_groups_bid_floor/get", bid_floor),
        endpoint("ad_previews/create", preview),
    ]
}

fn account_id(path: &PathParams) -> Result<AdAccountId> {
    Ok(AdAccountId(path.id("ad_account_id")?))
}

async fn keyword_metrics(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let country = query.single("country_code")?.ok_or_else(|| {
        Error::invalid("Parameter 'country_code' is required: a two-letter country code.")
    })?;
    let keywords = query.list("keywords");
    if query.single("keywords")?.is_none() {
        return Err(Error::invalid(
            "Parameter 'keywords' is required: comma-separated keywords.",
        ));
    }
    let metrics = app
        .pinbox
        .ads_planning
        .keyword_metrics(&caller, account, country, &keywords)
        .await?;
    let data: Vec<Value> = metrics
        .into_iter()
        .map(|(k, v)| json!({"keyword": k, "metrics": {"keyword_query_volume": v}}))
        .collect();
    Ok(Json(json!({ "data": data })))
}

/// Each value of a list parameter, which must be one of `allowed`.
fn one_of<'a>(query: &'a QueryParams, name: &str, allowed: &[&'a str]) -> Result<Vec<&'a str>> {
    query
        .list(name)
        .into_iter()
        .map(|v| {
            allowed.iter().find(|a| **a == v).copied().ok_or_else(|| {
                Error::invalid(format!(
                    "Invalid trending keywords request parameters: '{name}' has an unknown \
                     value '{}'; use any of: {}.",
                    truncate(v, 64),
                    allowed.join(", ")
                ))
            })
        })
        .collect()
}

async fn trending(
    State(app): State<AppState>,
    _caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Value>> {
    let pick = |name: &str, allowed: &'static [&'static str]| -> Result<&'static str> {
        let v = path.raw(name);
        allowed.iter().find(|a| **a == v).copied().ok_or_else(|| {
            Error::invalid(format!(
                "Invalid trending keywords request parameters: '{name}' must be one of: {} (was \
                 '{}').",
                allowed.join(", "),
                truncate(v, 32)
            ))
        })
    };
    let region = pick("region", REGIONS)?;
    let trend_type = pick("trend_type", TREND_TYPES)?;
    let interest_names: Vec<&str> = INTERESTS.iter().map(|(n, _)| *n).collect();
    let interests = one_of(&query, "interests", &interest_names)?;
    let genders = one_of(&query, "genders", GENDERS)?;
    let ages = one_of(&query, "ages", AGES)?;
    let include_keywords: Vec<String> = query
        .list("include_keywords")
        .into_iter()
        .map(str::to_string)
        .collect();
    if include_keywords.len() > 50
        || include_keywords
            .iter()
            .any(|k| k.is_empty() || k.chars().count() > 100)
    {
        return Err(Error::invalid(
            "Invalid trending keywords request parameters: 'include_keywords' takes from 1 to \
             50 keywords of 1 to 100 characters each.",
        ));
    }
    let limit = match query.single("limit")? {
        None => 50,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=50).contains(&n) => n,
            _ => {
                return Err(Error::invalid(format!(
                    "Invalid trending keywords request parameters: 'limit' must be a whole \
                     number from 1 to 50 (was '{}').",
                    truncate(v, 32)
                )));
            }
        },
    };
    let q = TrendQuery {
        region,
        trend_type,
        interests,
        genders,
        ages,
        include_keywords,
        normalize_against_group: query.boolean("normalize_against_group")?.unwrap_or(false),
        limit,
        include_prediction: query.boolean("include_prediction")?.unwrap_or(false),
        include_demographics: query.boolean("include_demographics")?.unwrap_or(false),
    };
    let trends = app.pinbox.ads_planning.trending(&q);
    Ok(Json(json!({ "trends": trends })))
}

async fn audience_sizing(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let (lower, upper) = app
        .pinbox
        .ads_planning
        .audience_size(&caller, account, &body)
        .await?;
    Ok(Json(json!({
        "audience_size_lower_bound": lower,
        "audience_size_upper_bound": upper,
    })))
}

async fn bid_floor(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let floors = app
        .pinbox
        .ads_planning
        .bid_floors(&caller, account, &body)
        .await?;
    Ok(Json(json!({"bid_floors": floors, "type": "bidfloor"})))
}

async fn preview(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let page = match app
        .pinbox
        .ads_planning
        .preview(&caller, account, &body)
        .await?
    {
        PreviewOf::Image { url, title } => PreviewPage {
            image_url: url,
            title,
        },
        PreviewOf::Pin(pin) => PreviewPage {
            image_url: pin
                .media
                .cover()
                .map(|c| rendition_url(&app.public_url, c, Rendition::W600))
                .unwrap_or_default(),
            title: pin.title.clone().unwrap_or_default(),
        },
    };
    Ok(Json(json!({
        "url": format!("{}/_pinbox/ad-previews/{}", app.public_url, page.token())
    })))
}
