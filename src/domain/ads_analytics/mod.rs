//! Ads analytics: the simulated delivery (`domain::ads_delivery`) of an ad account's ads,
//! summed per account, campaign, ad group, ad or promoted Pin, per day, hour, week or month,
//! optionally broken down by targeting. Every level is the sum of the ads below it, computed
//! from the same per-ad hours, so the levels always agree.

mod attribution;
mod columns;
mod columns_enum;
mod conversions;
mod query;
mod targeting;

pub use columns::{Layout, RowView, render};
pub use columns_enum::COLUMNS;
pub use conversions::{ConversionSource, DayConversions, NoConversions};
pub use query::{
    ConversionWindows, Granularity, Level, MAX_DAYS_BACK, MAX_RANGE_DAYS, Query, RawQuery, Rules,
};
pub use targeting::TARGETING_TYPES;

use std::collections::HashMap;
use std::sync::Arc;

use crate::clock::Clock;
use crate::domain::ad_accounts::AdAccount;
use crate::domain::ads::{AccountEntities, AdsEntities, Entity};
use crate::domain::ads_delivery::{Counts, Plans};
use crate::domain::caller::Caller;
use crate::domain::engagement::{Day, day_of, parse_date};
use crate::domain::ids::AdAccountId;
use crate::error::Result;

/// One row of an answer: the entity (and its ancestors), the time bucket, the targeting value
/// and the counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub level: Level,
    pub account: i64,
    pub campaign: Option<i64>,
    pub ad_group: Option<i64>,
    pub ad: Option<i64>,
    pub pin: Option<i64>,
    pub date: Option<Day>,
    pub hour: Option<u8>,
    pub targeting: Option<(String, String)>,
    pub counts: Counts,
}

/// An answer: its rows and the entities they name, for the attribute columns.
pub struct Answer {
    pub query: Query,
    layout: Layout,
    pub rows: Vec<Row>,
    pub entities: HashMap<i64, Entity>,
}

impl Answer {
    pub fn row_json(&self, row: &Row) -> serde_json::Map<String, serde_json::Value> {
        render(row, &self.layout, &self.entities)
    }

    /// The row, to serialize as [`Answer::row_json`] shows it.
    pub fn row_view<'a>(&'a self, row: &'a Row) -> RowView<'a> {
        RowView {
            row,
            layout: &self.layout,
            entities: &self.entities,
        }
    }
}

#[derive(Clone)]
pub struct AdsAnalytics {
    ads: AdsEntities,
    clock: Clock,
    conversions: Arc<dyn ConversionSource>,
}

type Key = (i64, Option<(String, String)>, Option<Day>, Option<u8>);

impl AdsAnalytics {
    pub fn new(ads: AdsEntities, clock: Clock) -> AdsAnalytics {
        AdsAnalytics {
            ads,
            clock,
            conversions: Arc::new(NoConversions),
        }
    }

    /// With conversions from `source` (the Conversions API's events) instead of none.
    pub fn with_conversions(mut self, source: Arc<dyn ConversionSource>) -> AdsAnalytics {
        self.conversions = source;
        self
    }

    pub fn today(&self) -> Day {
        day_of(self.clock.now().millis())
    }

    /// Validates a synchronous request and answers it.
    pub async fn run(
        &self,
        caller: &Caller,
        account: AdAccountId,
        rules: Rules,
        raw: &RawQuery,
    ) -> Result<Answer> {
        let query = Query::parse(rules, raw, self.today())?;
        let (account, entities) = self.ads.everything(caller, account).await?;
        self.answer(&account, entities, query).await
    }

