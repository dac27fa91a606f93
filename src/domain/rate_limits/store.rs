//! The storage port of rate limits: what the domain asks of every engine. Rate-limit windows and their counts.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::rate_limits::{Quota, QuotaKey, QuotaTake};
use crate::domain::storage::StoreResult;

/// Rate-limit windows and their counts.
#[async_trait]
pub trait QuotaStore: Send + Sync {
    /// Counts one request against each of `key`'s `quotas` (at most `rate_limit::MAX_QUOTAS`),
    /// in the windows holding `now`, if and only if every one is under its limit: all or nothing,
    /// never more than a limit admitted per window, whatever the concurrency or the number of
    /// replicas. A refused request leaves every count as it was.
    async fn take_quota(
        &self,
        key: QuotaKey,
        quotas: &[Quota],
        now: Timestamp,
    ) -> StoreResult<QuotaTake>;

    /// Forgets the windows that ended at or before `now` (idle apps and users); returns how
    /// many records went.
    async fn sweep_quotas(&self, now: Timestamp) -> StoreResult<u64>;
}
