//! The engagement log as a service: its storage port, and what writes to it and reads it. Pins
//! write to it (a save counts a SAVE on its source) and Analytics reads and fills it; both hold
//! this service, so neither depends on the other for the log.

use std::sync::Arc;

use crate::clock::Timestamp;
use crate::domain::engagement::{Day, EngagementRow, EngagementStore, day_of};
use crate::domain::env::Env;
use crate::domain::ids::{PinId, UserId};
use crate::error::Result;

/// The engagement log: counted events per Pin, day, app type and metric.
#[derive(Clone)]
pub struct EngagementLog {
    store: Arc<dyn EngagementStore>,
}

impl EngagementLog {
    pub fn new(store: Arc<dyn EngagementStore>) -> EngagementLog {
        EngagementLog { store }
    }

    /// Counts one SAVE of `pin` from the web on the day of `at`.
    pub async fn count_save(&self, pin: PinId, at: Timestamp) -> Result<()> {
        self.store
            .add_engagement(pin, day_of(at.0), "WEB", "SAVE", 1)
            .await?;
        Ok(())
    }

    /// Adds every row's count to the log, all in one transaction.
    pub async fn add(&self, rows: Vec<EngagementRow>) -> Result<()> {
        self.store.add_engagement_rows(rows).await?;
        Ok(())
    }

    /// The rows of these Pins on days `from..=to`.
    pub async fn rows(&self, pins: Vec<PinId>, from: Day, to: Day) -> Result<Vec<EngagementRow>> {
        Ok(self.store.engagement_rows(pins, from, to).await?)
    }

    /// The rows of every Pin `owner` has in `env` on days `from..=to`; the rows of Pins on secret
    /// boards only with `secret_pins`.
    pub async fn owner_rows(
        &self,
        owner: UserId,
        env: Env,
        from: Day,
        to: Day,
        secret_pins: bool,
    ) -> Result<Vec<EngagementRow>> {
        Ok(self
            .store
            .owner_engagement_rows(owner, env, from, to, secret_pins)
            .await?)
    }
}
