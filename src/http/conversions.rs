//! The Conversions API: `POST /v5/ad_accounts/{ad_account_id}/events` (`events/create`) and
//! `GET /v5/ad_accounts/{ad_account_id}/advertiser_defined_events`.
//!
//! A body that is not the spec's `ConversionEvents` (a wrong type, a missing required field, a
//! property the schema does not allow, a constraint of `app_info` or `device_info`) is refused
//! whole with 400 naming the field, as Pinterest refuses a request its schema rejects; the
//! events of a well-formed body are then checked one by one (docs/compatibility.md).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::domain::caller::Caller;
use crate::domain::conversions::{
    ContentInput, CustomDataInput, EventInput, EventOutcome, MAX_EVENTS_PER_REQUEST, Receipt,
    UserDataInput,
};
use crate::domain::ids::AdAccountId;
use crate::error::{Error, ErrorKind, Result};
use crate::http::extract::{
    PathParams, QueryParams, check_json_content_type, parse_json, present, read_body,
};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("events/create", events_create),
        endpoint(
            "advertiser_defined_events/get",
            advertiser_defined_events_get,
        ),
    ]
}

/// Largest `events/create` body: 1,000 events with every identifier filled in come to well
/// under this; a larger body is refused (413) before it is held.
pub const EVENTS_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Pinterest's code and message when some events of a request failed (HTTP 422).
const SOME_EVENTS_FAILED: (u32, &str) = (
    953,
    "The action could not be processed properly due to some or all data provided being invalid.",
);

/// The spec's `ConversionEvents`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsJson {
    data: Vec<EventJson>,
}

/// One item of `ConversionEvents.data`. Fields pinbox only checks the shape of are read and
/// dropped.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct EventJson {
    event_name: String,
    action_source: String,
    event_time: i64,
    event_id: String,
    user_data: UserDataJson,
    #[serde(default, deserialize_with = "present")]
    custom_data: Option<CustomDataJson>,
    #[serde(default, deserialize_with = "present")]
    app_info: Option<AppInfoJson>,
    #[serde(default, deserialize_with = "present")]
    device_info: Option<DeviceInfoJson>,
    #[serde(default, deserialize_with = "present")]
    opt_out: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    wifi: Option<bool>,
    // Nullable in the spec.
    #[serde(default)]
    app_id: Option<String>,
    #[serde(default)]
    app_name: Option<String>,
    #[serde(default)]
    app_version: Option<String>,
    #[serde(default)]
    device_brand: Option<String>,
    #[serde(default)]
    device_carrier: Option<String>,
    #[serde(default)]
    device_model: Option<String>,
    #[serde(default)]
    device_type: Option<String>,
    #[serde(default)]
    event_source_url: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    os_version: Option<String>,
    #[serde(default)]
    partner_name: Option<String>,
}

/// The spec's `ConversionEventsUserData`. Its `anyOf` (`em`, `hashed_maids`, or both
/// `client_ip_address` and `client_user_agent`) puts `required` beside a `$ref`, which OpenAPI
/// 3.0 ignores, so schema tools take `{}` as valid: the rule is the event's own, checked by the
/// domain with the event's other rules. Properties the spec does not list are allowed.
#[derive(Deserialize)]
struct UserDataJson {
    #[serde(default, deserialize_with = "present")]
    em: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    hashed_maids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    ph: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    ge: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    db: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    ln: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present", rename = "fn")]
    first_name: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    ct: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    st: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    zp: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    country: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    external_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    client_ip_address: Option<String>,
    #[serde(default, deserialize_with = "present")]
    client_user_agent: Option<String>,
    #[serde(default)]
    click_id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    partner_id: Option<String>,
}

