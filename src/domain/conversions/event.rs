//! Conversion events: what a client sends (`EventInput`, read from the spec's `ConversionEvents`
//! by HTTP), what pinbox keeps of one (`NewConversionEvent`: hashes, never raw identifiers) and
//! what each event's answer says.

use crate::clock::Timestamp;

/// One event as the client sent it, already of the spec's shape; its rules are checked by
/// [`super::rules::check`].
#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub event_name: String,
    pub action_source: String,
    /// Unix seconds.
    pub event_time: i64,
    pub event_id: String,
    pub user_data: UserDataInput,
    pub custom_data: Option<CustomDataInput>,
}

/// The spec's `ConversionEventsUserData`.
#[derive(Debug, Clone, Default)]
pub struct UserDataInput {
    /// The SHA-256 fields (`em`, `ph`, ...) that were sent, each with its values, in the order
    /// of [`HASHED_FIELDS`].
    pub hashed: Vec<(&'static str, Vec<String>)>,
    pub client_ip_address: Option<String>,
    pub client_user_agent: Option<String>,
    pub click_id: Option<String>,
}

/// The `user_data` fields Pinterest takes only as SHA-256 hashes.
pub const HASHED_FIELDS: [&str; 12] = [
    "em",
    "hashed_maids",
    "ph",
    "ge",
    "db",
    "ln",
    "fn",
    "ct",
    "st",
    "zp",
    "country",
    "external_id",
];

/// The spec's `custom_data`, the parts pinbox checks or keeps.
#[derive(Debug, Clone, Default)]
pub struct CustomDataInput {
    pub currency: Option<String>,
    pub value: Option<String>,
    pub predicted_ltv: Option<String>,
    pub num_items: Option<i64>,
    pub order_id: Option<String>,
    pub contents: Vec<ContentInput>,
}

/// One of `custom_data.contents`.
#[derive(Debug, Clone, Default)]
pub struct ContentInput {
    pub item_price: Option<String>,
    pub quantity: Option<i64>,
}

/// Where the conversion happened (the spec's `action_source` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionSource {
    AppAndroid,
    AppIos,
    Web,
    Offline,
}

impl ActionSource {
    pub const ALL: [ActionSource; 4] = [
        ActionSource::AppAndroid,
        ActionSource::AppIos,
        ActionSource::Web,
        ActionSource::Offline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionSource::AppAndroid => "app_android",
            ActionSource::AppIos => "app_ios",
            ActionSource::Web => "web",
            ActionSource::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<ActionSource> {
        ActionSource::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// A processed event as pinbox keeps it: what reporting and attribution read, with the user's
/// identifiers as SHA-256 hashes only.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConversionEvent {
    pub event_id: String,
    pub event_name: String,
    /// A name of the advertiser's own, not one of Pinterest's standard events.
    pub advertiser_defined: bool,
    pub action_source: ActionSource,
    pub event_time: Timestamp,
    pub received_at: Timestamp,
    /// `kind:hash` pairs, space-separated (`em:<sha256> ph:<sha256> ip_ua:<sha256>`): what a
    /// later match against clicks and views compares; the IP address and user agent are kept
    /// only as the hash of the pair.
    pub match_keys: String,
    /// The `_epik` click id, which names the click the conversion may be attributed to.
    pub click_id: Option<String>,
    pub currency: String,
    pub value: Option<f64>,
    pub num_items: Option<i64>,
    pub order_id: Option<String>,
}

/// One UTC day's events of one name in an ad account.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyConversions {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    pub event_name: String,
    pub count: i64,
    /// The sum of the events' `custom_data.value` (events without one add nothing).
    pub value: f64,
}

/// How one event of a request fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventOutcome {
    Processed { warning: Option<String> },
    Failed { error: String },
}

/// The answer to one request: an outcome per event, in the order received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub events: Vec<EventOutcome>,
}

impl Receipt {
    pub fn received(&self) -> usize {
        self.events.len()
    }

    pub fn processed(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, EventOutcome::Processed { .. }))
            .count()
    }

    pub fn all_processed(&self) -> bool {
        self.processed() == self.received()
    }
}

/// An advertiser-defined event the account has sent; pinbox maps none to a standard type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvertiserDefinedEvent {
    pub name: String,
}
