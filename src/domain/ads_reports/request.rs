//! An asynchronous report request (the spec's `AdsAnalyticsCreateAsyncRequest`), checked field
//! by field with the spec's enums and limits, into the synchronous analytics' `Query` plus what
//! only reports have: the file format, the sort, the hours and the metric filters.

use serde_json::{Map, Value};

use crate::domain::ads_analytics::{Level, Query, RawQuery, Rules, TARGETING_TYPES};
use crate::domain::ads_reports::columns::REPORT_COLUMNS;
use crate::domain::engagement::Day;
use crate::error::{Error, Result};

/// Without HOUR granularity: up to 914 days back, ranges up to 186 days (the spec's limits).
pub const MAX_DAYS_BACK: i64 = 914;
pub const MAX_RANGE_DAYS: i64 = 186;
/// HOUR granularity: up to 8 days back, ranges up to 3 days.
pub const MAX_HOUR_DAYS_BACK: i64 = 8;
pub const MAX_HOUR_RANGE_DAYS: i64 = 3;
/// The spec's `maxItems` for the id filters.
pub const MAX_IDS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// `metrics_filters`: keep the rows whose metric is below or above the first value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricFilter {
    pub field: String,
    pub greater_than: bool,
    pub value: f64,
}

/// A validated report request; stored as JSON under the report's token.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReportRequest {
    pub query: Query,
    /// The level as the client named it (`PIN_PROMOTION`, `CAMPAIGN_TARGETING`, ...).
    pub level: String,
    pub format: Format,
    pub by_date: bool,
    pub start_hour: Option<u8>,
    pub end_hour: Option<u8>,
    pub metrics_filters: Vec<MetricFilter>,
    pub template_id: Option<String>,
}

/// The spec's `MetricsReportingLevel` values and the level pinbox computes for each; `None`
/// for the levels pinbox simulates no delivery for.
const LEVELS: &[(&str, Option<Level>)] = &[
    ("ADVERTISER", Some(Level::Account)),
    ("ADVERTISER_TARGETING", Some(Level::Account)),
    ("CAMPAIGN", Some(Level::Campaign)),
    ("CAMPAIGN_TARGETING", Some(Level::Campaign)),
    ("AD_GROUP", Some(Level::AdGroup)),
    ("AD_GROUP_TARGETING", Some(Level::AdGroup)),
    ("PIN_PROMOTION", Some(Level::Ad)),
    ("PIN_PROMOTION_TARGETING", Some(Level::Ad)),
    ("KEYWORD", None),
    ("PRODUCT_GROUP", None),
    ("PRODUCT_GROUP_TARGETING", None),
    ("PRODUCT_ITEM", None),
    ("PRODUCT_ITEM_TARGETING", None),
];

const CAMPAIGN_STATUSES: &[&str] = &[
    "RUNNING",
    "PAUSED",
    "NOT_STARTED",
    "COMPLETED",
    "ADVERTISER_DISABLED",
    "ARCHIVED",
    "DRAFT",
    "DELETED_DRAFT",
];
const AD_STATUSES: &[&str] = &[
    "APPROVED",
    "PAUSED",
    "PENDING",
    "REJECTED",
    "ADVERTISER_DISABLED",
    "ARCHIVED",
    "DRAFT",
    "DELETED_DRAFT",
];
const PRODUCT_GROUP_STATUSES: &[&str] = &["RUNNING", "PAUSED", "EXCLUDED", "ARCHIVED"];
const OBJECTIVES: &[&str] = &[
    "AWARENESS",
    "CONSIDERATION",
    "WEB_CONVERSION",
    "CATALOG_SALES",
    "VIDEO_COMPLETION",
];
/// Targeting types the spec lists that pinbox does not break figures down by.
const UNSIMULATED_TARGETING: &[&str] =
    &["MEDIA_TYPE", "AUDIENCE_MULTIPLIER", "LOCAL_ADS_STORE_CODE"];

fn bad(msg: String) -> Error {
    Error::invalid(format!(
        "Invalid ad account ads analytics parameters: {msg}"
    ))
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A string field, if present.
fn string(body: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("'{name}' must be a string."))),
    }
}

/// An array of strings, each one of `allowed` when given, with the spec's item counts.
fn strings(
    body: &Map<String, Value>,
    name: &str,
    allowed: Option<&[&str]>,
    max: usize,
) -> Result<Vec<String>> {
    let items = match body.get(name) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(bad(format!("'{name}' must be an array of strings."))),
    };
    if items.is_empty() || items.len() > max {
        return Err(bad(format!("'{name}' must hold 1 to {max} items.")));
    }
    items
        .iter()
        .map(|v| {
            let s = v
                .as_str()
                .ok_or_else(|| bad(format!("'{name}' must be an array of strings.")))?;
            if let Some(allowed) = allowed
                && !allowed.contains(&s)
            {
                return Err(bad(format!(
                    "'{name}' has an unknown value '{}'; use one of: {}.",
                    short(s),
                    allowed.join(", ")
                )));
            }
            Ok(s.to_string())
        })
        .collect()
}

