//! The storage port of the Conversions API: the events an ad account received, kept once per
//! `event_id`, and the advertiser-defined event names it has used.

use std::collections::HashSet;

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::conversions::{DailyConversions, NewConversionEvent};
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;
use crate::domain::storage::StoreResult;

/// Conversion events, per ad account and environment.
#[async_trait]
pub trait ConversionEventStore: Send + Sync {
    /// Records the events (their `event_id`s distinct) in one transaction; for each, whether it
    /// was new (`false`: the account already had an event with that `event_id`, kept as it was).
    /// Advertiser-defined names of the new events join the account's list. `NotFound` when the
    /// ad account is gone.
    async fn record_conversion_events(
        &self,
        account: AdAccountId,
        env: Env,
        events: Vec<NewConversionEvent>,
    ) -> StoreResult<Vec<bool>>;

    /// Which of `event_ids` the account already has.
    async fn existing_conversion_event_ids(
        &self,
        account: AdAccountId,
        env: Env,
        event_ids: Vec<String>,
    ) -> StoreResult<HashSet<String>>;

    /// The advertiser-defined event names the account has sent, in the order first seen (at
    /// most `limit`).
    async fn advertiser_defined_event_names(
        &self,
        account: AdAccountId,
        env: Env,
        limit: u32,
    ) -> StoreResult<Vec<String>>;

    /// The account's events whose `event_time` is in `[from, to)`, counted and their values
    /// summed per UTC day and event name, ordered by day, then name (bytewise).
    async fn daily_conversions(
        &self,
        account: AdAccountId,
        env: Env,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<DailyConversions>>;
}

/// The first whole second at or after `t`: events carry whole seconds, so `event_time * 1000 >=
/// t` exactly when `event_time >= whole_seconds(t)`.
pub fn whole_seconds(t: Timestamp) -> i64 {
    t.0.div_euclid(1000) + i64::from(t.0.rem_euclid(1000) > 0)
}
