//! The Conversions API (`events/create`): an advertiser's web, app and offline conversions sent
//! to one of their ad accounts, checked event by event, kept once per `event_id` (test requests
//! are checked and answered but kept nowhere, as on Pinterest), and read back per day for
//! reporting; and the advertiser-defined event names an account has used.

mod analytics_source;
mod event;
pub mod rules;
mod store;

pub use event::*;
pub use store::*;

use std::collections::HashSet;
use std::sync::Arc;

use crate::clock::{Clock, Timestamp};
use crate::domain::ad_accounts::{AdAccount, AdAccounts};
use crate::domain::caller::Caller;
use crate::domain::ids::AdAccountId;
use crate::domain::storage::StoreError;
use crate::error::{Error, Result};

/// The spec's `maxItems` for `ConversionEvents.data`.
pub const MAX_EVENTS_PER_REQUEST: usize = 1_000;

/// Most advertiser-defined events listed for one account.
pub const MAX_LISTED_CUSTOM_EVENTS: u32 = 1_000;

const DUPLICATE_WARNING: &str = "Duplicate event_id: this ad account has already received an \
     event with this event_id, so Pinterest counts it once (the first one received is kept).";

/// Conversion events: receiving them for the caller's ad accounts, and reading them back.
#[derive(Clone)]
pub struct Conversions {
    store: Arc<dyn ConversionEventStore>,
    clock: Clock,
    ad_accounts: AdAccounts,
}

impl Conversions {
    pub fn new(
        store: Arc<dyn ConversionEventStore>,
        clock: Clock,
        ad_accounts: AdAccounts,
    ) -> Conversions {
        Conversions {
            store,
            clock,
            ad_accounts,
        }
    }

    /// `events/create`: checks each event on its own and records the valid ones for the
    /// caller's ad account (none when `test`). An `event_id` the account already has, or one
    /// repeated in the request, is answered as processed with a warning and kept once.
    pub async fn send(
        &self,
        caller: &Caller,
        ad_account: AdAccountId,
        events: Vec<EventInput>,
        test: bool,
    ) -> Result<Receipt> {
        if events.is_empty() || events.len() > MAX_EVENTS_PER_REQUEST {
            return Err(Error::invalid(format!(
                "Invalid request: 'data' must hold 1 to {MAX_EVENTS_PER_REQUEST} events (it \
                 holds {}); send larger batches in several requests.",
                events.len()
            )));
        }
        let account = self.ad_accounts.get(caller, ad_account).await?;
        let now = self.clock.now();
        let mut outcomes = Vec::with_capacity(events.len());
        // Events to keep, with their place in the answer.
        let mut keep: Vec<(usize, NewConversionEvent)> = Vec::new();
        let mut seen = HashSet::new();
        for (i, input) in events.into_iter().enumerate() {
            match rules::check(input, now, &account.currency) {
                Err(error) => outcomes.push(EventOutcome::Failed { error }),
                Ok(checked) => {
                    let mut warning = checked.warning;
                    if !seen.insert(checked.event.event_id.clone()) {
                        warning = Some(join(warning, DUPLICATE_WARNING));
                    } else {
                        keep.push((i, checked.event));
                    }
                    outcomes.push(EventOutcome::Processed { warning });
                }
            }
        }
        let duplicates = self.record(&account, &keep, test).await?;
        for ((i, _), duplicate) in keep.iter().zip(duplicates) {
            if duplicate && let EventOutcome::Processed { warning } = &mut outcomes[*i] {
                *warning = Some(join(warning.take(), DUPLICATE_WARNING));
            }
        }
        Ok(Receipt { events: outcomes })
    }

    /// Records `keep` (or, for a test, only looks); for each, whether the account already had
    /// its `event_id`.
    async fn record(
        &self,
        account: &AdAccount,
        keep: &[(usize, NewConversionEvent)],
        test: bool,
    ) -> Result<Vec<bool>> {
        if keep.is_empty() {
            return Ok(Vec::new());
        }
        if test {
            let ids = keep.iter().map(|(_, e)| e.event_id.clone()).collect();
            let known = self
                .store
                .existing_conversion_event_ids(account.id, account.env, ids)
                .await?;
            return Ok(keep
                .iter()
                .map(|(_, e)| known.contains(&e.event_id))
                .collect());
        }
        let events = keep.iter().map(|(_, e)| e.clone()).collect();
        match self
            .store
            .record_conversion_events(account.id, account.env, events)
            .await
        {
            Ok(new) => Ok(new.into_iter().map(|n| !n).collect()),
            // Deleted while the request ran.
            Err(StoreError::NotFound(_)) => Err(Error::not_found(2, "AdAccount not found.")),
            Err(e) => Err(e.into()),
        }
    }

    /// `advertiser_defined_events/get`: the names of the caller's ad account's own events, in
    /// the order it first sent them.
    pub async fn advertiser_defined_events(
        &self,
        caller: &Caller,
        ad_account: AdAccountId,
    ) -> Result<Vec<AdvertiserDefinedEvent>> {
        let account = self.ad_accounts.get(caller, ad_account).await?;
        Ok(self
            .store
            .advertiser_defined_event_names(account.id, account.env, MAX_LISTED_CUSTOM_EVENTS)
            .await?
            .into_iter()
            .map(|name| AdvertiserDefinedEvent { name })
            .collect())
    }

    /// An ad account's conversions with `event_time` in `[from, to)`, per UTC day and event
    /// name, for an account already checked.
    pub async fn daily_of(
        &self,
        account: &AdAccount,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<DailyConversions>> {
        Ok(self
            .store
            .daily_conversions(account.id, account.env, from, to)
            .await?)
    }

    /// The caller's ad account's conversions with `event_time` in `[from, to)`, per UTC day and
    /// event name: what conversion reporting reads.
    pub async fn daily(
        &self,
        caller: &Caller,
        ad_account: AdAccountId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<DailyConversions>> {
        let account = self.ad_accounts.get(caller, ad_account).await?;
        Ok(self
            .store
            .daily_conversions(account.id, account.env, from, to)
            .await?)
    }
}

fn join(warning: Option<String>, more: &str) -> String {
    match warning {
        Some(w) => format!("{w} {more}"),
        None => more.to_string(),
    }
}
