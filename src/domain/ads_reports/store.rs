//! The storage port of asynchronous ads reports: each report's request, kept under its token
//! with the instants that decide its status, so every replica answers alike.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;
use crate::domain::storage::StoreResult;

/// A report as stored: the validated request (JSON of `ReportRequest`) and its instants.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReport {
    pub token: String,
    pub ad_account_id: AdAccountId,
    pub env: Env,
    pub request: String,
    pub created_at: Timestamp,
    /// When it turns from `IN_PROGRESS` to `FINISHED`.
    pub ready_at: Timestamp,
    /// When it turns `EXPIRED`: its file can no longer be downloaded.
    pub expires_at: Timestamp,
}

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Keeps a new report (its token is 128 random bits). `NotFound` when its ad account is
    /// gone.
    async fn create_report(&self, report: StoredReport) -> StoreResult<()>;

    /// The report with this token, whatever its ad account and environment (tokens are
    /// random and never reused).
    async fn report(&self, token: String) -> StoreResult<Option<StoredReport>>;
}
