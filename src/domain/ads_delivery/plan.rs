//! What the delivery model reads of campaigns, ad groups and ads, taken from the stored entities.
//!
//! Status history is not stored, so an entity's current status stands for its past: an ACTIVE
//! one delivers from its creation (or start time) on; a PAUSED or ARCHIVED one delivered from its
//! creation until its last update (taken as the moment it was paused); a DRAFT never delivered.

use std::collections::HashMap;

use serde_json::Value;

use crate::domain::ads::Entity;
use crate::domain::ads_delivery::SECONDS_PER_DAY;
use crate::domain::ads_delivery::hash::unit;

/// A span of Unix seconds, `[from, until)`; `until: None` is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub until: Option<i64>,
}

impl Window {
    pub const NEVER: Window = Window {
        from: i64::MAX,
        until: Some(i64::MIN),
    };

    pub fn clip(self, from: i64, until: i64) -> Window {
        Window {
            from: self.from.max(from),
            until: Some(self.until.map_or(until, |u| u.min(until))),
        }
    }

    pub fn overlaps(&self, start: i64, end: i64) -> bool {
        self.from < end && self.until.is_none_or(|u| u > start && u > self.from)
    }

    pub fn contains(&self, start: i64, end: i64) -> bool {
        self.from <= start && self.until.is_none_or(|u| end <= u)
    }

