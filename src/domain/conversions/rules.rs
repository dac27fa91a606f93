//! The rules one conversion event must meet, as Pinterest applies them after the request has the
//! spec's shape: an event that breaks one fails alone, with a message saying what to change.

use std::net::IpAddr;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::clock::Timestamp;
use crate::domain::conversions::event::{
    ActionSource, CustomDataInput, EventInput, NewConversionEvent, UserDataInput,
};
use crate::domain::text::{TextKind, check_characters};

/// Pinterest refuses events that happened more than 7 days before they are sent.
pub const MAX_EVENT_AGE: Duration = Duration::from_secs(7 * 24 * 3600);

/// How far ahead of pinbox's clock an `event_time` may be: a sender's clock running a little
/// fast is not an error.
pub const FUTURE_SKEW: Duration = Duration::from_secs(5 * 60);

/// Longest `event_id` pinbox keeps (it is a unique key per ad account).
pub const MAX_EVENT_ID_CHARS: usize = 256;

/// Longest advertiser-defined event name (Pinterest's rule for those names).
pub const MAX_CUSTOM_NAME_CHARS: usize = 100;

/// The spec's `event_name` values, and the standard events Pinterest has documented since.
pub const STANDARD_EVENTS: [&str; 22] = [
    "add_payment_info",
    "add_to_cart",
    "add_to_wishlist",
    "app_install",
    "app_open",
    "checkout",
    "contact",
    "custom",
    "customize_product",
    "find_location",
    "initiate_checkout",
    "lead",
    "page_visit",
    "schedule",
    "search",
    "signup",
    "start_trial",
    "submit_application",
    "subscribe",
    "view_category",
    "view_content",
    "watch_video",
];

/// What a valid event becomes, and the warning its answer carries, if any.
pub struct Checked {
    pub event: NewConversionEvent,
    pub warning: Option<String>,
}

/// Checks one event received at `now` for an ad account whose currency is `account_currency`.
pub fn check(input: EventInput, now: Timestamp, account_currency: &str) -> Result<Checked, String> {
    let event_id = check_event_id(&input.event_id)?;
    let (event_name, advertiser_defined) = check_event_name(&input.event_name)?;
    let action_source = ActionSource::parse(&input.action_source).ok_or_else(|| {
        format!(
            "Invalid action_source '{}': use one of app_android, app_ios, web, offline.",
            shown(&input.action_source)
        )
    })?;
    let event_time = check_event_time(input.event_time, now)?;
    let (match_keys, click_id) = check_user_data(&input.user_data)?;
    let custom = check_custom_data(input.custom_data.unwrap_or_default(), account_currency)?;
    let warning = advertiser_defined.then(|| {
        format!(
            "event_name '{event_name}' is not one of Pinterest's standard events: it was \
             recorded as an advertiser-defined event (GET \
             /v5/ad_accounts/{{ad_account_id}}/advertiser_defined_events lists them), which \
             reporting and optimization use only once it is mapped to a standard event."
        )
    });
    Ok(Checked {
        event: NewConversionEvent {
            event_id,
            event_name,
            advertiser_defined,
            action_source,
            event_time,
            received_at: now,
            match_keys,
            click_id,
            currency: custom.currency,
            value: custom.value,
            num_items: custom.num_items,
            order_id: custom.order_id,
        },
        warning,
    })
}

/// A value for a message: at most 64 characters of it.
fn shown(s: &str) -> String {
    let mut t: String = s.chars().take(64).collect();
    if s.chars().count() > 64 {
        t.push('…');
    }
    t
}

fn characters(field: &str, value: &str) -> Result<(), String> {
    check_characters(field, value, TextKind::Name).map_err(|e| e.message.into_owned())
}

fn check_event_id(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err(
            "Invalid event_id: it is empty. Send a unique id per event (the same one the \
             Pinterest tag sends for it), so that the event is counted once."
                .into(),
        );
    }
    if raw.chars().count() > MAX_EVENT_ID_CHARS {
        return Err(format!(
            "Invalid event_id: it is longer than the {MAX_EVENT_ID_CHARS} characters pinbox \
             keeps."
        ));
    }
    characters("event_id", raw)?;
    Ok(raw.to_string())
}

