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

pub use hash::{split, unit};
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

/// One ad's delivery on one day: its counts per hour (zero where masked).
#[derive(Debug, Clone)]
pub struct AdDay {
    pub ad: usize,
    pub hours: [Counts; 24],
}

impl AdDay {
    pub fn total(&self) -> Counts {
        let mut out = Counts::default();
        for h in &self.hours {
            out.add(h);
        }
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
                let day_counts = ad_counts(group, ad, ad_spend);
                let hours = spread(&day_counts, |h| {
                    let hs = day_start + h as i64 * SECONDS_PER_HOUR;
                    let he = hs + SECONDS_PER_HOUR;
                    he <= now
                        && cwin.contains(hs, he)
                        && group.window.contains(hs, he)
                        && ad.window.contains(hs, he)
                });
                if hours.iter().any(|c| !c.is_zero()) {
                    out.push(AdDay { ad: a, hours });
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

/// A day's counts over its 24 hours by [`HOUR_CURVE`], each counter exactly; hours `keep`
/// refuses are zero.
fn spread(day: &Counts, keep: impl Fn(usize) -> bool) -> [Counts; 24] {
    let mut hours = [Counts::default(); 24];
    for counter in Counter::ALL {
        let v = day.get(counter);
        if v == 0 {
            continue;
        }
        for (h, part) in split(v, &HOUR_CURVE).into_iter().enumerate() {
            hours[h].set(counter, part);
        }
    }
    for (h, c) in hours.iter_mut().enumerate() {
        if !keep(h) {
            *c = Counts::default();
        }
    }
    hours
}

#[cfg(test)]
mod tests;
