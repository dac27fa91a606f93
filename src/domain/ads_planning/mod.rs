//! Ads planning: what Pinterest answers about ads without storing anything: keyword search
//! volumes, trending keywords, audience sizes, bid floors and ad previews. The numbers are
//! pinbox's own, deterministic (a hash of the question and the clock's week), shaped as
//! Pinterest's are; `estimates.rs` and `trends.rs` document the models.

pub mod estimates;
pub mod hash;
pub mod preview;
pub mod trends;

use serde_json::{Map, Value};

use crate::clock::Clock;
use crate::domain::ad_accounts::{AdAccounts, COUNTRIES};
use crate::domain::ads_planning::preview::is_web_url;
use crate::domain::caller::Caller;
use crate::domain::ids::{AdAccountId, PinId};
use crate::domain::pins::{Pin, Pins};
use crate::domain::text::{TextKind, check_characters};
use crate::error::{Error, Result};

pub use trends::TrendQuery;

/// The most keywords one metrics request takes (the spec's `maxItems`).
pub const MAX_METRIC_KEYWORDS: usize = 2000;

/// What an ad preview is made from.
pub enum PreviewOf {
    /// The caller's Pin.
    Pin(Box<Pin>),
    /// An image URL and its title, as sent.
    Image { url: String, title: String },
}

#[derive(Clone)]
pub struct AdsPlanning {
    ad_accounts: AdAccounts,
    pins: Pins,
    clock: Clock,
}

impl AdsPlanning {
    pub fn new(ad_accounts: AdAccounts, pins: Pins, clock: Clock) -> AdsPlanning {
        AdsPlanning {
            ad_accounts,
            pins,
            clock,
        }
    }

    /// Each keyword with its monthly search volume in the country.
    pub async fn keyword_metrics(
        &self,
        caller: &Caller,
        account: AdAccountId,
        country: &str,
        keywords: &[&str],
    ) -> Result<Vec<(String, &'static str)>> {
        self.ad_accounts.get(caller, account).await?;
        if !COUNTRIES.split_whitespace().any(|c| c == country) {
            return Err(Error::invalid(format!(
                "Parameter 'country_code' must be a two-letter country code (ISO 3166-1 \
                 alpha-2, upper case), such as US (was '{}').",
                country.chars().take(8).collect::<String>()
            )));
        }
        if keywords.is_empty() || keywords.len() > MAX_METRIC_KEYWORDS {
            return Err(Error::invalid(format!(
                "Parameter 'keywords' takes from 1 to {MAX_METRIC_KEYWORDS} comma-separated \
                 keywords (got {}).",
                keywords.len()
            )));
        }
        keywords
            .iter()
            .map(|k| {
                if k.trim().is_empty() || k.chars().count() > 120 {
                    return Err(Error::invalid(
                        "Parameter 'keywords' holds an empty keyword or one over 120 \
                         characters; give each from 1 to 120 characters.",
                    ));
                }
                check_characters("keywords", k, TextKind::Name)?;
                Ok((k.to_string(), estimates::query_volume(country, k)))
            })
            .collect()
    }

    /// The ranked trends of a region, as of this week.
    pub fn trending(&self, query: &TrendQuery<'_>) -> Vec<Value> {
        trends::top(query, self.clock.now())
    }

    /// `[lower, upper]` reach of a targeting in the caller's ad account.
    pub async fn audience_size(
        &self,
        caller: &Caller,
        account: AdAccountId,
        body: &Map<String, Value>,
    ) -> Result<(f64, f64)> {
        self.ad_accounts.get(caller, account).await?;
        estimates::audience_size(body)
    }

    /// One bid floor per spec of the request, in micro-currency.
    pub async fn bid_floors(
        &self,
        caller: &Caller,
        account: AdAccountId,
        body: &Map<String, Value>,
    ) -> Result<Vec<i64>> {
        self.ad_accounts.get(caller, account).await?;
        estimates::bid_floors(body)
    }

    /// What a preview shows: the caller's Pin, or an image URL with a title.
    pub async fn preview(
        &self,
        caller: &Caller,
        account: AdAccountId,
        body: &Map<String, Value>,
    ) -> Result<PreviewOf> {
        self.ad_accounts.get(caller, account).await?;
        let text = |name: &str| body.get(name).filter(|v| !v.is_null());
        if let Some(pin) = text("pin_id") {
            let raw = pin.as_str().unwrap_or("");
            let missing = || {
                Error::not_found(
                    2,
                    "Pin not found: 'pin_id' names no Pin of the ad account's owner in this \
                     environment.",
                )
            };
            if raw.is_empty() || raw.len() > 19 || !raw.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid(
                    "Invalid ad preview parameters: 'pin_id' must be a Pin id (digits).",
                ));
            }
            let id = raw.parse().map_err(|_| missing())?;
            return match self.pins.find(caller.env, PinId(id)).await? {
                Some(pin) if pin.owner_id == caller.user_id => Ok(PreviewOf::Pin(Box::new(pin))),
                _ => Err(missing()),
            };
        }
        if let Some(url) = text("image_url") {
            let url = url.as_str().filter(|u| is_web_url(u)).ok_or_else(|| {
                Error::invalid(
                    "Whoops! It looks like you entered an invalid URL: 'image_url' must be an \
                     http(s) URL of at most 2048 characters.",
                )
            })?;
            let title = match text("title") {
                Some(Value::String(t)) if !t.trim().is_empty() && t.chars().count() <= 100 => t,
                Some(_) => {
                    return Err(Error::invalid(
                        "Invalid ad preview parameters: 'title' must be from 1 to 100 characters.",
                    ));
                }
                None => {
                    return Err(Error::invalid(
                        "Invalid ad preview parameters: 'title' is required with 'image_url'.",
                    ));
                }
            };
            check_characters("title", title, TextKind::Name)?;
            return Ok(PreviewOf::Image {
                url: url.to_string(),
                title: title.clone(),
            });
        }
        if let Some(group) = text("catalog_product_group_id") {
            if !group
                .as_str()
                .is_some_and(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(Error::invalid(
                    "Invalid ad preview parameters: 'catalog_product_group_id' must be digits.",
                ));
            }
            return Err(Error::not_found(
                2,
                "Catalog product group not found: pinbox has no catalogs, so no shopping ad \
                 preview can be made; preview a Pin ('pin_id') or an image ('image_url', \
                 'title').",
            ));
        }
        Err(Error::invalid(
            "Invalid ad preview parameters: give 'pin_id', or 'image_url' with 'title', or \
             'catalog_product_group_id' with 'creative_type'.",
        ))
    }
}
