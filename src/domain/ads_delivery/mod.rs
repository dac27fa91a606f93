//! Simulated ads delivery: what active, funded, in-flight ads spend and earn, hour by hour, as a
//! pure function of the entities (their budgets, bids, billable events, targeting breadth,
//! statuses and schedules) and the instant "now". No randomness: every variation comes from a
//! SplitMix64 hash of ids and the day, so every replica and every run agrees.
//!
//! The model, day by day (see docs/compatibility.md, "Ads analytics and reports"):
//! 1. Each ad group that may deliver on the day (it, its campaign and at least one of its ads
//!    ACTIVE, or paused after the day began; the day inside their schedules) aims to spend 60–95%
//!    of its daily budget (a LIFETIME budget is spread evenly over the calendar days of its
//!    schedule; under campaign budget optimization the campaign's cap is shared equally).
//! 2. A bid under the market price wins that share of the auctions: the target shrinks with it.
//! 3. The campaign's daily cap (a lifetime cap spread like a lifetime budget) scales its ad groups
//!    down together when their sum is over it.
//! 4. The ad group's spend is shared among its ads by fixed per-ad weights, and each ad's counts
//!    derive from its spend: impressions from the CPM (2–8 units), clicks from the CTR (0.2–2%),
//!    and so on.
//! 5. Every count is split over the day's 24 hours by a fixed curve; an hour counts only when it
//!    lies wholly inside every level's window (from its creation and start time, until its end
//!    time, its pause or archive, and now). Masking only removes spend, so no budget is passed.

mod hash;
mod plan;

pub use hash::{split, split_each, unit};
pub use plan::{AdGroupPlan, AdPlan, Billable, CampaignPlan, Window, window_of};

use crate::domain::engagement::Day;

pub const SECONDS_PER_DAY: i64 = 86_400;
const SECONDS_PER_HOUR: i64 = 3_600;

/// What pinbox counts for each ad, hour and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// Micro-currency.
    Spend,
    Impressions,
    Clicks,
    OutboundClicks,
    Saves,
    /// Spend of video ads (micro-currency), for the video cost columns.
    VideoSpend,
    Video3sViews,
    VideoMrcViews,
    VideoCompletes,
    Conversions,
    /// Micro-currency.
    ConversionValue,
}

impl Counter {
    pub const ALL: [Counter; 11] = [
        Counter::Spend,
        Counter::Impressions,
        Counter::Clicks,
        Counter::OutboundClicks,
        Counter::Saves,
        Counter::VideoSpend,
        Counter::Video3sViews,
        Counter::VideoMrcViews,
        Counter::VideoCompletes,
        Counter::Conversions,
        Counter::ConversionValue,
    ];
}

/// One value per [`Counter`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts(pub [i64; Counter::ALL.len()]);

impl Counts {
    pub fn get(&self, c: Counter) -> i64 {
        self.0[c as usize]
    }

    pub fn set(&mut self, c: Counter, v: i64) {
        self.0[c as usize] = v;
    }

    pub fn add(&mut self, other: &Counts) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

/// The relative weight of each UTC hour in a day's delivery (sums to 1,000): quiet at night,
/// busiest in the evening.
pub const HOUR_CURVE: [i64; 24] = [
    20, 14, 10, 8, 8, 12, 22, 34, 42, 46, 48, 50, 52, 52, 50, 50, 52, 56, 62, 68, 70, 64, 70, 40,
];

/// One ad's delivery on one day: the day's counts, the hours they count in, and the
/// conversions attribution credits to it. Its hours are spread only when asked for: most
/// answers need a day's total, and most days count every hour.
#[derive(Debug, Clone)]
pub struct AdDay {
    pub ad: usize,
    /// The whole day's counts, before the hours outside its windows are taken away.
    day: Counts,
    /// Bit `h` set when hour `h` counts.
    kept: u32,
    /// Conversions and their value, spread over the kept hours.
    credited: Counts,
}

const EVERY_HOUR: u32 = (1 << 24) - 1;

impl AdDay {
    /// Conversions alone, for an ad credited on a day it did not deliver.
    pub fn credited_only(ad: usize) -> AdDay {
        AdDay {
            ad,
            day: Counts::default(),
            kept: EVERY_HOUR,
            credited: Counts::default(),
        }
    }

