//! Engagement a tester adds to the log: exact events for one Pin, checked against the Pin and
//! pinbox's clock.

use crate::domain::analytics::Analytics;
use crate::domain::caller::Caller;
use crate::domain::engagement::{EngagementEvents, EngagementRow, day_of, format_date};
use crate::domain::env::Env;
use crate::domain::ids::PinId;
use crate::domain::pins::Pin;
use crate::error::{Error, Result};

impl Analytics {
    /// Adds exact events to one Pin's log in `env`. Engagement cannot happen after today; days
    /// before the Pin was created are accepted and reported as `BEFORE_PIN_CREATED`.
    pub async fn add_events(&self, env: Env, events: EngagementEvents) -> Result<()> {
        self.pins
            .find(env, events.pin)
            .await?
            .ok_or_else(Error::pin_not_found)?;
        let today = day_of(self.clock.now().0);
        if events.day > today {
            return Err(Error::invalid(format!(
                "Engagement cannot be added for {}, after today ({}) on pinbox's clock.",
                format_date(events.day),
                format_date(today)
            )));
        }
        if events.counts.is_empty() {
            return Err(Error::invalid(
                "Give at least one event, e.g. IMPRESSION=30 OUTBOUND_CLICK=2.",
            ));
        }
        let rows = events
            .counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|&(metric, count)| EngagementRow {
                pin: events.pin,
                day: events.day,
                app_type: events.app_type,
                metric,
                count,
            })
            .collect();
        self.log.add(rows).await
    }

    /// A Pin the caller owns, for pinbox's control routes (only the owner shapes its history).
    pub async fn owned_pin(&self, caller: &Caller, id: PinId) -> Result<Pin> {
        let pin = self.pins.readable(caller, id).await?;
        if caller.user_id != pin.owner_id {
            return Err(Error::forbidden(
                29,
                "You are not permitted to access that resource: only the Pin's owner may add \
                 engagement to it.",
            ));
        }
        Ok(pin)
    }
}