/// The spec's `custom_data`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CustomDataJson {
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default, deserialize_with = "present")]
    content_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    contents: Option<Vec<ContentJson>>,
    #[serde(default, deserialize_with = "present")]
    num_items: Option<i64>,
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    predicted_ltv: Option<String>,
    #[serde(default)]
    content_brand: Option<String>,
    #[serde(default)]
    content_category: Option<String>,
    #[serde(default)]
    content_name: Option<String>,
    #[serde(default)]
    external_measurement_id: Option<String>,
    #[serde(default)]
    external_measurement_vendor_id: Option<i64>,
    #[serde(default)]
    np: Option<String>,
    #[serde(default)]
    opt_out_type: Option<String>,
    #[serde(default)]
    search_string: Option<String>,
}

/// One of `custom_data.contents`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ContentJson {
    #[serde(default, deserialize_with = "present")]
    id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    item_brand: Option<String>,
    #[serde(default, deserialize_with = "present")]
    item_category: Option<String>,
    #[serde(default, deserialize_with = "present")]
    item_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    item_price: Option<String>,
    #[serde(default, deserialize_with = "present")]
    quantity: Option<i64>,
}

/// The spec's `ConversionEventAppInfo`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppInfoJson {
    #[serde(default, deserialize_with = "present")]
    app_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    app_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    app_package_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    app_store: Option<String>,
    #[serde(default, deserialize_with = "present")]
    app_version: Option<String>,
    #[serde(default, deserialize_with = "present")]
    install_time: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    user_agent: Option<String>,
    #[serde(default, deserialize_with = "present")]
    window_height: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    window_width: Option<i64>,
}

/// The spec's `ConversionEventDeviceInfo`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct DeviceInfoJson {
    #[serde(default, deserialize_with = "present")]
    battery_level: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    brand: Option<String>,
    #[serde(default, deserialize_with = "present")]
    carrier: Option<String>,
    #[serde(default, deserialize_with = "present")]
    cpu_cores: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    external_storage_free_space: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    external_storage_size: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    form_factor: Option<FormFactor>,
    #[serde(default, deserialize_with = "present")]
    kernel_version: Option<String>,
    #[serde(default, deserialize_with = "present")]
    languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    locale: Option<String>,
    #[serde(default, deserialize_with = "present")]
    model: Option<String>,
    #[serde(default, deserialize_with = "present")]
    network_type: Option<NetworkType>,
    #[serde(default, deserialize_with = "present")]
    os_family: Option<OsFamily>,
    #[serde(default, deserialize_with = "present")]
    os_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    os_release_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    os_version: Option<String>,
    #[serde(default, deserialize_with = "present")]
    screen_density: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    screen_height: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    screen_width: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    storage_free_space: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    storage_size: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    timezone: Option<String>,
    #[serde(default, deserialize_with = "present")]
    timezone_abbr: Option<String>,
    #[serde(default, deserialize_with = "present", rename = "type")]
    device_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum FormFactor {
    Desktop,
    Laptop,
    Cellphone,
    Tablet,
    Smartwatch,
    Tv,
    Vr,
    Console,
    Other,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum NetworkType {
    Wifi,
    #[serde(rename = "cellular_2g")]
    Cellular2g,
    #[serde(rename = "cellular_3g")]
    Cellular3g,
    #[serde(rename = "cellular_4g")]
    Cellular4g,
    #[serde(rename = "cellular_5g")]
    Cellular5g,
    #[serde(rename = "cellular_6g")]
    Cellular6g,
    Ethernet,
    Unknown,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum OsFamily {
    Ios,
    Android,
    Macos,
    Windows,
    Linux,
    Bsd,
    Other,
}

/// The `maxLength` and `minimum`/`maximum` checks of the spec's schema that serde cannot make.
struct Shape<'a> {
    at: &'a str,
}

impl Shape<'_> {
    fn length(&self, field: &str, value: &Option<String>, max: usize) -> Result<()> {
        match value {
            Some(v) if v.chars().count() > max => Err(Error::invalid(format!(
                "Invalid request: '{}.{field}' is longer than {max} characters.",
                self.at
            ))),
            _ => Ok(()),
        }
    }

    fn range(&self, field: &str, value: Option<i64>, min: i64, max: i64) -> Result<()> {
        match value {
            Some(v) if v < min || v > max => Err(Error::invalid(format!(
                "Invalid request: '{}.{field}' must be from {min} to {max} (was {v}).",
                self.at
            ))),
            _ => Ok(()),
        }
    }
}