    /// A day whose every hour counts, for tests.
    #[cfg(test)]
    pub fn with_counts(ad: usize, day: Counts) -> AdDay {
        AdDay {
            day,
            ..AdDay::credited_only(ad)
        }
    }

    /// Adds conversions (and their value in micro-currency) to the day.
    pub fn credit(&mut self, count: i64, value: i64) {
        let c = &mut self.credited;
        c.set(Counter::Conversions, c.get(Counter::Conversions) + count);
        c.set(
            Counter::ConversionValue,
            c.get(Counter::ConversionValue) + value,
        );
    }

    /// The counts of each UTC hour, zero where the hour does not count.
    pub fn hours(&self) -> [Counts; 24] {
        let mut hours = [Counts::default(); 24];
        for counter in Counter::ALL {
            let v = self.day.get(counter);
            if v != 0 {
                for (h, part) in over_the_day(v).into_iter().enumerate() {
                    hours[h].set(counter, part);
                }
            }
        }
        for (h, c) in hours.iter_mut().enumerate() {
            if self.kept & (1 << h) == 0 {
                *c = Counts::default();
            }
        }
        let kept: Vec<i64> = (0..24)
            .map(|h| {
                if self.kept & (1 << h) == 0 {
                    0
                } else {
                    HOUR_CURVE[h]
                }
            })
            .collect();
        for counter in [Counter::Conversions, Counter::ConversionValue] {
            let v = self.credited.get(counter);
            if v != 0 {
                split_each(v, &kept, |h, part| {
                    hours[h].set(counter, hours[h].get(counter) + part)
                });
            }
        }
        hours
    }

