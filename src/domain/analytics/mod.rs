//! Pin and user account analytics, read from the engagement log: the parameter rules
//! Pinterest's spec gives, derived metrics computed from counts, each day's `data_status`, and
//! seed 002's rule that analytics answers hold only entities with data.
//!
//! `data_status`, per day and Pin (docs/compatibility.md): a day after today is never reported;
//! today and yesterday (UTC, on pinbox's clock) are `PROCESSING`; a day before the Pin's creation
//! day is `BEFORE_PIN_CREATED`; every other day is `READY`. A `READY` day whose requested values
//! are all zero is left out of `daily_metrics`; a `PROCESSING` or `BEFORE_PIN_CREATED` day stays,
//! since its status is what the client needs to know. A group (a Pin, an app type) whose
//! requested values are all zero over the range is left out of the answer.

mod profiles;
mod record;

pub use profiles::*;

use std::collections::{BTreeMap, HashMap};

use crate::clock::Clock;
use crate::domain::EngagementLog;
use crate::domain::caller::Caller;
use crate::domain::engagement::AppType;
use crate::domain::engagement::Counted;
use crate::domain::engagement::Day;
use crate::domain::engagement::EngagementRow;
use crate::domain::engagement::day_of;
use crate::domain::engagement::day_start_millis;
use crate::domain::engagement::format_date;
use crate::domain::engagement::parse_date;
use crate::domain::ids::PinId;
use crate::domain::pins::{Pin, PinMedia, Pins};
use crate::error::{Error, ErrorKind, Result};

/// Pin and account analytics read from the engagement log, and the engagement testers add.
#[derive(Clone)]
pub struct Analytics {
    clock: Clock,
    log: EngagementLog,
    /// Whose Pins are whose, and who may see them.
    pins: Pins,
}

/// How far back `start_date` may go, and how long a range may be (the spec's parameters).
pub const MAX_DAYS_BACK: i64 = 90;
pub const MAX_RANGE_DAYS: i64 = 90;
/// Today and yesterday are still `PROCESSING`.
pub const PROCESSING_DAYS: i64 = 2;
/// `pin_metrics`' recent window.
pub const RECENT_DAYS: i64 = 90;
/// `GET /v5/user_account`'s `monthly_views`: impressions over the last 30 days.
pub const MONTHLY_VIEW_DAYS: i64 = 30;

/// Which analytics operation a request is for: each has its metric set and its 400 body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Pin,
    MultiPin,
    UserAccount,
    TopPins,
    TopVideoPins,
}

impl Report {
    /// The spec's 400 example for the operation, with pinbox's reason appended. The top Pins
    /// operations have no 400 in the spec; they answer as user account analytics does.
    pub fn invalid(self, reason: impl std::fmt::Display) -> Error {
        let (code, message) = match self {
            Report::Pin => (400, "Invalid pins analytics parameters."),
            Report::MultiPin => (1, "Invalid multi_pins analytics parameters."),
            Report::UserAccount | Report::TopPins | Report::TopVideoPins => {
                (400, "Invalid user accounts analytics parameters.")
            }
        };
        Error::new(ErrorKind::InvalidInput, code, format!("{message} {reason}"))
    }

    /// The metric types the operation accepts (the spec's enums).
    pub fn metrics(self) -> &'static [Metric] {
        match self {
            Report::Pin | Report::MultiPin => PIN_METRICS,
            Report::UserAccount | Report::TopPins => USER_METRICS,
            Report::TopVideoPins => VIDEO_METRICS,
        }
    }

    fn sort_metrics(self) -> &'static [Metric] {
        match self {
            Report::TopVideoPins => VIDEO_METRICS,
            _ => TOP_SORT,
        }
    }
}

/// A metric an analytics answer can show: a counted event, or one derived from counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    Counted(Counted),
    Engagement,
    EngagementRate,
    SaveRate,
    PinClickRate,
    OutboundClickRate,
    VideoAvgWatchTime,
}

use crate::domain::engagement::Counted as C;

const PIN_METRICS: &[Metric] = &[
    Metric::Counted(C::Impression),
    Metric::Counted(C::OutboundClick),
    Metric::Counted(C::PinClick),
    Metric::Counted(C::Save),
    Metric::SaveRate,
    Metric::Counted(C::TotalComments),
    Metric::Counted(C::TotalReactions),
    Metric::Counted(C::UserFollow),
    Metric::Counted(C::ProfileVisit),
    Metric::Counted(C::VideoMrcView),
    Metric::Counted(C::Video10sView),
    Metric::Counted(C::Quartile95PercentView),
    Metric::Counted(C::VideoV50WatchTime),
    Metric::Counted(C::VideoStart),
    Metric::VideoAvgWatchTime,
];

