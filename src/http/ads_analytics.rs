//! Ads analytics over HTTP: the account, campaign, ad group, ad and promoted-Pin analytics and
//! their targeting breakdowns. The rules and figures are `domain::ads_analytics`'; this module
//! reads the parameters and writes the spec's shapes (arrays of rows; `{data: [...]}` for the
//! breakdowns).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::ads_analytics::{
    Answer, COLUMNS, Level, MAX_DAYS_BACK, MAX_RANGE_DAYS, RawQuery, Rules,
};
use crate::domain::caller::Caller;
use crate::domain::ids::AdAccountId;
use crate::error::Result;
use crate::http::extract::{PathParams, QueryParams};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};

const fn rules(
    level: Level,
    what: &'static str,
    required_ids: &'static [&'static str],
    targeting: bool,
) -> Rules {
    Rules {
        level,
        what,
        required_ids,
        targeting,
        max_back: MAX_DAYS_BACK,
        max_range: MAX_RANGE_DAYS,
        columns: COLUMNS,
        max_ids: 250,
    }
}

/// Each operation and what it asks for.
const OPERATIONS: &[(&str, Rules)] = &[
    (
        "ad_account/analytics",
        rules(Level::Account, "ad account analytics", &[], false),
    ),
    (
        "campaigns/analytics",
        rules(
            Level::Campaign,
            "campaign analytics",
            &["campaign_ids"],
            false,
        ),
    ),
    (
        "ad_groups/analytics",
        rules(
            Level::AdGroup,
            "ad group analytics",
            &["ad_group_ids"],
            false,
        ),
    ),
    (
        "ads/analytics",
        rules(Level::Ad, "ads analytics", &[], false),
    ),
    (
        "ad_pins/analytics",
        rules(
            Level::Pin,
            "pins analytics",
            &["campaign_id", "pin_ids"],
            false,
        ),
    ),
    (
        "ad_account_targeting_analytics/get",
        rules(Level::Account, "ad account targeting analytics", &[], true),
    ),
    (
        "campaign_targeting_analytics/get",
        rules(
            Level::Campaign,
            "campaign targeting analytics",
            &["campaign_ids"],
            true,
        ),
    ),
    (
        "ad_groups_targeting_analytics/get",
        rules(
            Level::AdGroup,
            "ad group targeting analytics",
            &["ad_group_ids"],
            true,
        ),
    ),
    (
        "ad_targeting_analytics/get",
        rules(Level::Ad, "ad targeting analytics", &["ad_ids"], true),
    ),
];

pub fn endpoints() -> Vec<Endpoint> {
    OPERATIONS
        .iter()
        .map(|(op, rules)| {
            let rules = *rules;
            endpoint(
                op,
                move |State(app): State<AppState>,
                      caller: Caller,
                      path: PathParams,
                      query: QueryParams| async move {
                    analytics(app, caller, path, query, rules).await
                },
            )
        })
        .collect()
}

/// The query as the domain takes it.
pub fn raw_query(q: &QueryParams) -> Result<RawQuery> {
    let one = |name: &str| -> Result<Option<String>> { Ok(q.single(name)?.map(str::to_string)) };
    let many = |name: &str| -> Vec<String> {
        q.list(name)
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut campaign_ids = many("campaign_ids");
    if let Some(id) = one("campaign_id")? {
        campaign_ids.push(id);
    }
    // Beta parameters pinbox accepts and ignores: every figure is in UTC, one row per entity.
    q.enumerated(
        "reporting_timezone",
        &["PINTEREST_TIME_ZONE", "AD_ACCOUNT_TIME_ZONE"],
        |v| matches!(v, "PINTEREST_TIME_ZONE" | "AD_ACCOUNT_TIME_ZONE").then_some(()),
    )?;
    q.boolean("aggregate_report_rows")?;
    Ok(RawQuery {
        start_date: one("start_date")?,
        end_date: one("end_date")?,
        granularity: one("granularity")?,
        columns: many("columns"),
        campaign_ids,
        ad_group_ids: many("ad_group_ids"),
        ad_ids: many("ad_ids"),
        pin_ids: many("pin_ids"),
        targeting_types: many("targeting_types"),
        click_window_days: one("click_window_days")?,
        engagement_window_days: one("engagement_window_days")?,
        view_window_days: one("view_window_days")?,
        conversion_report_time: one("conversion_report_time")?,
        attribution_types: many("attribution_types"),
    })
}

async fn analytics(
    app: AppState,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
    rules: Rules,
) -> Result<Response> {
    let account = AdAccountId(path.id("ad_account_id")?);
    let raw = raw_query(&query)?;
    let answer = app
        .pinbox
        .ads_analytics
        .run(&caller, account, rules, &raw)
        .await?;
    Ok(if rules.targeting {
        Json(targeting_json(&answer)).into_response()
    } else {
        Json(Rows(&answer)).into_response()
    })
}

/// The spec's `*AnalyticsResponse`: one object per row, written as it is serialized.
struct Rows<'a>(&'a Answer);

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.rows.iter().map(|r| self.0.row_view(r)))
    }
}

/// The spec's `MetricsResponse`: `{data: [{targeting_type, targeting_value, metrics}]}`.
pub fn targeting_json(answer: &Answer) -> Value {
    let data: Vec<Value> = answer
        .rows
        .iter()
        .map(|r| {
            let (kind, value) = r.targeting.clone().unwrap_or_default();
            json!({
                "targeting_type": kind,
                "targeting_value": value,
                "metrics": Value::Object(answer.row_json(r)),
            })
        })
        .collect();
    json!({ "data": data })
}