    /// The day's counts in the hours that count.
    pub fn total(&self) -> Counts {
        let mut out = if self.kept == EVERY_HOUR {
            self.day
        } else {
            let mut sum = Counts::default();
            for h in &self.hours() {
                sum.add(h);
            }
            return sum;
        };
        out.add(&self.credited);
        out
    }
}

/// Everything the delivery of one ad account depends on.
#[derive(Debug, Clone, Default)]
pub struct Plans {
    pub campaigns: Vec<CampaignPlan>,
    pub ad_groups: Vec<AdGroupPlan>,
    pub ads: Vec<AdPlan>,
}

/// Every ad's delivery on `day` as seen at `now` (Unix seconds); ads that deliver nothing that
/// day are left out. Indexes in [`AdDay::ad`] are into `plans.ads`.
pub fn deliver_day(plans: &Plans, day: Day, now: i64) -> Vec<AdDay> {
    let day_start = day * SECONDS_PER_DAY;
    let day_end = day_start + SECONDS_PER_DAY;
    if day_start >= now {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (ci, campaign) in plans.campaigns.iter().enumerate() {
        let cwin = campaign.window.clip(0, now);
        if !cwin.overlaps(day_start, day_end) {
            continue;
        }
        // Ad groups that may deliver today, with their target spend.
        let mut groups: Vec<(usize, i64)> = Vec::new();
        let cbo_groups = plans
            .ad_groups
            .iter()
            .filter(|g| g.campaign == ci && g.budget.is_none())
            .filter(|g| g.window.clip(0, now).overlaps(day_start, day_end))
            .count() as i64;
        for (gi, group) in plans.ad_groups.iter().enumerate() {
            if group.campaign != ci || !group.window.clip(0, now).overlaps(day_start, day_end) {
                continue;
            }
            if !plans
                .ads
                .iter()
                .any(|a| a.ad_group == gi && a.window.clip(0, now).overlaps(day_start, day_end))
            {
                continue;
            }
            let daily = match group.budget {
                Some(b) if group.lifetime => b / group.window.calendar_days().max(1),
                Some(b) => b,
                None => campaign.daily_cap(day).unwrap_or(0) / cbo_groups.max(1),
            };
            let pace = 600 + (unit(&[group.id as u64, day as u64, 1]) * 350.0) as i64;
            let target = daily * pace / 1000;
            let target = (target as f64 * group.win_rate()) as i64;
            if target > 0 {
                groups.push((gi, target));
            }
        }
        if let Some(cap) = campaign.daily_cap(day) {
            let sum: i64 = groups.iter().map(|(_, t)| *t).sum();
            if sum > cap {
                for (_, t) in groups.iter_mut() {
                    *t = ((*t as i128 * cap as i128) / sum as i128) as i64;
                }
            }
        }
        for (gi, spend) in groups {
            let group = &plans.ad_groups[gi];
            let ads: Vec<usize> = (0..plans.ads.len())
                .filter(|&a| {
                    plans.ads[a].ad_group == gi
                        && plans.ads[a]
                            .window
                            .clip(0, now)
                            .overlaps(day_start, day_end)
                })
                .collect();
            let weights: Vec<i64> = ads
                .iter()
                .map(|&a| 50 + (unit(&[plans.ads[a].id as u64, 2]) * 100.0) as i64)
                .collect();
            let shares = split(spend, &weights);
            for (&a, ad_spend) in ads.iter().zip(shares) {
                let ad = &plans.ads[a];
                let kept = (0..24).fold(0u32, |mask, h| {
                    let hs = day_start + h as i64 * SECONDS_PER_HOUR;
                    let he = hs + SECONDS_PER_HOUR;
                    let counts = he <= now
                        && cwin.contains(hs, he)
                        && group.window.contains(hs, he)
                        && ad.window.contains(hs, he);
                    mask | (u32::from(counts) << h)
                });
                let delivered = AdDay {
                    ad: a,
                    day: ad_counts(group, ad, ad_spend),
                    kept,
                    credited: Counts::default(),
                };
                if kept != 0 && !delivered.total().is_zero() {
                    out.push(delivered);
                }
            }
        }
    }
    out
}

/// An ad's counts for a whole day from its spend.
fn ad_counts(group: &AdGroupPlan, ad: &AdPlan, spend: i64) -> Counts {
    let mut c = Counts::default();
    if spend <= 0 {
        return c;
    }
    let cpm = group.cpm_micro();
    let impressions = (spend as i128 * 1000 / cpm as i128) as i64;
    let clicks = impressions * ad.ctr_ppm(group) / 1_000_000;
    let outbound = clicks * (50 + (unit(&[ad.id as u64, 3]) * 30.0) as i64) / 100;
    let saves = impressions * (10 + (unit(&[ad.id as u64, 4]) * 40.0) as i64) / 10_000;
    c.set(Counter::Spend, spend);
    c.set(Counter::Impressions, impressions);
    c.set(Counter::Clicks, clicks);
    c.set(Counter::OutboundClicks, outbound);
    c.set(Counter::Saves, saves);
    if ad.video {
        let three = impressions * (40 + (unit(&[ad.id as u64, 5]) * 30.0) as i64) / 100;
        let mrc = three * 70 / 100;
        c.set(Counter::VideoSpend, spend);
        c.set(Counter::Video3sViews, three);
        c.set(Counter::VideoMrcViews, mrc);
        c.set(Counter::VideoCompletes, mrc * 30 / 100);
    }
    c
}

/// [`split`] over [`HOUR_CURVE`], whose sum is known when compiling: every ad's every counter
/// of every day goes through here, and a constant divisor is a multiplication.
fn over_the_day(total: i64) -> [i64; 24] {
    const SUM: i64 = 1_000;
    let mut parts = [0; 24];
    if total.checked_mul(SUM).is_none() {
        split_each(total, &HOUR_CURVE, |h, part| parts[h] = part);
        return parts;
    }
    let (mut running, mut given) = (0, 0);
    for (h, w) in HOUR_CURVE.iter().enumerate() {
        running += w;
        let a = total * running;
        let upto = a.div_euclid(SUM) + i64::from(a.rem_euclid(SUM) != 0);
        parts[h] = upto - given;
        given = upto;
    }
    parts
}

#[cfg(test)]
mod tests;