const USER_METRICS: &[Metric] = &[
    Metric::Engagement,
    Metric::EngagementRate,
    Metric::Counted(C::Impression),
    Metric::Counted(C::OutboundClick),
    Metric::OutboundClickRate,
    Metric::Counted(C::PinClick),
    Metric::PinClickRate,
    Metric::Counted(C::Save),
    Metric::SaveRate,
];

const TOP_SORT: &[Metric] = &[
    Metric::Engagement,
    Metric::Counted(C::Impression),
    Metric::Counted(C::OutboundClick),
    Metric::Counted(C::PinClick),
    Metric::Counted(C::Save),
];

const VIDEO_METRICS: &[Metric] = &[
    Metric::Counted(C::Impression),
    Metric::Counted(C::Save),
    Metric::Counted(C::VideoMrcView),
    Metric::VideoAvgWatchTime,
    Metric::Counted(C::VideoV50WatchTime),
    Metric::Counted(C::Quartile95PercentView),
    Metric::Counted(C::Video10sView),
    Metric::Counted(C::VideoStart),
    Metric::Counted(C::OutboundClick),
];

impl Metric {
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Counted(c) => c.as_str(),
            Metric::Engagement => "ENGAGEMENT",
            Metric::EngagementRate => "ENGAGEMENT_RATE",
            Metric::SaveRate => "SAVE_RATE",
            Metric::PinClickRate => "PIN_CLICK_RATE",
            Metric::OutboundClickRate => "OUTBOUND_CLICK_RATE",
            Metric::VideoAvgWatchTime => "VIDEO_AVG_WATCH_TIME",
        }
    }

    /// Pinterest reports comments and reactions as lifetime metrics only.
    pub fn lifetime_only(self) -> bool {
        matches!(
            self,
            Metric::Counted(C::TotalComments) | Metric::Counted(C::TotalReactions)
        )
    }

    /// The metric's value from a set of counts. ENGAGEMENT is every interaction with the Pin
    /// (clicks, outbound clicks, saves, reactions, comments); rates divide by impressions and
    /// are 0 without any; the average watch time is play time (ms) per video start.
    pub fn value(self, t: &Totals) -> Value {
        let ratio = |n: i64, d: i64| Value::Ratio(if d == 0 { 0.0 } else { n as f64 / d as f64 });
        let engagement = t.get(C::PinClick)
            + t.get(C::OutboundClick)
            + t.get(C::Save)
            + t.get(C::TotalReactions)
            + t.get(C::TotalComments);
        let imp = t.get(C::Impression);
        match self {
            Metric::Counted(c) => Value::Count(t.get(c)),
            Metric::Engagement => Value::Count(engagement),
            Metric::EngagementRate => ratio(engagement, imp),
            Metric::SaveRate => ratio(t.get(C::Save), imp),
            Metric::PinClickRate => ratio(t.get(C::PinClick), imp),
            Metric::OutboundClickRate => ratio(t.get(C::OutboundClick), imp),
            Metric::VideoAvgWatchTime => ratio(t.get(C::VideoV50WatchTime), t.get(C::VideoStart)),
        }
    }
}

/// A metric's value: a count, or a ratio of counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Count(i64),
    Ratio(f64),
}

impl Value {
    pub fn is_zero(self) -> bool {
        match self {
            Value::Count(n) => n == 0,
            Value::Ratio(r) => r == 0.0,
        }
    }

    fn sort_key(self) -> f64 {
        match self {
            Value::Count(n) => n as f64,
            Value::Ratio(r) => r,
        }
    }
}

/// Counts of every counted metric.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals([i64; Counted::ALL.len()]);

impl Totals {
    pub fn get(&self, c: Counted) -> i64 {
        self.0[c.index()]
    }

    fn add(&mut self, c: Counted, n: i64) {
        self.0[c.index()] = self.0[c.index()].saturating_add(n);
    }

    fn merge(&mut self, other: &Totals) {
        for c in Counted::ALL {
            self.add(c, other.get(c));
        }
    }
}

/// One requested metric and its value.
pub type Metrics = Vec<(Metric, Value)>;