fn integer(body: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| bad(format!("'{name}' must be an integer."))),
    }
}

fn digits(name: &str, ids: &[String]) -> Result<()> {
    for id in ids {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(format!(
                "'{name}' holds '{}', which is not an id (digits).",
                short(id)
            )));
        }
    }
    Ok(())
}

/// Checks a request body against the spec and pinbox's levels, as of `today`.
pub fn parse(body: &Value, today: Day) -> Result<ReportRequest> {
    let body = body
        .as_object()
        .ok_or_else(|| bad("the body must be a JSON object.".into()))?;
    let level_name = string(body, "level")?.ok_or_else(|| {
        bad("'level' is required: ADVERTISER, CAMPAIGN, AD_GROUP, PIN_PROMOTION or one of those with _TARGETING.".into())
    })?;
    let level = match LEVELS.iter().find(|(n, _)| *n == level_name) {
        None => {
            let names: Vec<&str> = LEVELS.iter().map(|(n, _)| *n).collect();
            return Err(bad(format!(
                "'level' '{}' is not one of {}.",
                short(&level_name),
                names.join(", ")
            )));
        }
        Some((_, None)) => {
            return Err(bad(format!(
                "'level' {level_name} is not simulated by pinbox (it has no keywords or product \
                 delivery); use ADVERTISER, CAMPAIGN, AD_GROUP or PIN_PROMOTION, with or without \
                 _TARGETING."
            )));
        }
        Some((_, Some(l))) => *l,
    };
    let targeting = level_name.ends_with("_TARGETING");
    let columns = match body.get("columns") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("'columns' must be an array of strings.".into()))
            })
            .collect::<Result<_>>()?,
        Some(_) => return Err(bad("'columns' must be an array of strings.".into())),
    };
    let granularity = string(body, "granularity")?;
    let hourly = granularity.as_deref() == Some("HOUR");
    let targeting_types = strings(body, "targeting_types", None, 5)?;
    if !targeting_types.is_empty() && !targeting {
        return Err(bad(format!(
            "'targeting_types' requires a 'level' ending in _TARGETING ({level_name}_TARGETING)."
        )));
    }
    for t in &targeting_types {
        if UNSIMULATED_TARGETING.contains(&t.as_str()) {
            return Err(bad(format!(
                "'targeting_types' {t} is not simulated by pinbox; use one of: {}.",
                TARGETING_TYPES.join(", ")
            )));
        }
    }
    let windows =
        |name: &str| -> Result<Option<String>> { Ok(integer(body, name)?.map(|n| n.to_string())) };
    let campaign_ids = strings(body, "campaign_ids", None, MAX_IDS)?;
    let ad_group_ids = strings(body, "ad_group_ids", None, MAX_IDS)?;
    let ad_ids = strings(body, "ad_ids", None, MAX_IDS)?;
    for (name, ids) in [
        ("campaign_ids", &campaign_ids),
        ("ad_group_ids", &ad_group_ids),
        ("ad_ids", &ad_ids),
    ] {
        digits(name, ids)?;
    }
    let raw = RawQuery {
        start_date: string(body, "start_date")?,
        end_date: string(body, "end_date")?,
        granularity,
        columns,
        campaign_ids,
        ad_group_ids,
        ad_ids,
        pin_ids: Vec::new(),
        targeting_types,
        click_window_days: windows("click_window_days")?,
        engagement_window_days: windows("engagement_window_days")?,
        view_window_days: windows("view_window_days")?,
        conversion_report_time: string(body, "conversion_report_time")?,
        attribution_types: strings(
            body,
            "attribution_types",
            Some(&["INDIVIDUAL", "HOUSEHOLD"]),
            2,
        )?,
    };
    let rules = Rules {
        level,
        what: "ad account ads analytics",
        required_ids: &[],
        targeting,
        max_back: if hourly {
            MAX_HOUR_DAYS_BACK
        } else {
            MAX_DAYS_BACK
        },
        max_range: if hourly {
            MAX_HOUR_RANGE_DAYS
        } else {
            MAX_RANGE_DAYS
        },
        columns: REPORT_COLUMNS,
        max_ids: MAX_IDS,
    };
    let query = Query::parse(rules, &raw, today)?;
    // Filters the spec takes that narrow nothing pinbox simulates beyond the id filters: checked
    // as the spec says, so a client's mistakes show, then kept out of the figures (see
    // docs/compatibility.md).
    strings(body, "campaign_statuses", Some(CAMPAIGN_STATUSES), 6)?;
    strings(body, "ad_group_statuses", Some(CAMPAIGN_STATUSES), 6)?;
    strings(body, "ad_statuses", Some(AD_STATUSES), 6)?;
    strings(body, "campaign_objective_types", Some(OBJECTIVES), 7)?;
    strings(
        body,
        "product_group_statuses",
        Some(PRODUCT_GROUP_STATUSES),
        6,
    )?;
    for name in ["product_group_ids", "product_item_ids"] {
        digits(name, &strings(body, name, None, MAX_IDS)?)?;
    }
    string(body, "campaign_brand_label")?;
    if let Some(tz) = string(body, "reporting_timezone")?
        && tz != "PINTEREST_TIME_ZONE"
        && tz != "AD_ACCOUNT_TIME_ZONE"
    {
        return Err(bad(format!(
            "'reporting_timezone' '{}' must be PINTEREST_TIME_ZONE or AD_ACCOUNT_TIME_ZONE.",
            short(&tz)
        )));
    }
    match body.get("combine_targeting_types") {
        None | Some(Value::Null) | Some(Value::Bool(_)) => {}
        Some(_) => {
            return Err(bad(
                "'combine_targeting_types' must be true or false.".into()
            ));
        }
    }
    match body.get("custom_conversion_event_metrics") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.iter().all(Value::is_object) => {}
        Some(_) => {
            return Err(bad(
                "'custom_conversion_event_metrics' must be an array of objects.".into(),
            ));
        }
    }
    let format = match string(body, "report_format")?.as_deref() {
        None | Some("JSON") => Format::Json,
        Some("CSV") => Format::Csv,
        Some(f) => {
            return Err(bad(format!(
                "'report_format' '{}' must be JSON or CSV.",
                short(f)
            )));
        }
    };
    let by_date = match string(body, "primary_sort")?.as_deref() {
        None | Some("BY_ID") => false,
        Some("BY_DATE") => true,
        Some(s) => {
            return Err(bad(format!(
                "'primary_sort' '{}' must be BY_ID or BY_DATE.",
                short(s)
            )));
        }
    };
    let hour = |name: &str| -> Result<Option<u8>> {
        let Some(h) = integer(body, name)? else {
            return Ok(None);
        };
        if !(0..=23).contains(&h) {
            return Err(bad(format!("'{name}' must be 0 to 23.")));
        }
        if !hourly {
            return Err(bad(format!(
                "'{name}' is only allowed with 'granularity' HOUR."
            )));
        }
        Ok(Some(h as u8))
    };
    let start_hour = hour("start_hour")?;
    let end_hour = hour("end_hour")?;
    let metrics_filters = metric_filters(body)?;
    Ok(ReportRequest {
        query,
        level: level_name,
        format,
        by_date,
        start_hour,
        end_hour,
        metrics_filters,
        template_id: None,
    })
}

