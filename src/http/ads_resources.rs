//! The Ads API's reference data: `/v5/resources/...` (countries, delivery metrics, lead form
//! questions, metrics ready state, targeting options and interests) and
//! `/v5/ad_accounts/{ad_account_id}/terms_of_service`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::domain::ads_resources::{
    DeliveryMetric, ReportType, TargetingOption, check_signed_request_params,
};
use crate::domain::caller::Caller;
use crate::error::{Error, Result};
use crate::http::extract::{PathParams, QueryParams};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("terms_of_service/get", terms_of_service_get),
        endpoint("ad_account_countries/get", ad_account_countries_get),
        endpoint("delivery_metrics/get", delivery_metrics_get),
        endpoint("lead_form_questions/get", lead_form_questions_get),
        endpoint("metrics_ready_state/get", metrics_ready_state_get),
        endpoint(
            "interest_targeting_options/get",
            interest_targeting_options_get,
        ),
        endpoint("targeting_options/get", targeting_options_get),
    ]
}

/// A list under `items`, as the spec's resource answers give it.
#[derive(Serialize)]
struct Items<T> {
    items: Vec<T>,
}

/// The spec's `TermsOfService`.
#[derive(Serialize)]
struct TermsOfServiceJson {
    id: &'static str,
    ad_account_id: String,
    has_accepted: bool,
    html: String,
}

/// The spec's `AdAccountsCountryResponseData`.
#[derive(Serialize)]
struct CountryJson {
    code: &'static str,
    currency: &'static str,
    index: usize,
    name: &'static str,
}

/// An item of the spec's `DeliveryMetricsResponse`.
#[derive(Serialize)]
struct DeliveryMetricJson {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'static str>,
    definition: &'static str,
    category: &'static str,
}

impl From<&DeliveryMetric> for DeliveryMetricJson {
    fn from(m: &DeliveryMetric) -> DeliveryMetricJson {
        DeliveryMetricJson {
            name: m.name,
            display_name: m.display_name,
            definition: m.definition,
            category: m.category.as_str(),
        }
    }
}

/// The spec's `BookClosedResponse`.
#[derive(Serialize)]
struct BookClosedJson {
    conversion_metrics_ready: bool,
    non_conversion_metrics_ready: bool,
}

/// The spec's `SingleInterestTargetingOptionResponse`.
#[derive(Serialize)]
struct InterestJson {
    id: &'static str,
    name: &'static str,
    level: u32,
    child_interests: Vec<&'static str>,
}

/// <https://developers.pinterest.com/docs/api/v5/terms_of_service-get>
async fn terms_of_service_get(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<TermsOfServiceJson>> {
    let include_html = query.boolean("include_html")?.unwrap_or(false);
    let tos_type = query.single("tos_type")?;
    let terms = app
        .pinbox
        .ads_resources
        .terms_of_service(&caller, path.raw("ad_account_id"), include_html, tos_type)
        .await?;
    Ok(Json(TermsOfServiceJson {
        id: terms.id,
        ad_account_id: terms.ad_account_id.to_string(),
        has_accepted: terms.has_accepted,
        html: terms.text,
    }))
}

/// <https://developers.pinterest.com/docs/api/v5/ad_account_countries-get>
async fn ad_account_countries_get(State(app): State<AppState>) -> Json<Items<CountryJson>> {
    let countries = app.pinbox.ads_resources.countries();
    Json(Items {
        items: countries
            .iter()
            .enumerate()
            .map(|(n, c)| CountryJson {
                code: c.code,
                currency: c.currency,
                index: n + 1,
                name: c.name,
            })
            .collect(),
    })
}

/// <https://developers.pinterest.com/docs/api/v5/delivery_metrics-get>
async fn delivery_metrics_get(
    State(app): State<AppState>,
    query: QueryParams,
) -> Result<Json<Items<DeliveryMetricJson>>> {
    let report = query.enumerated("report_type", ReportType::NAMES, ReportType::parse)?;
    let metrics = app.pinbox.ads_resources.delivery_metrics(report);
    Ok(Json(Items {
        items: metrics.into_iter().map(DeliveryMetricJson::from).collect(),
    }))
}

/// <https://developers.pinterest.com/docs/api/v5/lead_form_questions-get>
///
/// The spec documents this `200` with no body, so none is sent (docs/compatibility.md): the
/// question types a lead form may ask are the spec's `LeadFormQuestionType` values.
async fn lead_form_questions_get() -> StatusCode {
    StatusCode::OK
}

/// <https://developers.pinterest.com/docs/api/v5/metrics_ready_state-get>
async fn metrics_ready_state_get(
    State(app): State<AppState>,
    query: QueryParams,
) -> Result<Json<BookClosedJson>> {
    let date = query.single("date")?.ok_or_else(|| {
        Error::invalid(
            "Invalid request: the query parameter 'date' is required: the day (UTC) as \
             YYYY-MM-DD.",
        )
    })?;
    let state = app.pinbox.ads_resources.metrics_ready_state(date)?;
    Ok(Json(BookClosedJson {
        conversion_metrics_ready: state.conversion_metrics_ready,
        non_conversion_metrics_ready: state.non_conversion_metrics_ready,
    }))
}

/// <https://developers.pinterest.com/docs/api/v5/interest_targeting_options-get>
async fn interest_targeting_options_get(
    State(app): State<AppState>,
    path: PathParams,
) -> Result<Json<InterestJson>> {
    let interest = app.pinbox.ads_resources.interest(path.raw("interest_id"))?;
    Ok(Json(InterestJson {
        id: interest.id,
        name: interest.name,
        level: interest.level,
        child_interests: interest.child_interests,
    }))
}

/// <https://developers.pinterest.com/docs/api/v5/targeting_options-get>
///
/// The spec's sample answer: one object mapping each targetable value to its label, in a list.
/// `ad_account_id` was checked by the auth layer (the caller must own it).
async fn targeting_options_get(
    State(app): State<AppState>,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Vec<BTreeMap<&'static str, String>>>> {
    check_signed_request_params(query.single("client_id")?, query.single("timestamp")?)?;
    query.single("oauth_signature")?;
    let options: Vec<TargetingOption> = app
        .pinbox
        .ads_resources
        .targeting_options(path.raw("targeting_type"))?;
    if options.is_empty() {
        return Ok(Json(Vec::new()));
    }
    Ok(Json(vec![options.into_iter().collect()]))
}
