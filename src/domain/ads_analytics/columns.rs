//! What each reporting column shows for a row: the counters pinbox simulates, the rates and
//! costs derived from them at the row's own level (never averaged from below), the ids and
//! attributes of the row's entities, and 0 for the metrics pinbox does not simulate (earned
//! media, product, quiz and showcase figures, web sessions).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::domain::ads::Entity;
use crate::domain::ads_analytics::{Level, Row};
use crate::domain::ads_delivery::{Counter, Counts};
use crate::domain::engagement::format_date;

fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn dollars(micro: f64) -> f64 {
    micro / 1_000_000.0
}

/// A simulated metric's value, or `None` when the column is not one.
pub fn metric(column: &str, c: &Counts) -> Option<Value> {
    use Counter::*;
    let g = |k: Counter| c.get(k);
    let engagements = g(Clicks) + g(Saves);
    Some(match column {
        "SPEND_IN_MICRO_DOLLAR" => json!(g(Spend)),
        "SPEND_IN_DOLLAR" => json!(dollars(g(Spend) as f64)),
        "PAID_IMPRESSION" | "TOTAL_IMPRESSION" | "IMPRESSION_1" | "IMPRESSION_1_GROSS" => {
            json!(g(Impressions))
        }
        "TOTAL_CLICKTHROUGH" | "CLICKTHROUGH_1" | "CLICKTHROUGH_1_GROSS" => json!(g(Clicks)),
        "OUTBOUND_CLICK_1" => json!(g(OutboundClicks)),
        "REPIN_1" => json!(g(Saves)),
        "TOTAL_ENGAGEMENT" | "ENGAGEMENT_1" => json!(engagements),
        "CTR" | "ECTR" => json!(ratio(g(Clicks), g(Impressions))),
        "OUTBOUND_CTR_1" => json!(ratio(g(OutboundClicks), g(Impressions))),
        "CPC_IN_MICRO_DOLLAR" | "ECPC_IN_MICRO_DOLLAR" => json!(ratio(g(Spend), g(Clicks))),
        "ECPC_IN_DOLLAR" => json!(dollars(ratio(g(Spend), g(Clicks)))),
        "CPM_IN_MICRO_DOLLAR" | "ECPM_IN_MICRO_DOLLAR" => {
            json!(ratio(g(Spend) * 1000, g(Impressions)))
        }
        "CPM_IN_DOLLAR" => json!(dollars(ratio(g(Spend) * 1000, g(Impressions)))),
        "ECPE_IN_DOLLAR" => json!(dollars(ratio(g(Spend), engagements))),
        "ENGAGEMENT_RATE" | "EENGAGEMENT_RATE" => json!(ratio(engagements, g(Impressions))),
        "REPIN_RATE" | "TOTAL_REPIN_RATE" => json!(ratio(g(Saves), g(Impressions))),
        "COST_PER_OUTBOUND_CLICK_IN_DOLLAR" | "COST_PER_OUTBOUND_CLICK_IN_DOLLAR_1" => {
            json!(dollars(ratio(g(Spend), g(OutboundClicks))))
        }
        "VIDEO_3SEC_VIEWS_1" | "TOTAL_VIDEO_3SEC_VIEWS" => json!(g(Video3sViews)),
        "VIDEO_MRC_VIEWS_1" | "TOTAL_VIDEO_MRC_VIEWS" => json!(g(VideoMrcViews)),
        "TOTAL_VIDEO_P100_COMPLETE" => json!(g(VideoCompletes)),
        "PAID_VIDEO_VIEWABLE_RATE" => json!(ratio(g(VideoMrcViews), g(Impressions))),
        "VIDEO_SPEND_IN_DOLLAR" => json!(dollars(g(VideoSpend) as f64)),
        "ECPV_IN_DOLLAR" => json!(dollars(ratio(g(VideoSpend), g(Video3sViews)))),
        "ECPCV_IN_DOLLAR" => json!(dollars(ratio(g(VideoSpend), g(VideoCompletes)))),
        "TOTAL_CONVERSIONS" | "TOTAL_CHECKOUT" | "TOTAL_WEB_CHECKOUT" => json!(g(Conversions)),
        "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR" | "TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR" => {
            json!(g(ConversionValue))
        }
        "CHECKOUT_ROAS" | "WEB_CHECKOUT_ROAS" => json!(ratio(g(ConversionValue), g(Spend))),
        "WEB_CHECKOUT_COST_PER_ACTION" => json!(dollars(ratio(g(Spend), g(Conversions)))),
        _ => return None,
    })
}

