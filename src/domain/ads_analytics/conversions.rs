//! Where conversions come from: a seam. pinbox simulates no conversions itself; a source (the
//! Conversions API's events, `domain::conversions`) answers an ad account's conversions per day,
//! and analytics attributes them to ads (`attribution`).

use async_trait::async_trait;

use crate::domain::ad_accounts::AdAccount;
use crate::domain::engagement::Day;
use crate::error::Result;

/// One day's conversions of an ad account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayConversions {
    pub day: Day,
    pub count: i64,
    /// Micro-currency.
    pub value: i64,
}

#[async_trait]
pub trait ConversionSource: Send + Sync {
    /// The ad account's conversions on each day of `[start, end]` that has any.
    async fn conversions(
        &self,
        account: &AdAccount,
        start: Day,
        end: Day,
    ) -> Result<Vec<DayConversions>>;
}

/// The default source: no conversions.
pub struct NoConversions;

#[async_trait]
impl ConversionSource for NoConversions {
    async fn conversions(&self, _: &AdAccount, _: Day, _: Day) -> Result<Vec<DayConversions>> {
        Ok(Vec::new())
    }
}