/// The spec's `DataStatus` values pinbox uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataStatus {
    Ready,
    Processing,
    BeforePinCreated,
}

impl DataStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DataStatus::Ready => "READY",
            DataStatus::Processing => "PROCESSING",
            DataStatus::BeforePinCreated => "BEFORE_PIN_CREATED",
        }
    }

    /// A day's status for data that started on `created` (a Pin's creation day), seen `today`.
    pub fn of(day: Day, today: Day, created: Option<Day>) -> DataStatus {
        if day > today - PROCESSING_DAYS {
            DataStatus::Processing
        } else if created.is_some_and(|c| day < c) {
            DataStatus::BeforePinCreated
        } else {
            DataStatus::Ready
        }
    }
}

#[derive(Debug, Clone)]
pub struct DailyMetrics {
    pub date: String,
    pub status: DataStatus,
    pub metrics: Metrics,
}

/// One group of an answer (`all`, or one app type...): what the spec calls a metrics response.
#[derive(Debug, Clone)]
pub struct GroupMetrics {
    pub daily: Vec<DailyMetrics>,
    pub summary: Metrics,
    /// `None` when no lifetime metric was asked for.
    pub lifetime: Option<Metrics>,
}

/// Group name to its metrics, in the order the answer shows them.
pub type Groups = Vec<(String, GroupMetrics)>;

/// The spec's `app_types` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppFilter {
    All,
    Only(AppType),
}

impl AppFilter {
    fn admits(self, a: AppType) -> bool {
        match self {
            AppFilter::All => true,
            AppFilter::Only(x) => x == a,
        }
    }
}

/// How the answer is split into groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    None,
    AppType,
    OwnedContent,
    Source,
    PinFormat,
}

/// The parameters as sent, before the operation's rules are applied.
#[derive(Debug, Clone, Default)]
pub struct RawParams {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub app_types: Option<String>,
    /// `None` when absent; comma-separated or repeated values otherwise.
    pub metric_types: Option<Vec<String>>,
    pub split_field: Option<String>,
    pub sort_by: Option<String>,
    pub num_of_pins: Option<String>,
    pub created_in_last_n_days: Option<String>,
    pub from_claimed_content: Option<String>,
    pub pin_format: Option<String>,
    pub content_type: Option<String>,
    pub source: Option<String>,
    pub pin_ids: Option<Vec<String>>,
}

/// Validated parameters.
#[derive(Debug, Clone)]
pub struct Params {
    pub start: Day,
    pub end: Day,
    pub apps: AppFilter,
    pub metrics: Vec<Metric>,
    pub split: Split,
    pub sort_by: Option<Metric>,
    pub num_of_pins: usize,
    pub created_in_last_n_days: Option<i64>,
    /// False when a filter excludes everything pinbox holds (claimed content, paid content,
    /// other people's Pins, ads and product formats).
    pub any_content: bool,
    /// `Some(true)` only video Pins, `Some(false)` only image Pins.
    pub video: Option<bool>,
    pub pin_ids: Vec<PinId>,
}

fn one_of<'a>(
    report: Report,
    name: &str,
    value: Option<&'a str>,
    allowed: &[&'a str],
    default: &'a str,
) -> Result<&'a str> {
    match value {
        None => Ok(default),
        Some(v) => allowed.iter().copied().find(|a| *a == v).ok_or_else(|| {
            report.invalid(format_args!(
                "{name} '{}' is not one of: {}.",
                short(v),
                allowed.join(", ")
            ))
        }),
    }
}