    /// How many calendar days (UTC) the window touches; 0 when open-ended or empty.
    pub fn calendar_days(&self) -> i64 {
        match self.until {
            Some(u) if u > self.from => {
                let first = self.from.div_euclid(SECONDS_PER_DAY);
                let last = (u - 1).div_euclid(SECONDS_PER_DAY);
                last - first + 1
            }
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billable {
    Impression,
    Click,
    VideoView,
}

#[derive(Debug, Clone)]
pub struct CampaignPlan {
    pub id: i64,
    /// When it may deliver (status, creation, schedule).
    pub window: Window,
    pub daily_spend_cap: Option<i64>,
    pub lifetime_spend_cap: Option<i64>,
    /// Calendar days of its schedule, over which a lifetime cap is spread.
    pub schedule_days: i64,
}

impl CampaignPlan {
    /// What the campaign may spend in a day: its daily cap, or its lifetime cap spread evenly
    /// over its schedule.
    pub fn daily_cap(&self, _day: i64) -> Option<i64> {
        self.daily_spend_cap.or_else(|| {
            self.lifetime_spend_cap
                .map(|c| c / self.schedule_days.max(1))
        })
    }
}

#[derive(Debug, Clone)]
pub struct AdGroupPlan {
    pub id: i64,
    /// Index into the plans' campaigns.
    pub campaign: usize,
    pub window: Window,
    pub budget: Option<i64>,
    /// A LIFETIME budget, spread over `schedule_days`.
    pub lifetime: bool,
    pub schedule_days: i64,
    pub bid: Option<i64>,
    pub billable: Billable,
    /// How many targeting types its spec narrows: narrower targeting costs more per impression
    /// and is clicked more.
    pub breadth: i64,
}

impl AdGroupPlan {
    /// The market's price of a thousand impressions for this ad group: 2 to 8 units.
    pub fn cpm_micro(&self) -> i64 {
        let base = 2_000_000 + (unit(&[self.id as u64, 6]) * 4_000_000.0) as i64;
        (base + self.breadth * 250_000).min(8_000_000)
    }

    /// The ad group's typical click-through rate in parts per million: 0.2% to 2%.
    pub fn ctr_ppm(&self) -> i64 {
        let base = 2_000 + (unit(&[self.id as u64, 7]) * 16_000.0) as i64;
        (base + self.breadth * 500).min(20_000)
    }

    /// The share of auctions a bid under the market price wins (1 without a bid).
    pub fn win_rate(&self) -> f64 {
        let Some(bid) = self.bid else { return 1.0 };
        let price = match self.billable {
            Billable::Impression | Billable::VideoView => self.cpm_micro(),
            Billable::Click => self.cpm_micro() * 1_000 / self.ctr_ppm(),
        };
        (bid as f64 / price as f64).clamp(0.0, 1.0)
    }
}

#[derive(Debug, Clone)]
pub struct AdPlan {
    pub id: i64,
    /// Index into the plans' ad groups.
    pub ad_group: usize,
    pub pin_id: i64,
    pub window: Window,
    pub video: bool,
}

impl AdPlan {
    /// The ad's click-through rate: its group's, 20% either way, within 0.2% to 2%.
    pub fn ctr_ppm(&self, group: &AdGroupPlan) -> i64 {
        let factor = 80 + (unit(&[self.id as u64, 8]) * 40.0) as i64;
        (group.ctr_ppm() * factor / 100).clamp(2_000, 20_000)
    }
}

/// When an entity delivers, from its status, times and schedule.
pub fn window_of(e: &Entity) -> Window {
    let start = e.int("start_time").unwrap_or(0).max(e.created_at.seconds());
    let end = e.int("end_time");
    let until = match e.status.as_str() {
        "ACTIVE" => end,
        "PAUSED" | "ARCHIVED" => {
            Some(end.map_or(e.updated_at.seconds(), |x| x.min(e.updated_at.seconds())))
        }
        _ => return Window::NEVER,
    };
    Window { from: start, until }
}

/// The calendar days of an entity's schedule, from its start (or creation) to its end.
fn schedule_days(e: &Entity) -> i64 {
    Window {
        from: e
            .int("start_time")
            .unwrap_or_else(|| e.created_at.seconds()),
        until: e.int("end_time"),
    }
    .calendar_days()
}

fn breadth(spec: Option<&Value>) -> i64 {
    spec.and_then(Value::as_object).map_or(0, |o| {
        o.values()
            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()) || v.is_string())
            .count() as i64
    })
}

impl super::Plans {
    /// The plans of an ad account's entities; children whose parent is not among them are left
    /// out.
    pub fn from_entities(
        campaigns: &[Entity],
        ad_groups: &[Entity],
        ads: &[Entity],
    ) -> super::Plans {
        let mut plans = super::Plans::default();
        let mut campaign_index = HashMap::new();
        for c in campaigns {
            campaign_index.insert(c.id, plans.campaigns.len());
            plans.campaigns.push(CampaignPlan {
                id: c.id,
                window: window_of(c),
                daily_spend_cap: c.int("daily_spend_cap"),
                lifetime_spend_cap: c.int("lifetime_spend_cap"),
                schedule_days: schedule_days(c),
            });
        }
        let mut group_index = HashMap::new();
        for g in ad_groups {
            let Some(&campaign) = g.parent_id.and_then(|p| campaign_index.get(&p)) else {
                continue;
            };
            group_index.insert(g.id, plans.ad_groups.len());
            plans.ad_groups.push(AdGroupPlan {
                id: g.id,
                campaign,
                window: window_of(g),
                budget: g.int("budget_in_micro_currency"),
                lifetime: g.str("budget_type") == Some("LIFETIME"),
                schedule_days: schedule_days(g),
                bid: g.int("bid_in_micro_currency"),
                billable: match g.str("billable_event") {
                    Some("CLICKTHROUGH") => Billable::Click,
                    Some("VIDEO_V_50_MRC") => Billable::VideoView,
                    _ => Billable::Impression,
                },
                breadth: breadth(g.fields.get("targeting_spec")),
            });
        }
        for a in ads {
            let Some(&ad_group) = a.parent_id.and_then(|p| group_index.get(&p)) else {
                continue;
            };
            plans.ads.push(AdPlan {
                id: a.id,
                ad_group,
                pin_id: a.str("pin_id").and_then(|p| p.parse().ok()).unwrap_or(0),
                window: window_of(a),
                video: matches!(a.str("creative_type"), Some("VIDEO" | "MAX_VIDEO")),
            });
        }
        plans
    }
}