/// Columns that describe an entity rather than count: shown when the row's level knows the
/// entity, left out otherwise.
fn attribute(column: &str, row: &Row, entities: &HashMap<i64, Entity>) -> Option<Option<Value>> {
    let id = |v: Option<i64>| v.map(|i| Value::from(i.to_string()));
    let field = |of: Option<i64>, name: &str| {
        of.and_then(|i| entities.get(&i))
            .and_then(|e| e.fields.get(name).cloned())
    };
    let status = |of: Option<i64>| {
        of.and_then(|i| entities.get(&i))
            .map(|e| Value::from(e.status.clone()))
    };
    Some(match column {
        "AD_ACCOUNT_ID" | "ADVERTISER_ID" => id(Some(row.account)),
        "CAMPAIGN_ID" => id(row.campaign),
        "AD_GROUP_ID" => id(row.ad_group),
        "AD_ID" | "PIN_PROMOTION_ID" => id(row.ad),
        "PIN_ID" => id(row.pin),
        "CAMPAIGN_NAME" => field(row.campaign, "name"),
        "CAMPAIGN_ENTITY_STATUS" => status(row.campaign),
        "CAMPAIGN_OBJECTIVE_TYPE" => field(row.campaign, "objective_type"),
        "CAMPAIGN_DAILY_SPEND_CAP" => field(row.campaign, "daily_spend_cap"),
        "CAMPAIGN_LIFETIME_SPEND_CAP" => field(row.campaign, "lifetime_spend_cap"),
        "CAMPAIGN_BUDGET_OPTIMIZATION" => field(row.campaign, "is_campaign_budget_optimization"),
        "AD_GROUP_NAME" => field(row.ad_group, "name"),
        "AD_GROUP_ENTITY_STATUS" => status(row.ad_group),
        "AD_GROUP_BUDGET_TYPE" => field(row.ad_group, "budget_type"),
        "AD_GROUP_BUDGET_IN_LOCAL_CURRENCY" => field(row.ad_group, "budget_in_micro_currency"),
        "AD_GROUP_BID_MULTIPLIER" => field(row.ad_group, "bid_multiplier"),
        "AD_NAME" => field(row.ad, "name"),
        "CAMPAIGN_BRAND_LABEL"
        | "PROMO_ID"
        | "PROMO_NAME"
        | "ORDER_LINE_ID"
        | "ORDER_LINE_NAME"
        | "AD_GROUP_OPTIMIZATION"
        | "IS_PREMIERE_CAMPAIGN"
        | "PRODUCT_GROUP_AD_IMAGE_TAG"
        | "PRODUCT_GROUP_AD_VIDEO_TAG"
        | "VIDEO_LENGTH" => None,
        _ => return None,
    })
}

/// Where one entry of a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The level's id column, shown whenever the row knows it.
    Key,
    Date,
    Hour,
    /// A requested column: a metric, an attribute when the level knows it, or 0.
    Column,
}

/// The entries an answer's rows have, in the order their objects list them (by name): worked
/// out once per answer rather than per row.
#[derive(Debug, Clone)]
pub struct Layout {
    entries: Vec<(String, Source)>,
}

impl Layout {
    pub fn new(level: Level, columns: &[String]) -> Layout {
        let mut entries: Vec<(String, Source)> = vec![
            (level.key().to_string(), Source::Key),
            ("DATE".to_string(), Source::Date),
            ("HOUR".to_string(), Source::Hour),
        ];
        entries.extend(columns.iter().map(|c| (c.clone(), Source::Column)));
        // A name listed twice shows its last source, as inserting into an object would.
        entries.reverse();
        let mut seen = std::collections::HashSet::new();
        entries.retain(|(name, _)| seen.insert(name.clone()));
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Layout { entries }
    }

    /// `f(name, value)` for each entry `row` has, in order.
    pub fn each(&self, row: &Row, entities: &HashMap<i64, Entity>, mut f: impl FnMut(&str, Value)) {
        for (name, source) in &self.entries {
            let value = match source {
                Source::Key => attribute(name, row, entities).flatten(),
                Source::Date => row.date.map(|d| format_date(d).into()),
                Source::Hour => row.hour.map(Value::from),
                Source::Column => match metric(name, &row.counts) {
                    Some(v) => Some(v),
                    None => match attribute(name, row, entities) {
                        Some(attr) => attr.filter(|v| !v.is_null()),
                        None => Some(json!(0)),
                    },
                },
            };
            if let Some(v) = value {
                f(name, v);
            }
        }
    }
}

/// One row as the spec's answers show it: its level's key, `DATE` (and `HOUR`) when the
/// granularity is time-based, then the requested columns.
pub fn render(row: &Row, layout: &Layout, entities: &HashMap<i64, Entity>) -> Map<String, Value> {
    let mut out = Map::new();
    layout.each(row, entities, |name, v| {
        out.insert(name.to_string(), v);
    });
    out
}

/// A row serialized as [`render`] shows it, without building the object first: a 90-day answer
/// over a hundred ads has thousands of rows.
pub struct RowView<'a> {
    pub row: &'a Row,
    pub layout: &'a Layout,
    pub entities: &'a HashMap<i64, Entity>,
}

impl serde::Serialize for RowView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        let mut failed = None;
        self.layout.each(self.row, self.entities, |name, v| {
            if failed.is_none() {
                failed = map.serialize_entry(name, &v).err();
            }
        });
        match failed {
            Some(e) => Err(e),
            None => map.end(),
        }
    }
}