fn metric_filters(body: &Map<String, Value>) -> Result<Vec<MetricFilter>> {
    let items = match body.get("metrics_filters") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(_) => {
            return Err(bad(
                "'metrics_filters' must be a non-empty array of {field, operator, values}.".into(),
            ));
        }
    };
    items
        .iter()
        .map(|f| {
            let field = f.get("field").and_then(Value::as_str);
            let field = match field {
                Some(c @ ("SPEND_IN_DOLLAR" | "TOTAL_IMPRESSION")) => c.to_string(),
                _ => {
                    return Err(bad(
                        "'metrics_filters' 'field' must be SPEND_IN_DOLLAR or TOTAL_IMPRESSION."
                            .into(),
                    ));
                }
            };
            let greater_than = match f.get("operator").and_then(Value::as_str) {
                Some("GREATER_THAN") => true,
                Some("LESS_THAN") => false,
                _ => {
                    return Err(bad(
                        "'metrics_filters' 'operator' must be LESS_THAN or GREATER_THAN.".into(),
                    ));
                }
            };
            let value = f
                .get("values")
                .and_then(Value::as_array)
                .and_then(|v| v.first())
                .and_then(Value::as_f64)
                .ok_or_else(|| {
                    bad("'metrics_filters' 'values' must be a non-empty array of numbers.".into())
                })?;
            Ok(MetricFilter {
                field,
                greater_than,
                value,
            })
        })
        .collect()
}
