//! What the engagement log holds: counted events per Pin, UTC day, app type and metric. It fills
//! from activity inside pinbox (a save counts as a SAVE on the source Pin) and from engagement a
//! tester asks for (exact events, or a simulated profile: `domain::analytics::profiles`).
//! Rates and other derived metrics are computed from these counts on read, never stored.

use time::{Date, Month};

use crate::domain::ids::PinId;
use crate::error::{Error, Result};

/// Days since 1970-01-01 (UTC), the log's unit of time.
pub type Day = i64;

const MS_PER_DAY: i64 = 86_400_000;
/// The Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
/// Most one exact request may add to one metric, so sums stay far inside an i64.
pub const MAX_EVENTS_PER_REQUEST: i64 = 1_000_000_000;

pub fn day_of(millis: i64) -> Day {
    millis.div_euclid(MS_PER_DAY)
}

pub fn day_start_millis(day: Day) -> i64 {
    day * MS_PER_DAY
}

/// `YYYY-MM-DD` as a day; `None` for anything else (including impossible dates).
pub fn parse_date(s: &str) -> Option<Day> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let month = Month::try_from(digits(5..7)? as u8).ok()?;
    let date = Date::from_calendar_date(digits(0..4)?, month, digits(8..10)? as u8).ok()?;
    Some(date.to_julian_day() as i64 - UNIX_EPOCH_JULIAN_DAY)
}

/// A day as `YYYY-MM-DD`.
pub fn format_date(day: Day) -> String {
    let Ok(d) = Date::from_julian_day((day + UNIX_EPOCH_JULIAN_DAY) as i32) else {
        return "0000-01-01".to_string();
    };
    if !(0..=9999).contains(&d.year()) {
        return format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
    }
    // Written digit by digit: analytics answers format a date for each of thousands of rows,
    // and the formatting machinery costs more than the rest of a row.
    let (y, m, dd) = (d.year() as u32, d.month() as u32, d.day() as u32);
    let digit = |v: u32| char::from(b'0' + v as u8);
    [
        digit(y / 1000),
        digit(y / 100 % 10),
        digit(y / 10 % 10),
        digit(y % 10),
        '-',
        digit(m / 10),
        digit(m % 10),
        '-',
        digit(dd / 10),
        digit(dd % 10),
    ]
    .into_iter()
    .collect()
}

/// The app or device an event came from (the spec's `app_types`, without `ALL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AppType {
    Mobile,
    Tablet,
    Web,
}

impl AppType {
    pub const ALL: [AppType; 3] = [AppType::Mobile, AppType::Tablet, AppType::Web];

    pub fn as_str(self) -> &'static str {
        match self {
            AppType::Mobile => "MOBILE",
            AppType::Tablet => "TABLET",
            AppType::Web => "WEB",
        }
    }

    pub fn parse(s: &str) -> Option<AppType> {
        AppType::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// An event the log counts. Everything else a report shows (rates, ENGAGEMENT, averages) is
/// derived from these in `domain::analytics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Counted {
    Impression,
    Save,
    PinClick,
    OutboundClick,
    TotalComments,
    TotalReactions,
    UserFollow,
    ProfileVisit,
    VideoStart,
    VideoMrcView,
    Video10sView,
    Quartile95PercentView,
    /// Milliseconds of play time.
    VideoV50WatchTime,
}

impl Counted {
    pub const ALL: [Counted; 13] = [
        Counted::Impression,
        Counted::Save,
        Counted::PinClick,
        Counted::OutboundClick,
        Counted::TotalComments,
        Counted::TotalReactions,
        Counted::UserFollow,
        Counted::ProfileVisit,
        Counted::VideoStart,
        Counted::VideoMrcView,
        Counted::Video10sView,
        Counted::Quartile95PercentView,
        Counted::VideoV50WatchTime,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Impression => "IMPRESSION",
            Counted::Save => "SAVE",
            Counted::PinClick => "PIN_CLICK",
            Counted::OutboundClick => "OUTBOUND_CLICK",
            Counted::TotalComments => "TOTAL_COMMENTS",
            Counted::TotalReactions => "TOTAL_REACTIONS",
            Counted::UserFollow => "USER_FOLLOW",
            Counted::ProfileVisit => "PROFILE_VISIT",
            Counted::VideoStart => "VIDEO_START",
            Counted::VideoMrcView => "VIDEO_MRC_VIEW",
            Counted::Video10sView => "VIDEO_10S_VIEW",
            Counted::Quartile95PercentView => "QUARTILE_95_PERCENT_VIEW",
            Counted::VideoV50WatchTime => "VIDEO_V50_WATCH_TIME",
        }
    }

    pub fn parse(s: &str) -> Option<Counted> {
        Counted::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One cell of the log: a Pin's count of one event on one day from one app type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngagementRow {
    pub pin: PinId,
    pub day: Day,
    pub app_type: AppType,
    pub metric: Counted,
    pub count: i64,
}

impl EngagementRow {
    /// A row as an engine stored it; `None` for a value no version of pinbox writes.
    pub fn from_stored(
        pin: i64,
        day: Day,
        app_type: &str,
        metric: &str,
        count: i64,
    ) -> Option<EngagementRow> {
        Some(EngagementRow {
            pin: PinId(pin),
            day,
            app_type: AppType::parse(app_type)?,
            metric: Counted::parse(metric)?,
            count,
        })
    }
}

/// What a tester asks to add: exact counts for one Pin, day and app type.
#[derive(Debug, Clone)]
pub struct EngagementEvents {
    pub pin: PinId,
    pub day: Day,
    pub app_type: AppType,
    pub counts: Vec<(Counted, i64)>,
}

/// Parses `METRIC=COUNT` pairs (the CLI's arguments, the control API's `events` keys).
pub fn parse_event(metric: &str, count: i64) -> Result<(Counted, i64)> {
    let m = Counted::parse(metric).ok_or_else(|| {
        Error::invalid(format!(
            "'{metric}' is not an event the engagement log counts; use one of: {}. Rates and \
             ENGAGEMENT are derived from these.",
            Counted::ALL.map(Counted::as_str).join(", ")
        ))
    })?;
    if !(0..=MAX_EVENTS_PER_REQUEST).contains(&count) {
        return Err(Error::invalid(format!(
            "The count of {metric} must be between 0 and {MAX_EVENTS_PER_REQUEST} (was {count})."
        )));
    }
    Ok((m, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-11-01"), Some(day_of(1_793_491_200_000)));
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        for date in [
            "0001-01-01",
            "1970-01-01",
            "1999-12-31",
            "2026-10-09",
            "9999-12-31",
        ] {
            assert_eq!(format_date(parse_date(date).unwrap()), date);
        }
        for bad in [
            "2023-02-29",
            "2026-1-01",
            "20261101",
            "2026-11-01T00",
            "",
            "abcd-ef-gh",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn events_name_counted_metrics_only() {
        assert_eq!(
            parse_event("IMPRESSION", 30).unwrap(),
            (Counted::Impression, 30)
        );
        assert!(parse_event("SAVE_RATE", 1).is_err());
        assert!(parse_event("SAVE", -1).is_err());
    }
}