fn parse_metric(report: Report, set: &[Metric], name: &str, v: &str) -> Result<Metric> {
    set.iter()
        .copied()
        .find(|m| m.as_str() == v)
        .ok_or_else(|| {
            report.invalid(format_args!(
                "{name} '{}' is not one of: {}.",
                short(v),
                set.iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

impl Params {
    /// Applies the operation's rules (the spec's parameter descriptions and enums) on `today`.
    pub fn parse(report: Report, raw: &RawParams, today: Day) -> Result<Params> {
        let date = |name: &str, v: &Option<String>| -> Result<Day> {
            let v = v
                .as_deref()
                .ok_or_else(|| report.invalid(format_args!("{name} is required.")))?;
            crate::domain::analytics::parse_date(v).ok_or_else(|| {
                report.invalid(format_args!(
                    "{name} '{}' is not a date as YYYY-MM-DD.",
                    short(v)
                ))
            })
        };
        let start = date("start_date", &raw.start_date)?;
        let end = date("end_date", &raw.end_date)?;
        if start < today - MAX_DAYS_BACK {
            return Err(report.invalid(format_args!(
                "start_date cannot be more than {MAX_DAYS_BACK} days back from today ({}).",
                format_date(today)
            )));
        }
        if end < start {
            return Err(report.invalid("end_date cannot be before start_date."));
        }
        if end > start + MAX_RANGE_DAYS {
            return Err(report.invalid(format_args!(
                "end_date cannot be more than {MAX_RANGE_DAYS} days past start_date."
            )));
        }
        let apps = match one_of(
            report,
            "app_types",
            raw.app_types.as_deref(),
            &["ALL", "MOBILE", "TABLET", "WEB"],
            "ALL",
        )? {
            "ALL" => AppFilter::All,
            a => AppFilter::Only(AppType::parse(a).unwrap_or(AppType::Web)),
        };
        let metrics = match &raw.metric_types {
            None if matches!(report, Report::Pin | Report::MultiPin) => {
                return Err(report.invalid("metric_types is required."));
            }
            None => report.metrics().to_vec(),
            Some(list) => {
                let mut out = Vec::new();
                for v in list {
                    let m = parse_metric(report, report.metrics(), "metric_types", v)?;
                    if !out.contains(&m) {
                        out.push(m);
                    }
                }
                if out.is_empty() {
                    return Err(report.invalid("metric_types needs at least one metric."));
                }
                out
            }
        };
        let splits: &[&str] = match report {
            Report::Pin => &["NO_SPLIT", "APP_TYPE"],
            Report::UserAccount => &[
                "NO_SPLIT",
                "APP_TYPE",
                "OWNED_CONTENT",
                "SOURCE",
                "PIN_FORMAT",
            ],
            _ => &["NO_SPLIT"],
        };
        let split = match one_of(
            report,
            "split_field",
            raw.split_field.as_deref(),
            splits,
            "NO_SPLIT",
        )? {
            "APP_TYPE" => Split::AppType,
            "OWNED_CONTENT" => Split::OwnedContent,
            "SOURCE" => Split::Source,
            "PIN_FORMAT" => Split::PinFormat,
            _ => Split::None,
        };
        let top = matches!(report, Report::TopPins | Report::TopVideoPins);
        let sort_by = match (&raw.sort_by, top) {
            (Some(v), true) => Some(parse_metric(report, report.sort_metrics(), "sort_by", v)?),
            (None, true) => return Err(report.invalid("sort_by is required.")),
            _ => None,
        };
        let num_of_pins = match raw.num_of_pins.as_deref() {
            None => 10,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=50).contains(&n) => n,
                _ => {
                    return Err(report.invalid(format_args!(
                        "num_of_pins '{}' must be a whole number from 1 to 50.",
                        short(v)
                    )));
                }
            },
        };
        let created_in_last_n_days = match raw.created_in_last_n_days.as_deref() {
            None => None,
            Some("30") => Some(30),
            Some(v) => {
                return Err(report.invalid(format_args!(
                    "created_in_last_n_days '{}' is not one of: 30.",
                    short(v)
                )));
            }
        };
        let claimed = one_of(
            report,
            "from_claimed_content",
            raw.from_claimed_content.as_deref(),
            &["OTHER", "CLAIMED", "BOTH"],
            "BOTH",
        )?;
        let format = one_of(
            report,
            "pin_format",
            raw.pin_format.as_deref(),
            &[
                "ALL",
                "ORGANIC_IMAGE",
                "ORGANIC_PRODUCT",
                "ORGANIC_VIDEO",
                "ADS_STANDARD",
                "ADS_PRODUCT",
                "ADS_VIDEO",
                "ADS_IDEA",
            ],
            "ALL",
        )?;
        let content = one_of(
            report,
            "content_type",
            raw.content_type.as_deref(),
            &["ALL", "PAID", "ORGANIC"],
            "ALL",
        )?;
        let source = one_of(
            report,
            "source",
            raw.source.as_deref(),
            &["ALL", "YOUR_PINS", "OTHER_PINS"],
            "ALL",
        )?;
        // pinbox has no claimed domains, paid content, products or ads: every Pin is the owner's
        // own organic image or video Pin.
        let any_content = claimed != "CLAIMED"
            && content != "PAID"
            && source != "OTHER_PINS"
            && matches!(format, "ALL" | "ORGANIC_IMAGE" | "ORGANIC_VIDEO");
        let video = match (report, format) {
            (Report::TopVideoPins, _) => Some(true),
            (_, "ORGANIC_IMAGE") => Some(false),
            (_, "ORGANIC_VIDEO") => Some(true),
            _ => None,
        };
        let pin_ids = match (&raw.pin_ids, report) {
            (None, Report::MultiPin) => return Err(report.invalid("pin_ids is required.")),
            (None, _) => Vec::new(),
            (Some(list), _) => {
                let mut ids = Vec::new();
                for v in list {
                    let id = (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| crate::domain::ids::parse_digits(v).unwrap_or(0))
                        .ok_or_else(|| {
                            report.invalid(format_args!(
                                "pin_ids '{}' is not a Pin id (digits).",
                                short(v)
                            ))
                        })?;
                    if !ids.contains(&PinId(id)) {
                        ids.push(PinId(id));
                    }
                }
                if ids.is_empty() || list.len() > 100 {
                    return Err(report.invalid("pin_ids takes 1 to 100 Pin ids."));
                }
                ids
            }
        };
        Ok(Params {
            start,
            end,
            apps,
            metrics,
            split,
            sort_by,
            num_of_pins,
            created_in_last_n_days,
            any_content,
            video,
            pin_ids,
        })
    }
}

/// Per day and app type, the counts of one entity (a Pin or a whole account).
#[derive(Debug, Default)]
struct Log {
    days: BTreeMap<(Day, AppType), Totals>,
}

impl Log {
    fn add(&mut self, r: &EngagementRow) {
        self.days
            .entry((r.day, r.app_type))
            .or_default()
            .add(r.metric, r.count);
    }

    fn merge(&mut self, other: &Log) {
        for (k, t) in &other.days {
            self.days.entry(*k).or_default().merge(t);
        }
    }

    /// Totals over days `from..=to` of the admitted app types.
    fn totals(&self, from: Day, to: Day, apps: impl Fn(AppType) -> bool) -> Totals {
        let mut t = Totals::default();
        // A range wholly after today is clamped to end before it starts: nothing to add (and a
        // BTreeMap range whose start is past its end panics).
        if from > to {
            return t;
        }
        for (_, v) in self
            .days
            .range((from, AppType::Mobile)..=(to, AppType::Web))
            .filter(|((_, a), _)| apps(*a))
        {
            t.merge(v);
        }
        t
    }
}

fn metrics_of(wanted: &[Metric], t: &Totals) -> Metrics {
    wanted.iter().map(|m| (*m, m.value(t))).collect()
}

/// One group's answer from its log: `None` when every requested value is zero (seed 002).
fn group_metrics(
    log: &Log,
    params: &Params,
    apps: impl Fn(AppType) -> bool + Copy,
    today: Day,
    created: Option<Day>,
) -> Option<GroupMetrics> {
    let (lifetime, periodic): (Vec<Metric>, Vec<Metric>) =
        params.metrics.iter().partition(|m| m.lifetime_only());
    let last = params.end.min(today);
    let mut daily = Vec::new();
    for day in params.start..=last {
        let status = DataStatus::of(day, today, created);
        let metrics = metrics_of(&periodic, &log.totals(day, day, apps));
        if status != DataStatus::Ready || metrics.iter().any(|(_, v)| !v.is_zero()) {
            daily.push(DailyMetrics {
                date: format_date(day),
                status,
                metrics,
            });
        }
    }
    let summary = metrics_of(&periodic, &log.totals(params.start, last, apps));
    let lifetime =
        (!lifetime.is_empty()).then(|| metrics_of(&lifetime, &log.totals(Day::MIN, today, apps)));
    let all_zero = summary.iter().all(|(_, v)| v.is_zero())
        && lifetime
            .as_ref()
            .is_none_or(|l| l.iter().all(|(_, v)| v.is_zero()));
    (!all_zero).then_some(GroupMetrics {
        daily,
        summary,
        lifetime,
    })
}

/// The groups of one entity's answer, as `split` divides it.
fn groups(
    log: &Log,
    params: &Params,
    today: Day,
    created: Option<Day>,
    format_of: &dyn Fn() -> &'static str,
) -> Groups {
    let apps = params.apps;
    let mut out = Vec::new();
    match params.split {
        Split::AppType => {
            for a in AppType::ALL.into_iter().filter(|a| apps.admits(*a)) {
                if let Some(g) = group_metrics(log, params, move |x| x == a, today, created) {
                    out.push((a.as_str().to_string(), g));
                }
            }
        }
        split => {
            let name = match split {
                Split::OwnedContent => "OTHER",
                Split::Source => "YOUR_PINS",
                Split::PinFormat => format_of(),
                _ => "all",
            };
            if let Some(g) = group_metrics(log, params, move |x| apps.admits(x), today, created) {
                out.push((name.to_string(), g));
            }
        }
    }
    out
}

fn is_video(pin: &Pin) -> bool {
    matches!(pin.media, PinMedia::Video { .. })
}

/// One Pin of a top Pins answer.
#[derive(Debug, Clone)]
pub struct TopPin {
    pub pin_id: PinId,
    pub metrics: Metrics,
    pub status: DataStatus,
}

#[derive(Debug, Clone)]
pub struct TopPins {
    pub pins: Vec<TopPin>,
    pub sort_by: Metric,
    /// The end (ms) of the latest day whose data is `READY`.
    pub latest_available: i64,
}

/// `pin_metrics=true`: a Pin's last 90 days and lifetime.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PinMetrics {
    pub recent: Totals,
    pub lifetime: Totals,
}

impl Analytics {
    pub fn new(clock: Clock, log: EngagementLog, pins: Pins) -> Analytics {
        Analytics { clock, log, pins }
    }

    fn today(&self) -> Day {
        day_of(self.clock.now().0)
    }

    /// A Pin the operation user account may read analytics for: its own.
    async fn analytics_pin(&self, caller: &Caller, id: PinId, report: Report) -> Result<Pin> {
        let pin = self.pins.readable(caller, id).await?;
        if caller.user_id != pin.owner_id {
            return Err(match report {
                Report::MultiPin => Error::new(
                    ErrorKind::Unauthenticated,
                    7,
                    "Not authorized to access board or Pin.",
                ),
                _ => Error::forbidden(403, "Not authorized to access board or Pin."),
            });
        }
        Ok(pin)
    }

    async fn pin_logs(&self, pins: &[&Pin], to: Day) -> Result<HashMap<PinId, Log>> {
        let rows = self
            .log
            .rows(pins.iter().map(|p| p.id).collect(), Day::MIN, to)
            .await?;
        let mut logs: HashMap<PinId, Log> = HashMap::new();
        for r in &rows {
            logs.entry(r.pin).or_default().add(r);
        }
        Ok(logs)
    }

    /// `GET /v5/pins/{pin_id}/analytics`.
    pub async fn pin(&self, caller: &Caller, id: PinId, raw: &RawParams) -> Result<Groups> {
        let today = self.today();
        let params = Params::parse(Report::Pin, raw, today)?;
        let pin = self.analytics_pin(caller, id, Report::Pin).await?;
        let logs = self.pin_logs(&[&pin], today).await?;
        let empty = Log::default();
        Ok(groups(
            logs.get(&pin.id).unwrap_or(&empty),
            &params,
            today,
            Some(day_of(pin.created_at.0)),
            &|| pin_format(&pin),
        ))
    }

    /// `GET /v5/pins/analytics`: each Pin's groups, Pins without data left out.
    pub async fn multi_pin(
        &self,
        caller: &Caller,
        raw: &RawParams,
    ) -> Result<Vec<(PinId, Groups)>> {
        let today = self.today();
        let params = Params::parse(Report::MultiPin, raw, today)?;
        let mut pins = Vec::new();
        for id in &params.pin_ids {
            pins.push(self.analytics_pin(caller, *id, Report::MultiPin).await?);
        }
        let logs = self
            .pin_logs(&pins.iter().collect::<Vec<_>>(), today)
            .await?;
        let empty = Log::default();
        Ok(pins
            .iter()
            .map(|p| {
                let g = groups(
                    logs.get(&p.id).unwrap_or(&empty),
                    &params,
                    today,
                    Some(day_of(p.created_at.0)),
                    &|| pin_format(p),
                );
                (p.id, g)
            })
            .filter(|(_, g)| !g.is_empty())
            .collect())
    }

    /// The operation user account's Pins with engagement on days `from..=to` that the caller may
    /// see (secret Pins only with `pins:read_secret`), each with its log.
    async fn owner_logs(&self, caller: &Caller, from: Day, to: Day) -> Result<Vec<(Pin, Log)>> {
        let user = caller.user_id;
        let rows = self
            .log
            .owner_rows(user, caller.env, from, to, caller.reads_secret_pins())
            .await?;
        let mut logs: BTreeMap<PinId, Log> = BTreeMap::new();
        for r in &rows {
            logs.entry(r.pin).or_default().add(r);
        }
        let mut out = Vec::new();
        for (id, log) in logs {
            // A Pin deleted since the rows were read has no analytics any more, and one moved to a
            // secret board meanwhile is as secret as the rows would have been.
            if let Some(pin) = self.pins.find(caller.env, id).await?
                && self.pins.can_read(caller, &pin)
            {
                out.push((pin, log));
            }
        }
        Ok(out)
    }

    /// `GET /v5/user_account/analytics`.
    pub async fn account(&self, caller: &Caller, raw: &RawParams) -> Result<Groups> {
        let today = self.today();
        let params = Params::parse(Report::UserAccount, raw, today)?;
        if !params.any_content {
            return Ok(Vec::new());
        }
        let pins = self
            .owner_logs(caller, params.start, params.end.min(today))
            .await?;
        let admitted = |p: &Pin| params.video.is_none_or(|v| v == is_video(p));
        if params.split == Split::PinFormat {
            let mut out = Vec::new();
            for video in [false, true] {
                let mut log = Log::default();
                for (_, l) in pins
                    .iter()
                    .filter(|(p, _)| admitted(p) && is_video(p) == video)
                {
                    log.merge(l);
                }
                let name = if video {
                    "ORGANIC_VIDEO"
                } else {
                    "ORGANIC_IMAGE"
                };
                out.extend(groups(&log, &params, today, None, &|| name));
            }
            return Ok(out);
        }
        let mut log = Log::default();
        for (_, l) in pins.iter().filter(|(p, _)| admitted(p)) {
            log.merge(l);
        }
        Ok(groups(&log, &params, today, None, &|| "ORGANIC_IMAGE"))
    }

    /// `GET /v5/user_account/analytics/top_pins` and `.../top_video_pins`.
    pub async fn top_pins(
        &self,
        caller: &Caller,
        report: Report,
        raw: &RawParams,
    ) -> Result<TopPins> {
        let today = self.today();
        let params = Params::parse(report, raw, today)?;
        let sort_by = params.sort_by.unwrap_or(Metric::Counted(C::Impression));
        let mut wanted = params.metrics.clone();
        if !wanted.contains(&sort_by) {
            wanted.push(sort_by);
        }
        let last = params.end.min(today);
        let status = DataStatus::of(last, today, None);
        let latest_available =
            crate::domain::analytics::day_start_millis(today - PROCESSING_DAYS + 1) - 1;
        let mut ranked = Vec::new();
        if params.any_content {
            let now = self.clock.now().0;
            for (pin, log) in self.owner_logs(caller, params.start, last).await? {
                if params.video.is_some_and(|v| v != is_video(&pin)) {
                    continue;
                }
                if let Some(n) = params.created_in_last_n_days
                    && pin.created_at.0 < now - n * 86_400_000
                {
                    continue;
                }
                let totals = log.totals(params.start, last, |a| params.apps.admits(a));
                let metrics = metrics_of(&wanted, &totals);
                if metrics.iter().all(|(_, v)| v.is_zero()) {
                    continue;
                }
                ranked.push(TopPin {
                    pin_id: pin.id,
                    metrics,
                    status,
                });
            }
        }
        let key = |p: &TopPin| {
            p.metrics
                .iter()
                .find(|(m, _)| *m == sort_by)
                .map(|(_, v)| v.sort_key())
                .unwrap_or(0.0)
        };
        ranked.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.pin_id.0.cmp(&b.pin_id.0)));
        ranked.truncate(params.num_of_pins);
        Ok(TopPins {
            pins: ranked,
            sort_by,
            latest_available,
        })
    }

    /// `pin_metrics=true` for Pins the caller has already been allowed to read.
    pub async fn pin_metrics(&self, pins: &[&Pin]) -> Result<HashMap<PinId, PinMetrics>> {
        let today = self.today();
        let logs = self.pin_logs(pins, today).await?;
        Ok(logs
            .into_iter()
            .map(|(id, log)| {
                let m = PinMetrics {
                    recent: log.totals(today - RECENT_DAYS + 1, today, |_| true),
                    lifetime: log.totals(Day::MIN, today, |_| true),
                };
                (id, m)
            })
            .collect())
    }

    /// `monthly_views`: impressions over the last 30 days of the user's Pins in `caller.env` that
    /// the caller may see (secret Pins only with `pins:read_secret`).
    pub async fn monthly_views(&self, caller: &Caller) -> Result<i64> {
        let user = caller.user_id;
        let today = self.today();
        let rows = self
            .log
            .owner_rows(
                user,
                caller.env,
                today - MONTHLY_VIEW_DAYS + 1,
                today,
                caller.reads_secret_pins(),
            )
            .await?;
        Ok(rows
            .iter()
            .filter(|r| r.metric == C::Impression)
            .map(|r| r.count)
            .sum())
    }
}

