//! Rate limits in SQLite: the quota store counts in the serving process's memory
//! ([`MemoryQuotas`](super::quota_windows::MemoryQuotas)), exact because one server process
//! serves a data dir (see `serve_lock`).

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::rate_limits::{Quota, QuotaKey, QuotaStore, QuotaTake};
use crate::domain::storage::StoreResult;
use async_trait::async_trait;

#[async_trait]
impl QuotaStore for SqliteStore {
    async fn take_quota(
        &self,
        key: QuotaKey,
        quotas: &[Quota],
        now: Timestamp,
    ) -> StoreResult<QuotaTake> {
        Ok(self.quotas.take(key, quotas, now))
    }

    async fn sweep_quotas(&self, now: Timestamp) -> StoreResult<u64> {
        Ok(self.quotas.sweep(now))
    }
}