impl AppInfoJson {
    fn check(&self, at: &str) -> Result<()> {
        let s = Shape { at };
        s.length("app_id", &self.app_id, 200)?;
        s.length("app_name", &self.app_name, 200)?;
        s.length("app_package_name", &self.app_package_name, 200)?;
        s.length("app_store", &self.app_store, 100)?;
        s.length("app_version", &self.app_version, 100)?;
        s.length("user_agent", &self.user_agent, 16_384)?;
        s.range("install_time", self.install_time, 0, i64::MAX)?;
        s.range("window_height", self.window_height, 0, 30_720)?;
        s.range("window_width", self.window_width, 0, 30_720)
    }
}

impl DeviceInfoJson {
    fn check(&self, at: &str) -> Result<()> {
        let s = Shape { at };
        const STORAGE: i64 = 1_048_576;
        s.range("battery_level", self.battery_level, 0, 100)?;
        s.range("cpu_cores", self.cpu_cores, 0, 1152)?;
        s.range(
            "external_storage_free_space",
            self.external_storage_free_space,
            0,
            STORAGE,
        )?;
        s.range(
            "external_storage_size",
            self.external_storage_size,
            0,
            STORAGE,
        )?;
        s.range("screen_density", self.screen_density, 0, 100_000)?;
        s.range("screen_height", self.screen_height, 0, 30_720)?;
        s.range("screen_width", self.screen_width, 0, 30_720)?;
        s.range("storage_free_space", self.storage_free_space, 0, STORAGE)?;
        s.range("storage_size", self.storage_size, 0, STORAGE)?;
        for (field, value, max) in [
            ("brand", &self.brand, 100),
            ("carrier", &self.carrier, 100),
            ("kernel_version", &self.kernel_version, 100),
            ("locale", &self.locale, 35),
            ("model", &self.model, 100),
            ("os_name", &self.os_name, 100),
            ("os_release_name", &self.os_release_name, 100),
            ("os_version", &self.os_version, 100),
            ("timezone", &self.timezone, 40),
            ("timezone_abbr", &self.timezone_abbr, 5),
            ("type", &self.device_type, 100),
        ] {
            s.length(field, value, max)?;
        }
        if self.languages.as_ref().is_some_and(|l| l.len() > 100) {
            return Err(Error::invalid(format!(
                "Invalid request: '{at}.languages' holds more than 100 languages."
            )));
        }
        Ok(())
    }
}

impl EventJson {
    /// The event for the domain, once the parts of its shape serde cannot check hold.
    fn into_input(self, index: usize) -> Result<EventInput> {
        let at = format!("data[{index}]");
        if let Some(app) = &self.app_info {
            app.check(&format!("{at}.app_info"))?;
        }
        if let Some(device) = &self.device_info {
            device.check(&format!("{at}.device_info"))?;
        }
        let u = self.user_data;
        let hashed = [
            ("em", u.em),
            ("hashed_maids", u.hashed_maids),
            ("ph", u.ph),
            ("ge", u.ge),
            ("db", u.db),
            ("ln", u.ln),
            ("fn", u.first_name),
            ("ct", u.ct),
            ("st", u.st),
            ("zp", u.zp),
            ("country", u.country),
            ("external_id", u.external_id),
        ]
        .into_iter()
        .filter_map(|(name, values)| values.map(|v| (name, v)))
        .collect();
        Ok(EventInput {
            event_name: self.event_name,
            action_source: self.action_source,
            event_time: self.event_time,
            event_id: self.event_id,
            user_data: UserDataInput {
                hashed,
                client_ip_address: u.client_ip_address,
                client_user_agent: u.client_user_agent,
                click_id: u.click_id,
            },
            custom_data: self.custom_data.map(|c| CustomDataInput {
                currency: c.currency,
                value: c.value,
                predicted_ltv: c.predicted_ltv,
                num_items: c.num_items,
                order_id: c.order_id,
                contents: c
                    .contents
                    .unwrap_or_default()
                    .into_iter()
                    .map(|item| ContentInput {
                        item_price: item.item_price,
                        quantity: item.quantity,
                    })
                    .collect(),
            }),
        })
    }
}

