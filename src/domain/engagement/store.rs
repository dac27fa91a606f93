//! The storage port of analytics: what the domain asks of every engine. The engagement log analytics are read from.

use async_trait::async_trait;

use crate::domain::engagement::{Day, EngagementRow};
use crate::domain::env::Env;
use crate::domain::ids::{PinId, UserId};
use crate::domain::storage::StoreResult;

/// The engagement log analytics are read from.
#[async_trait]
pub trait EngagementStore: Send + Sync {
    /// Adds `count` to a Pin's `metric` on `day` (days since the epoch) for `app_type`.
    async fn add_engagement(
        &self,
        pin: PinId,
        day: i64,
        app_type: &str,
        metric: &str,
        count: i64,
    ) -> StoreResult<()>;

    /// A Pin's all-time total of one metric.
    async fn engagement_total(&self, pin: PinId, metric: &str) -> StoreResult<i64>;

    /// Adds every row's count to the engagement log, all in one transaction.
    async fn add_engagement_rows(&self, rows: Vec<EngagementRow>) -> StoreResult<()>;

    /// The log's rows for these Pins on days `from..=to`, by Pin, day, app type and metric.
    async fn engagement_rows(
        &self,
        pins: Vec<PinId>,
        from: Day,
        to: Day,
    ) -> StoreResult<Vec<EngagementRow>>;

    /// The log's rows for every Pin `owner` has in `env` (deleted Pins are gone) on days
    /// `from..=to`, by Pin, day, app type and metric; the rows of Pins on secret boards only with
    /// `secret_pins` (a reader with `pins:read_secret`, `pin::owner_sees_pins_on`).
    async fn owner_engagement_rows(
        &self,
        owner: UserId,
        env: Env,
        from: Day,
        to: Day,
        secret_pins: bool,
    ) -> StoreResult<Vec<EngagementRow>>;
}
