//! An ads analytics request, as the client sent it and as validated: dates (the spec's limits),
//! granularity, columns (the spec's enum), the id filters, the targeting types and the
//! conversion-attribution parameters.

use crate::domain::ads_analytics::targeting::TARGETING_TYPES;
use crate::domain::engagement::{Day, format_date, parse_date};
use crate::error::{Error, Result};

/// The synchronous operations' range: `start_date` at most 90 days back, `end_date` at most 90
/// days past `start_date`.
pub const MAX_DAYS_BACK: i64 = 90;
pub const MAX_RANGE_DAYS: i64 = 90;

/// The entity a row is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Level {
    Account,
    Campaign,
    AdGroup,
    Ad,
    Pin,
}

impl Level {
    /// The key every row of this level carries.
    pub fn key(self) -> &'static str {
        match self {
            Level::Account => "AD_ACCOUNT_ID",
            Level::Campaign => "CAMPAIGN_ID",
            Level::AdGroup => "AD_GROUP_ID",
            Level::Ad => "AD_ID",
            Level::Pin => "PIN_ID",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Granularity {
    Total,
    Day,
    Hour,
    Week,
    Month,
}

pub const GRANULARITIES: &[&str] = &["TOTAL", "DAY", "HOUR", "WEEK", "MONTH"];

impl Granularity {
    pub fn parse(s: &str) -> Option<Granularity> {
        Some(match s {
            "TOTAL" => Granularity::Total,
            "DAY" => Granularity::Day,
            "HOUR" => Granularity::Hour,
            "WEEK" => Granularity::Week,
            "MONTH" => Granularity::Month,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        GRANULARITIES[self as usize]
    }
}

/// The spec's `ConversionAttributionWindowDays`.
pub const WINDOW_DAYS: &[i64] = &[0, 1, 7, 14, 30, 60];

/// How conversions are attributed: passed to the conversions source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConversionWindows {
    pub click_days: i64,
    pub engagement_days: i64,
    pub view_days: i64,
    /// `TIME_OF_CONVERSION` rather than `TIME_OF_AD_ACTION`.
    pub by_conversion_time: bool,
}

impl Default for ConversionWindows {
    fn default() -> ConversionWindows {
        ConversionWindows {
            click_days: 30,
            engagement_days: 30,
            view_days: 1,
            by_conversion_time: false,
        }
    }
}

/// The request as sent: every value a string, each list as its items.
#[derive(Debug, Clone, Default)]
pub struct RawQuery {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub granularity: Option<String>,
    pub columns: Vec<String>,
    pub campaign_ids: Vec<String>,
    pub ad_group_ids: Vec<String>,
    pub ad_ids: Vec<String>,
    pub pin_ids: Vec<String>,
    pub targeting_types: Vec<String>,
    pub click_window_days: Option<String>,
    pub engagement_window_days: Option<String>,
    pub view_window_days: Option<String>,
    pub conversion_report_time: Option<String>,
    pub attribution_types: Vec<String>,
}

/// A validated request; the report's stored form.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Query {
    pub level: Level,
    pub start: Day,
    pub end: Day,
    pub granularity: Granularity,
    pub columns: Vec<String>,
    pub campaign_ids: Vec<i64>,
    pub ad_group_ids: Vec<i64>,
    pub ad_ids: Vec<i64>,
    pub pin_ids: Vec<i64>,
    /// Empty unless the request breaks the figures down by targeting.
    pub targeting_types: Vec<String>,
    pub windows: ConversionWindows,
}

/// What each operation requires and allows beyond the common parameters.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub level: Level,
    /// The operation's name in its 400 messages ("ad group analytics").
    pub what: &'static str,
    /// The id lists the spec requires.
    pub required_ids: &'static [&'static str],
    pub targeting: bool,
    /// How far back `start_date` may go and how long a range may be, in days.
    pub max_back: i64,
    pub max_range: i64,
    /// The columns the operation takes (the synchronous operations' enum, or the reports').
    pub columns: &'static [&'static str],
    /// Most ids in each of `campaign_ids`, `ad_group_ids` and `ad_ids`.
    pub max_ids: usize,
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

