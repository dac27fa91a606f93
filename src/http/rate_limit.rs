//! The `x-ratelimit-*` headers and the 429 answer, made from a request's rate-limit verdict. The
//! middleware in `auth.rs` takes the verdict before the handler runs, so a refused request never
//! reaches a handler (and changes nothing), and puts the headers on whatever answers the request.

use std::sync::OnceLock;

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::catalog::RateCategory;
use crate::domain::apps::Tier;
use crate::domain::rate_limits::{CATEGORIES, MAX_QUOTAS, RateLimits, RateVerdict};
use crate::error::Error;

pub const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
pub const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
pub const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

const TIERS: [Tier; 2] = [Tier::Trial, Tier::Standard];

/// Every `x-ratelimit-limit` value this server can send, made once from its configuration:
/// indexed by tier, category and which of the request's quotas is the tightest.
pub struct RateHeaders {
    limit: Vec<[Option<HeaderValue>; MAX_QUOTAS]>,
    retry_after: bool,
}

impl RateHeaders {
    pub fn new(limits: &RateLimits) -> RateHeaders {
        let mut limit = Vec::with_capacity(TIERS.len() * CATEGORIES);
        for tier in TIERS {
            for &category in RateCategory::ALL {
                let quotas = limits.quotas(tier, category);
                let mut values: [Option<HeaderValue>; MAX_QUOTAS] = Default::default();
                for (tightest, value) in values.iter_mut().enumerate().take(quotas.as_slice().len())
                {
                    *value =
                        HeaderValue::from_str(&RateLimits::limit_header(&quotas, tightest)).ok();
                }
                limit.push(values);
            }
        }
        RateHeaders {
            limit,
            retry_after: limits.retry_after,
        }
    }

    fn limit_value(
        &self,
        tier: Tier,
        category: RateCategory,
        tightest: usize,
    ) -> Option<&HeaderValue> {
        let t = TIERS.iter().position(|&x| x == tier).unwrap_or(0);
        self.limit
            .get(t * CATEGORIES + category.index())
            .and_then(|v| v.get(tightest))
            .and_then(Option::as_ref)
    }

    /// Puts the three headers on an answer.
    pub fn apply(
        &self,
        headers: &mut HeaderMap,
        verdict: &RateVerdict,
        tier: Tier,
        category: RateCategory,
    ) {
        let tightest = verdict.tightest();
        if let Some(v) = self.limit_value(tier, category, tightest) {
            headers.insert(LIMIT, v.clone());
        }
        headers.insert(REMAINING, number(verdict.remaining()));
        headers.insert(RESET, number(verdict.reset_secs()));
    }

    /// The 429 answer: the spec's body and the headers; `Retry-After` too (the same seconds as
    /// `x-ratelimit-reset`) when the configuration asks for it.
    pub fn refusal(&self, verdict: &RateVerdict, tier: Tier, category: RateCategory) -> Response {
        let mut response = Error::rate_limited().into_response();
        let headers = response.headers_mut();
        self.apply(headers, verdict, tier, category);
        if self.retry_after {
            headers.insert(RETRY_AFTER, number(verdict.reset_secs()));
        }
        response
    }
}

/// Numbers below this are header values made once per process.
const SMALL: u32 = 1024;

/// A number as a header value. Remaining calls and seconds to a reset are nearly always small,
/// and a value made from a number allocates, where a clone of one backed by static text copies a
/// pointer: so the small ones come from a table, whose text lives as long as the process.
fn number(n: u32) -> HeaderValue {
    static TEXT: OnceLock<String> = OnceLock::new();
    static VALUES: OnceLock<Vec<HeaderValue>> = OnceLock::new();
    if n >= SMALL {
        return HeaderValue::from(n);
    }
    let values = VALUES.get_or_init(|| {
        let text: &'static str = TEXT.get_or_init(|| (0..SMALL).map(|i| i.to_string()).collect());
        let mut at = 0;
        (0..SMALL)
            .map(|i| {
                let len = i.to_string().len();
                let v = HeaderValue::from_static(&text[at..at + len]);
                at += len;
                v
            })
            .collect()
    });
    values[n as usize].clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_their_decimal_text() {
        for n in [0, 1, 9, 10, 99, 100, 1023, 1024, 86_400, u32::MAX] {
            assert_eq!(number(n).to_str().unwrap(), n.to_string());
        }
    }
}
