//! What every handler can reach: the domain service and how this server is addressed.

use std::ops::Deref;
use std::sync::Arc;

use crate::domain::Pinbox;
use crate::http::rate_limit::RateHeaders;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub pinbox: Pinbox,
    /// Base URL clients reach this server at (no trailing slash), for URLs pinbox hands out.
    pub public_url: String,
    /// The `x-ratelimit-limit` values of the configured rate limits, made once.
    pub rate_headers: RateHeaders,
}

impl AppState {
    pub fn new(pinbox: Pinbox, public_url: String) -> AppState {
        AppState(Arc::new(Inner {
            rate_headers: RateHeaders::new(pinbox.rate_limits.limits()),
            pinbox,
            public_url: public_url.trim_end_matches('/').to_string(),
        }))
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