impl Query {
    pub fn parse(rules: Rules, raw: &RawQuery, today: Day) -> Result<Query> {
        let bad = |msg: String| Error::invalid(format!("Invalid {} parameters: {msg}", rules.what));
        let date = |name: &str, v: &Option<String>| -> Result<Day> {
            let v = v
                .as_deref()
                .ok_or_else(|| bad(format!("'{name}' is required, as YYYY-MM-DD.")))?;
            parse_date(v).ok_or_else(|| {
                bad(format!(
                    "'{name}' '{}' is not a date as YYYY-MM-DD.",
                    short(v)
                ))
            })
        };
        let start = date("start_date", &raw.start_date)?;
        let end = date("end_date", &raw.end_date)?;
        if start < today - rules.max_back {
            return Err(bad(format!(
                "'start_date' cannot be more than {} days back from today ({}).",
                rules.max_back,
                format_date(today)
            )));
        }
        if end < start {
            return Err(bad("'end_date' cannot be before 'start_date'.".into()));
        }
        if end > start + rules.max_range {
            return Err(bad(format!(
                "'end_date' cannot be more than {} days past 'start_date'.",
                rules.max_range
            )));
        }
        let granularity = match raw.granularity.as_deref() {
            None => {
                return Err(bad(format!(
                    "'granularity' is required: one of {}.",
                    GRANULARITIES.join(", ")
                )));
            }
            Some(g) => Granularity::parse(g).ok_or_else(|| {
                bad(format!(
                    "'granularity' '{}' is not one of {}.",
                    short(g),
                    GRANULARITIES.join(", ")
                ))
            })?,
        };
        if raw.columns.is_empty() {
            return Err(bad(
                "'columns' is required: a comma-separated list of the spec's reporting columns."
                    .into(),
            ));
        }
        let mut columns: Vec<String> = Vec::new();
        for c in &raw.columns {
            if !rules.columns.contains(&c.as_str()) {
                return Err(bad(format!(
                    "'columns' has an unknown column '{}'; use the spec's reporting columns (SPEND_IN_MICRO_DOLLAR, TOTAL_IMPRESSION, TOTAL_CLICKTHROUGH, CTR, ...).",
                    short(c)
                )));
            }
            if !columns.contains(c) {
                columns.push(c.clone());
            }
        }
        let ids = |name: &str, values: &[String], max: usize| -> Result<Vec<i64>> {
            if values.len() > max {
                return Err(bad(format!("'{name}' takes at most {max} ids.")));
            }
            values
                .iter()
                .map(|v| {
                    crate::domain::ads::parse_id_param(v).ok_or_else(|| {
                        bad(format!(
                            "'{name}' holds '{}', which is not an id (digits).",
                            short(v)
                        ))
                    })
                })
                .collect()
        };
        let query = Query {
            level: rules.level,
            start,
            end,
            granularity,
            columns,
            campaign_ids: ids("campaign_ids", &raw.campaign_ids, rules.max_ids)?,
            ad_group_ids: ids("ad_group_ids", &raw.ad_group_ids, rules.max_ids)?,
            ad_ids: ids("ad_ids", &raw.ad_ids, rules.max_ids)?,
            pin_ids: ids("pin_ids", &raw.pin_ids, 100)?,
            targeting_types: Vec::new(),
            windows: ConversionWindows::default(),
        };
        let mut query = query;
        for &name in rules.required_ids {
            let given = match name {
                "campaign_ids" | "campaign_id" => !query.campaign_ids.is_empty(),
                "ad_group_ids" => !query.ad_group_ids.is_empty(),
                "ad_ids" => !query.ad_ids.is_empty(),
                _ => !query.pin_ids.is_empty(),
            };
            if !given {
                return Err(bad(format!("'{name}' is required: at least one id.")));
            }
        }
        if rules.targeting {
            if raw.targeting_types.is_empty() {
                return Err(bad(
                    "'targeting_types' is required: at least one targeting type.".into(),
                ));
            }
            for t in &raw.targeting_types {
                if !TARGETING_TYPES.contains(&t.as_str()) {
                    return Err(bad(format!(
                        "'targeting_types' has an unknown type '{}'; use one of: {}.",
                        short(t),
                        TARGETING_TYPES.join(", ")
                    )));
                }
                if !query.targeting_types.contains(t) {
                    query.targeting_types.push(t.clone());
                }
            }
        }
        query.windows = parse_windows(&bad, raw)?;
        if raw.attribution_types.len() > 2 {
            return Err(bad(
                "'attribution_types' takes at most 2 values (INDIVIDUAL, HOUSEHOLD).".to_string(),
            ));
        }
        for a in &raw.attribution_types {
            if a != "INDIVIDUAL" && a != "HOUSEHOLD" {
                return Err(bad(format!(
                    "'attribution_types' has an unknown value '{}'; use INDIVIDUAL or HOUSEHOLD.",
                    short(a)
                )));
            }
        }
        Ok(query)
    }
}

fn parse_windows(bad: &dyn Fn(String) -> Error, raw: &RawQuery) -> Result<ConversionWindows> {
    let mut w = ConversionWindows::default();
    for (name, v, into) in [
        (
            "click_window_days",
            &raw.click_window_days,
            &mut w.click_days,
        ),
        (
            "engagement_window_days",
            &raw.engagement_window_days,
            &mut w.engagement_days,
        ),
        ("view_window_days", &raw.view_window_days, &mut w.view_days),
    ] {
        if let Some(v) = v {
            *into = v
                .parse::<i64>()
                .ok()
                .filter(|n| WINDOW_DAYS.contains(n))
                .ok_or_else(|| {
                    bad(format!(
                        "'{name}' '{}' must be one of 0, 1, 7, 14, 30, 60.",
                        short(v)
                    ))
                })?;
        }
    }
    match raw.conversion_report_time.as_deref() {
        None | Some("TIME_OF_AD_ACTION") => {}
        Some("TIME_OF_CONVERSION") => w.by_conversion_time = true,
        Some(v) => {
            return Err(bad(format!(
                "'conversion_report_time' '{}' must be TIME_OF_AD_ACTION or TIME_OF_CONVERSION.",
                short(v)
            )));
        }
    }
    Ok(w)
}