/// The spec's `ConversionApiResponse`.
#[derive(Serialize)]
struct ConversionApiResponseJson {
    num_events_received: usize,
    num_events_processed: usize,
    events: Vec<EventResultJson>,
}

/// One of `ConversionApiResponse.events`; Pinterest sends empty strings, not nulls, for the
/// messages an event does not have.
#[derive(Serialize)]
struct EventResultJson {
    status: &'static str,
    error_message: String,
    warning_message: String,
}

impl From<Receipt> for ConversionApiResponseJson {
    fn from(r: Receipt) -> ConversionApiResponseJson {
        ConversionApiResponseJson {
            num_events_received: r.received(),
            num_events_processed: r.processed(),
            events: r
                .events
                .into_iter()
                .map(|e| match e {
                    EventOutcome::Processed { warning } => EventResultJson {
                        status: "processed",
                        error_message: String::new(),
                        warning_message: warning.unwrap_or_default(),
                    },
                    EventOutcome::Failed { error } => EventResultJson {
                        status: "failed",
                        error_message: error,
                        warning_message: String::new(),
                    },
                })
                .collect(),
        }
    }
}

/// The spec's `DetailedError`, as Pinterest answers a request some of whose events failed.
#[derive(Serialize)]
struct DetailedErrorJson {
    code: u32,
    message: &'static str,
    details: ConversionApiResponseJson,
}

/// The spec's `AdvertiserDefinedEventsResponse`.
#[derive(Serialize)]
struct AdvertiserDefinedEventsJson {
    items: Vec<AdvertiserDefinedEventJson>,
}

#[derive(Serialize)]
struct AdvertiserDefinedEventJson {
    name: String,
    /// pinbox maps no event to a standard type.
    mapped_conversion_type: Option<&'static str>,
}

/// <https://developers.pinterest.com/docs/api/v5/events-create>
async fn events_create(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
    req: Request,
) -> Result<Response> {
    let id = AdAccountId(path.id("ad_account_id")?);
    let test = query.boolean("test")?.unwrap_or(false);
    check_json_content_type(&req)?;
    let body: EventsJson = {
        let bytes = read_body(req, &(), EVENTS_BODY_LIMIT).await.map_err(|e| {
            if e.kind != ErrorKind::PayloadTooLarge {
                return e;
            }
            Error::new(
                ErrorKind::PayloadTooLarge,
                1,
                format!(
                    "The request body is larger than the {EVENTS_BODY_LIMIT} bytes \
                         events/create accepts. Send at most {MAX_EVENTS_PER_REQUEST} events per \
                         request, and larger batches in several requests."
                ),
            )
        })?;
        parse_json(&bytes)?
    };
    let events = body
        .data
        .into_iter()
        .enumerate()
        .map(|(i, e)| e.into_input(i))
        .collect::<Result<Vec<_>>>()?;
    let receipt = app
        .pinbox
        .conversions
        .send(&caller, id, events, test)
        .await?;
    if receipt.all_processed() {
        return Ok(Json(ConversionApiResponseJson::from(receipt)).into_response());
    }
    let (code, message) = SOME_EVENTS_FAILED;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(DetailedErrorJson {
            code,
            message,
            details: receipt.into(),
        }),
    )
        .into_response())
}

/// <https://developers.pinterest.com/docs/api/v5/advertiser_defined_events-get>
async fn advertiser_defined_events_get(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
) -> Result<Json<AdvertiserDefinedEventsJson>> {
    let id = AdAccountId(path.id("ad_account_id")?);
    let events = app
        .pinbox
        .conversions
        .advertiser_defined_events(&caller, id)
        .await?;
    Ok(Json(AdvertiserDefinedEventsJson {
        items: events
            .into_iter()
            .map(|e| AdvertiserDefinedEventJson {
                name: e.name,
                mapped_conversion_type: None,
            })
            .collect(),
    }))
}