/// A standard name, or an advertiser-defined one (`true`).
fn check_event_name(raw: &str) -> Result<(String, bool), String> {
    if STANDARD_EVENTS.contains(&raw) {
        return Ok((raw.to_string(), false));
    }
    let lower = raw.to_ascii_lowercase();
    if STANDARD_EVENTS.contains(&lower.as_str()) {
        return Err(format!(
            "Invalid event_name '{}': standard event names are lower case; send '{lower}'.",
            shown(raw)
        ));
    }
    let well_formed = !raw.is_empty()
        && raw.chars().count() <= MAX_CUSTOM_NAME_CHARS
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !well_formed {
        return Err(format!(
            "Invalid event_name '{}': use one of Pinterest's standard events (such as checkout, \
             add_to_cart, page_visit, lead, signup, custom), or an advertiser-defined name of 1 \
             to {MAX_CUSTOM_NAME_CHARS} letters, digits, underscores and hyphens.",
            shown(raw)
        ));
    }
    Ok((raw.to_string(), true))
}

fn check_event_time(seconds: i64, now: Timestamp) -> Result<Timestamp, String> {
    let now_s = now.seconds();
    let oldest = now_s - MAX_EVENT_AGE.as_secs() as i64;
    let newest = now_s + FUTURE_SKEW.as_secs() as i64;
    if seconds < oldest {
        return Err(format!(
            "Invalid event_time parameter. Given timestamp is in the past. Current timestamp: \
             {now_s}, Given event_time: {seconds}. Send events within 7 days of when they \
             happened, as Unix seconds."
        ));
    }
    if seconds > newest {
        return Err(format!(
            "Invalid event_time parameter. Given timestamp is in the future. Current timestamp: \
             {now_s}, Given event_time: {seconds}. event_time is Unix seconds, not milliseconds."
        ));
    }
    Ok(Timestamp(seconds * 1000))
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_hash(field: &str, index: usize, value: &str) -> Result<(), String> {
    if is_sha256_hex(value) {
        return Ok(());
    }
    let why = if field == "em" && value.contains('@') {
        "is a raw email address; Pinterest takes emails only hashed: send the SHA-256 of the \
         trimmed, lower-cased address"
    } else if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        "has upper-case hexadecimal digits; send the SHA-256 hash in lower case"
    } else {
        "is not a SHA-256 hash; hash the normalized value and send its 64 lower-case \
         hexadecimal digits"
    };
    Err(format!(
        "Invalid user_data.{field}[{index}]: the value {why}."
    ))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The match keys (hashes only) and the click id.
fn check_user_data(user: &UserDataInput) -> Result<(String, Option<String>), String> {
    let mut keys = Vec::new();
    for (field, values) in &user.hashed {
        for (i, v) in values.iter().enumerate() {
            check_hash(field, i, v)?;
            keys.push(format!("{field}:{v}"));
        }
    }
    let nonempty = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let ip = user.client_ip_address.as_deref().map(str::trim);
    if let Some(ip) = ip.filter(|s| !s.is_empty())
        && ip.parse::<IpAddr>().is_err()
    {
        return Err(format!(
            "Invalid user_data.client_ip_address '{}': send an IPv4 or IPv6 address.",
            shown(ip)
        ));
    }
    let ip_and_agent = nonempty(&user.client_ip_address) && nonempty(&user.client_user_agent);
    let named = |f: &str| {
        user.hashed
            .iter()
            .any(|(name, values)| *name == f && !values.is_empty())
    };
    if !(named("em") || named("hashed_maids") || ip_and_agent) {
        return Err(
            "Invalid user_data: it has nothing to match the user with. Send at least one of em \
             or hashed_maids (SHA-256 hashes), or both client_ip_address and client_user_agent."
                .into(),
        );
    }
    if ip_and_agent {
        let pair = format!(
            "{} {}",
            ip.unwrap_or_default(),
            user.client_user_agent.as_deref().unwrap_or_default()
        );
        keys.push(format!("ip_ua:{}", sha256_hex(pair.as_bytes())));
    }
    let click_id = match user.click_id.as_deref() {
        Some(c) if !c.is_empty() => {
            characters("user_data.click_id", c)?;
            Some(c.to_string())
        }
        _ => None,
    };
    Ok((keys.join(" "), click_id))
}

struct CustomData {
    currency: String,
    value: Option<f64>,
    num_items: Option<i64>,
    order_id: Option<String>,
}

/// A number sent as a string, as the spec has `value`, `predicted_ltv` and `item_price`.
fn number(field: &str, raw: &str) -> Result<f64, String> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            format!(
                "Invalid {field} '{}': send a number as a string, such as \"72.39\".",
                shown(raw)
            )
        })
}

