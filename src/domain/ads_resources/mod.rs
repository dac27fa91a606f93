//! The Ads API's reference data ("resources"): the countries ad accounts open in, the metrics
//! reports offer, targeting options and interests, whether a day's
//! metrics are final, and the terms of service an ad account has accepted. The data is a fixed
//! sample of Pinterest's (docs/compatibility.md, "Ads resources"); nothing here is stored.

mod countries;
mod delivery_metrics;
mod interests;
mod targeting;
mod terms;

pub use countries::*;
pub use delivery_metrics::*;
pub use interests::*;
pub use targeting::*;
pub use terms::*;

use crate::clock::Clock;
use crate::domain::ad_accounts::AdAccounts;
use crate::domain::analytics::DataStatus;
use crate::domain::caller::Caller;
use crate::domain::engagement::{day_of, parse_date};
use crate::domain::ids::AdAccountId;
use crate::error::{Error, Result};

/// The spec's `maxLength` for the numeric ids these operations take.
const MAX_ID_DIGITS: usize = 18;

/// The spec's `BookClosedResponse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsReadiness {
    pub conversion_metrics_ready: bool,
    pub non_conversion_metrics_ready: bool,
}

/// The spec's `TermsOfService` for one ad account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsOfService {
    pub id: &'static str,
    pub ad_account_id: AdAccountId,
    pub has_accepted: bool,
    pub text: String,
}

/// Interest details: the spec's `SingleInterestTargetingOptionResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestDetails {
    pub id: &'static str,
    pub name: &'static str,
    pub level: u32,
    pub child_interests: Vec<&'static str>,
}

/// Reference data for advertisers, and the two answers that depend on the clock or the caller.
#[derive(Clone)]
pub struct AdsResources {
    clock: Clock,
    ad_accounts: AdAccounts,
}

/// Digits, at most 18 of them: the spec's pattern and `maxLength` for an id parameter.
fn is_id(raw: &str) -> bool {
    !raw.is_empty() && raw.len() <= MAX_ID_DIGITS && raw.bytes().all(|b| b.is_ascii_digit())
}

fn shown(raw: &str) -> String {
    raw.chars().take(32).collect()
}

impl AdsResources {
    pub fn new(clock: Clock, ad_accounts: AdAccounts) -> AdsResources {
        AdsResources { clock, ad_accounts }
    }

    pub fn countries(&self) -> &'static [AdCountry] {
        AD_COUNTRIES
    }

    /// Every metric, or those the given kind of report offers.
    pub fn delivery_metrics(&self, report: Option<ReportType>) -> Vec<&'static DeliveryMetric> {
        DELIVERY_METRICS
            .iter()
            .filter(|m| report.is_none_or(|r| m.offered_by(r)))
            .collect()
    }

    /// Whether the metrics of `date` (UTC) are final: by the rule Pin analytics mark days
    /// `READY`, a day is final once it is before yesterday on pinbox's clock. Conversions are
    /// counted into the same days, so both kinds are final together.
    pub fn metrics_ready_state(&self, date: &str) -> Result<MetricsReadiness> {
        let day = parse_date(date).ok_or_else(|| {
            Error::invalid(format!(
                "Invalid parameter: 'date' '{}' is not a date as YYYY-MM-DD (UTC), such as \
                 2022-07-13.",
                shown(date)
            ))
        })?;
        let today = day_of(self.clock.now().millis());
        let ready = DataStatus::of(day, today, None) == DataStatus::Ready;
        Ok(MetricsReadiness {
            conversion_metrics_ready: ready,
            non_conversion_metrics_ready: ready,
        })
    }

    /// The terms of service of one of the caller's ad accounts (`ad_account_id` as sent).
    pub async fn terms_of_service(
        &self,
        caller: &Caller,
        ad_account_id: &str,
        include_html: bool,
        tos_type: Option<&str>,
    ) -> Result<TermsOfService> {
        if !is_id(ad_account_id) {
            return Err(Error::invalid(format!(
                "Invalid parameter: 'ad_account_id' '{}' must be an ad account id: 1 to \
                 {MAX_ID_DIGITS} digits.",
                shown(ad_account_id)
            )));
        }
        let id = AdAccountId(ad_account_id.parse().unwrap_or(0));
        let account = self.ad_accounts.get(caller, id).await?;
        let terms = Terms::for_type(tos_type);
        Ok(TermsOfService {
            id: terms.id(),
            ad_account_id: account.id,
            has_accepted: terms.accepted_with_ad_account(),
            text: terms.text(include_html),
        })
    }

    /// The options of one targeting type (`targeting_type` as sent).
    pub fn targeting_options(&self, targeting_type: &str) -> Result<Vec<TargetingOption>> {
        let kind = TargetingType::parse(targeting_type).ok_or_else(|| {
            Error::invalid(format!(
                "Invalid parameter: 'targeting_type' has the unknown value '{}'; use one of: {}.",
                shown(targeting_type),
                TargetingType::NAMES.join(", ")
            ))
        })?;
        Ok(options(kind))
    }

    /// One interest (`interest_id` as sent): 400 when it cannot be an id, 404 when no interest
    /// has it.
    pub fn interest(&self, interest_id: &str) -> Result<InterestDetails> {
        if !is_id(interest_id) {
            return Err(Error::invalid(format!(
                "Invalid parameter: 'interest_id' '{}' must be an interest id: 1 to \
                 {MAX_ID_DIGITS} digits (GET /v5/resources/targeting/INTEREST lists them).",
                shown(interest_id)
            )));
        }
        let interest = interest(interest_id).ok_or_else(|| {
            Error::not_found(
                404,
                "Interest not found: GET /v5/resources/targeting/INTEREST lists the interest ids.",
            )
        })?;
        Ok(InterestDetails {
            id: interest.id,
            name: interest.name,
            level: interest.level(),
            child_interests: interest.children(),
        })
    }
}

/// The legacy signed-request parameters `targeting_options/get` still lists (`client_id`,
/// `timestamp`; `oauth_signature` is any string): checked as the spec types them, then unused,
/// since the bearer token authenticates the call.
pub fn check_signed_request_params(client_id: Option<&str>, timestamp: Option<&str>) -> Result<()> {
    if let Some(c) = client_id
        && !is_id(c)
    {
        return Err(Error::invalid(format!(
            "Invalid parameter: 'client_id' '{}' must be an app id: 1 to {MAX_ID_DIGITS} digits.",
            shown(c)
        )));
    }
    // The spec's pattern for `timestamp` is `\d+` unanchored: a value holding a digit.
    if let Some(t) = timestamp
        && !t.bytes().any(|b| b.is_ascii_digit())
    {
        return Err(Error::invalid(format!(
            "Invalid parameter: 'timestamp' '{}' must be a time in milliseconds, such as \
             1618338184277.",
            shown(t)
        )));
    }
    Ok(())
}
