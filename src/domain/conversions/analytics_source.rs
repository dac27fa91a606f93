//! The Conversions API's events as the conversions ads analytics report: every event an ad
//! account received (test events are never kept), counted and valued per UTC day of its
//! `event_time`, whatever its name.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::ad_accounts::AdAccount;
use crate::domain::ads_analytics::{ConversionSource, DayConversions};
use crate::domain::conversions::Conversions;
use crate::domain::engagement::Day;
use crate::error::Result;

const DAY_MS: i64 = 86_400_000;

#[async_trait]
impl ConversionSource for Conversions {
    async fn conversions(
        &self,
        account: &AdAccount,
        start: Day,
        end: Day,
    ) -> Result<Vec<DayConversions>> {
        let rows = self
            .daily_of(
                account,
                Timestamp(start * DAY_MS),
                Timestamp((end + 1) * DAY_MS),
            )
            .await?;
        let mut days: Vec<DayConversions> = Vec::new();
        for row in rows {
            let value = (row.value * 1_000_000.0).round() as i64;
            match days.last_mut() {
                Some(d) if d.day == row.day => {
                    d.count += row.count;
                    d.value += value;
                }
                _ => days.push(DayConversions {
                    day: row.day,
                    count: row.count,
                    value,
                }),
            }
        }
        Ok(days)
    }
}