fn count(field: &str, n: i64) -> Result<i64, String> {
    if n < 0 {
        return Err(format!("Invalid {field} {n}: it may not be negative."));
    }
    Ok(n)
}

fn check_custom_data(
    custom: CustomDataInput,
    account_currency: &str,
) -> Result<CustomData, String> {
    let currency = match custom.currency.as_deref().map(str::trim) {
        None | Some("") => account_currency.to_string(),
        Some(c) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
            c.to_ascii_uppercase()
        }
        Some(c) => {
            return Err(format!(
                "Invalid custom_data.currency '{}': send an ISO-4217 currency code (three \
                 letters, such as USD), or leave it out for the ad account's currency.",
                shown(c)
            ));
        }
    };
    let value = match custom.value.as_deref() {
        None | Some("") => None,
        Some(v) => Some(number("custom_data.value", v)?),
    };
    if let Some(ltv) = custom.predicted_ltv.as_deref().filter(|s| !s.is_empty()) {
        number("custom_data.predicted_ltv", ltv)?;
    }
    let num_items = custom
        .num_items
        .map(|n| count("custom_data.num_items", n))
        .transpose()?;
    for (i, item) in custom.contents.iter().enumerate() {
        if let Some(price) = item.item_price.as_deref() {
            number(&format!("custom_data.contents[{i}].item_price"), price)?;
        }
        if let Some(q) = item.quantity {
            count(&format!("custom_data.contents[{i}].quantity"), q)?;
        }
    }
    let order_id = match custom.order_id {
        Some(o) if !o.is_empty() => {
            characters("custom_data.order_id", &o)?;
            Some(o)
        }
        _ => None,
    };
    Ok(CustomData {
        currency,
        value,
        num_items,
        order_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_793_491_200_000);
    const EM: &str = "411e44ce1261728ffd2c0686e44e3fffe413c0e2c5adc498bc7da883d476b9c8";

    fn event() -> EventInput {
        EventInput {
            event_name: "checkout".into(),
            action_source: "web".into(),
            event_time: NOW.seconds() - 60,
            event_id: "e1".into(),
            user_data: UserDataInput {
                hashed: vec![("em", vec![EM.into()])],
                ..UserDataInput::default()
            },
            custom_data: None,
        }
    }

    fn error_of(e: EventInput) -> String {
        match check(e, NOW, "USD") {
            Ok(_) => panic!("accepted"),
            Err(m) => m,
        }
    }

    #[test]
    fn a_valid_event_keeps_hashes_only_and_the_accounts_currency() {
        let mut e = event();
        e.user_data.client_ip_address = Some("216.3.128.12".into());
        e.user_data.client_user_agent = Some("Mozilla/5.0".into());
        let c = check(e, NOW, "EUR").unwrap();
        assert_eq!(c.event.currency, "EUR");
        assert!(c.warning.is_none());
        assert!(c.event.match_keys.starts_with(&format!("em:{EM} ip_ua:")));
        assert!(!c.event.match_keys.contains("216.3"));
    }

    #[test]
    fn the_time_window_is_seven_days_back_and_a_small_skew_ahead() {
        let week = MAX_EVENT_AGE.as_secs() as i64;
        for (t, ok) in [
            (NOW.seconds() - week, true),
            (NOW.seconds() - week - 1, false),
            (NOW.seconds() + 300, true),
            (NOW.seconds() + 301, false),
            (NOW.millis(), false),
        ] {
            let mut e = event();
            e.event_time = t;
            assert_eq!(check(e, NOW, "USD").is_ok(), ok, "{t}");
        }
    }

    #[test]
    fn identifiers_must_be_lower_case_sha256() {
        for (value, part) in [
            ("someone@example.com", "raw email"),
            (&EM.to_uppercase() as &str, "upper-case"),
            ("abc", "not a SHA-256"),
        ] {
            let mut e = event();
            e.user_data.hashed = vec![("em", vec![value.to_string()])];
            assert!(error_of(e).contains(part), "{value}");
        }
    }

    #[test]
    fn event_names_are_standard_or_advertiser_defined() {
        let mut e = event();
        e.event_name = "add_shipping-info2".into();
        assert!(check(e, NOW, "USD").unwrap().warning.is_some());
        for bad in ["Checkout", "two words", "", &"x".repeat(101)] {
            let mut e = event();
            e.event_name = bad.to_string();
            assert!(error_of(e).contains("event_name"), "{bad}");
        }
    }
}