fn pin_format(pin: &Pin) -> &'static str {
    if is_video(pin) {
        "ORGANIC_VIDEO"
    } else {
        "ORGANIC_IMAGE"
    }
}

/// A value sent by a client, cut short for an error message.
fn short(v: &str) -> String {
    match v.char_indices().nth(64) {
        Some((i, _)) => format!("{}...", &v[..i]),
        None => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_that_ends_before_it_starts_adds_nothing() {
        // Clamped to today, a range wholly in the future ends before it starts.
        let mut log = Log::default();
        log.days.insert((5, AppType::Web), Totals::default());
        assert_eq!(log.totals(10, 9, |_| true), Totals::default());
    }

    #[test]
    fn a_days_status_follows_the_documented_rule() {
        let (today, created) = (100, Some(90));
        assert_eq!(DataStatus::of(100, today, created), DataStatus::Processing);
        assert_eq!(DataStatus::of(99, today, created), DataStatus::Processing);
        assert_eq!(DataStatus::of(98, today, created), DataStatus::Ready);
        assert_eq!(DataStatus::of(90, today, created), DataStatus::Ready);
        assert_eq!(
            DataStatus::of(89, today, created),
            DataStatus::BeforePinCreated
        );
        assert_eq!(DataStatus::of(89, today, None), DataStatus::Ready);
    }

    #[test]
    fn derived_metrics_come_from_the_counts() {
        let mut t = Totals::default();
        assert_eq!(Metric::SaveRate.value(&t), Value::Ratio(0.0));
        for (c, n) in [
            (C::Impression, 200),
            (C::Save, 10),
            (C::PinClick, 20),
            (C::OutboundClick, 4),
            (C::TotalReactions, 5),
            (C::TotalComments, 1),
            (C::VideoStart, 4),
            (C::VideoV50WatchTime, 10_000),
        ] {
            t.add(c, n);
        }
        assert_eq!(Metric::Engagement.value(&t), Value::Count(40));
        assert_eq!(Metric::EngagementRate.value(&t), Value::Ratio(0.2));
        assert_eq!(Metric::SaveRate.value(&t), Value::Ratio(0.05));
        assert_eq!(Metric::PinClickRate.value(&t), Value::Ratio(0.1));
        assert_eq!(Metric::OutboundClickRate.value(&t), Value::Ratio(0.02));
        assert_eq!(Metric::VideoAvgWatchTime.value(&t), Value::Ratio(2_500.0));
    }

    #[test]
    fn each_operation_takes_its_own_metric_enum() {
        let raw = |m: &str| RawParams {
            start_date: Some("1970-04-01".into()),
            end_date: Some("1970-04-01".into()),
            metric_types: Some(vec![m.to_string()]),
            sort_by: Some("IMPRESSION".into()),
            pin_ids: Some(vec!["1".into()]),
            ..RawParams::default()
        };
        let today = 100;
        let ok = |r, m| Params::parse(r, &raw(m), today).is_ok();
        assert!(ok(Report::Pin, "VIDEO_AVG_WATCH_TIME") && !ok(Report::Pin, "ENGAGEMENT"));
        assert!(ok(Report::MultiPin, "PROFILE_VISIT") && !ok(Report::MultiPin, "PIN_CLICK_RATE"));
        assert!(ok(Report::UserAccount, "ENGAGEMENT") && !ok(Report::UserAccount, "VIDEO_START"));
        assert!(ok(Report::TopPins, "OUTBOUND_CLICK_RATE") && !ok(Report::TopPins, "USER_FOLLOW"));
        assert!(
            ok(Report::TopVideoPins, "VIDEO_10S_VIEW") && !ok(Report::TopVideoPins, "PIN_CLICK")
        );
    }
}