    /// Answers a validated request for an ad account already checked.
    pub async fn answer(
        &self,
        account: &AdAccount,
        entities: AccountEntities,
        query: Query,
    ) -> Result<Answer> {
        let now = self.clock.now().seconds();
        let plans = Plans::from_entities(&entities.campaigns, &entities.ad_groups, &entities.ads);
        let mut delivery = attribution::Delivery::new(&plans, now);
        let (first, last) = attribution::conversion_days(query.start, query.end, query.windows);
        let conversions = self.conversions.conversions(account, first, last).await?;
        let credits = attribution::attribute(&conversions, query.windows, &mut delivery);
        let by_id: HashMap<i64, Entity> = entities
            .campaigns
            .into_iter()
            .chain(entities.ad_groups)
            .chain(entities.ads)
            .map(|e| (e.id, e))
            .collect();
        let in_scope = |a: usize| -> bool {
            let ad = &plans.ads[a];
            let group = &plans.ad_groups[ad.ad_group];
            let campaign = plans.campaigns[group.campaign].id;
            (query.campaign_ids.is_empty() || query.campaign_ids.contains(&campaign))
                && (query.ad_group_ids.is_empty() || query.ad_group_ids.contains(&group.id))
                && (query.ad_ids.is_empty() || query.ad_ids.contains(&ad.id))
                && (query.pin_ids.is_empty() || query.pin_ids.contains(&ad.pin_id))
        };
        let key_of = |a: usize| -> i64 {
            let ad = &plans.ads[a];
            let group = &plans.ad_groups[ad.ad_group];
            match query.level {
                Level::Account => account.id.0,
                Level::Campaign => plans.campaigns[group.campaign].id,
                Level::AdGroup => group.id,
                Level::Ad => ad.id,
                Level::Pin => ad.pin_id,
            }
        };
        // Summed unordered, then sorted once: a tree kept in order costs more than the sort.
        let buckets = match query.granularity {
            Granularity::Total => 1,
            Granularity::Hour => 24 * (query.end - query.start + 1),
            _ => query.end - query.start + 1,
        } as usize;
        let mut sums: HashMap<Key, Counts> =
            HashMap::with_capacity((plans.ads.len() * buckets).min(1 << 16));
        let mut first_ad: HashMap<i64, usize> = HashMap::new();
        for day in query.start..=query.end {
            let mut delivered = delivery.take(day);
            if let Some(credits) = credits.get(&day) {
                attribution::apply(&mut delivered, credits);
            }
            for ad_day in delivered {
                if !in_scope(ad_day.ad) {
                    continue;
                }
                let key = key_of(ad_day.ad);
                first_ad.entry(key).or_insert(ad_day.ad);
                let buckets: Vec<(Option<Day>, Option<u8>, Counts)> = match query.granularity {
                    Granularity::Hour => ad_day
                        .hours()
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| !c.is_zero())
                        .map(|(h, c)| (Some(day), Some(h as u8), *c))
                        .collect(),
                    g => vec![(bucket(g, day, query.start), None, ad_day.total())],
                };
                let group = plans.ad_groups[plans.ads[ad_day.ad].ad_group].id;
                for (date, hour, counts) in buckets {
                    if query.targeting_types.is_empty() {
                        sums.entry((key, None, date, hour))
                            .or_default()
                            .add(&counts);
                        continue;
                    }
                    let spec = by_id
                        .get(&group)
                        .and_then(|g| g.fields.get("targeting_spec"));
                    for kind in &query.targeting_types {
                        let values = targeting::values_of(kind, spec);
                        for (value, part) in values
                            .iter()
                            .zip(targeting::share(&counts, group, kind, &values))
                        {
                            sums.entry((key, Some((kind.clone(), value.clone())), date, hour))
                                .or_default()
                                .add(&part);
                        }
                    }
                }
            }
        }
        let mut sums: Vec<(Key, Counts)> = sums.into_iter().filter(|(_, c)| !c.is_zero()).collect();
        sums.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let rows = sums
            .into_iter()
            .map(|((key, targeting, date, hour), counts)| {
                let a = first_ad[&key];
                let ad = &plans.ads[a];
                let group = &plans.ad_groups[ad.ad_group];
                let campaign = plans.campaigns[group.campaign].id;
                let (campaign, ad_group, ad_id, pin) = match query.level {
                    Level::Account => (None, None, None, None),
                    Level::Campaign => (Some(campaign), None, None, None),
                    Level::AdGroup => (Some(campaign), Some(group.id), None, None),
                    Level::Ad => (Some(campaign), Some(group.id), Some(ad.id), Some(ad.pin_id)),
                    Level::Pin => (query.campaign_ids.first().copied(), None, None, Some(key)),
                };
                Row {
                    level: query.level,
                    account: account.id.0,
                    campaign,
                    ad_group,
                    ad: ad_id,
                    pin,
                    date,
                    hour,
                    targeting,
                    counts,
                }
            })
            .collect();
        Ok(Answer {
            layout: Layout::new(query.level, &query.columns),
            query,
            rows,
            entities: by_id,
        })
    }
}

/// The first day of the bucket `day` falls in, not before the range's start: weeks begin on
/// Monday, months on the 1st.
fn bucket(g: Granularity, day: Day, start: Day) -> Option<Day> {
    match g {
        Granularity::Total => None,
        Granularity::Day | Granularity::Hour => Some(day),
        // Day 0 (1970-01-01) was a Thursday.
        Granularity::Week => Some((day - (day + 3).rem_euclid(7)).max(start)),
        Granularity::Month => {
            let date = crate::domain::engagement::format_date(day);
            let first = parse_date(&format!("{}-01", &date[..7])).unwrap_or(day);
            Some(first.max(start))
        }
    }
}
