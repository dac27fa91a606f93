//! Keyword search volumes, audience sizes and bid floors: estimates Pinterest computes from its
//! own data, which pinbox makes up deterministically (see `hash.rs`) from what was asked, with
//! the shape Pinterest's have: broader targeting reaches more people, an impression costs more
//! than a click, floors follow the currency.

use serde_json::{Map, Value};

use crate::domain::ads::{OBJECTIVE_TYPES, check_targeting_spec};
use crate::domain::ads_planning::hash;
use crate::domain::pins::ALL_CREATIVE_TYPES;
use crate::error::{Error, Result};

/// Monthly searches of a keyword in a country, as the bucket Pinterest shows.
pub fn query_volume(country: &str, keyword: &str) -> &'static str {
    const BUCKETS: &[&str] = &["0-1K", "1K-10K", "10K-100K", "100K-1M", "1M+"];
    let normal = keyword
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    // Short keywords are searched more, as broad terms are.
    let words = normal.split(' ').count().clamp(1, 5);
    let h = hash::unit(hash::of(&["volume", country, &normal]));
    let score = h * 3.0 + (5 - words) as f64 * 0.5;
    BUCKETS[(score as usize).min(BUCKETS.len() - 1)]
}

const ALL_PEOPLE: f64 = 450_000_000.0;

fn bad(field: &str, what: &str) -> Error {
    Error::invalid(format!(
        "Invalid ad group audience sizing parameters: '{field}' must be {what}."
    ))
}

fn strings<'a>(v: &'a Value, field: &str, allowed: Option<&[&str]>) -> Result<Vec<&'a str>> {
    let what = match allowed {
        Some(a) => format!("an array of: {}", a.join(", ")),
        None => "an array of strings".into(),
    };
    let items = v.as_array().ok_or_else(|| bad(field, &what))?;
    items
        .iter()
        .map(|i| match i.as_str() {
            Some(s) if allowed.is_none_or(|a| a.contains(&s)) => Ok(s),
            _ => Err(bad(field, &what)),
        })
        .collect()
}

const SIZING_ALL_CREATIVE_TYPES: &[&str] = &[
    "REGULAR",
    "VIDEO",
    "SHOPPING",
    "CAROUSEL",
    "MAX_VIDEO",
    "SHOP_THE_PIN",
    "COLLECTION",
    "IDEA",
];
const PLACEMENT_GROUPS: &[&str] = &["ALL", "SEARCH", "BROWSE", "OTHER"];

/// The share of people one value of a targeting type reaches.
fn share(key: &str, value: &str) -> f64 {
    match (key, value) {
        ("GENDER", "female") => 0.6,
        ("GENDER", "male") => 0.3,
        ("GENDER", _) => 0.1,
        ("APPTYPE", "iphone" | "android_mobile") => 0.3,
        ("APPTYPE", "web") => 0.2,
        ("APPTYPE", _) => 0.1,
        ("AGE_BUCKET", "18-24" | "25-34") => 0.22,
        ("AGE_BUCKET", "35-44") => 0.18,
        ("AGE_BUCKET", _) => 0.09,
        // A country or region: a slice of everyone between 0.2% and 20%, by its code.
        ("GEO" | "LOCATION", v) => 0.002 + 0.198 * hash::unit(hash::of(&["people", v])),
        ("INTEREST", v) => 0.05 + 0.1 * hash::unit(hash::of(&["interest", v])),
        ("LOCALE", _) => 0.15,
        _ => 1.0,
    }
}

/// `[lower, upper]` monthly reach of an ad group's targeting. The model: everyone (450M), times,
/// for each targeting type given, the sum of its values' shares (capped at 1): so each value
/// added widens and each type added narrows; keywords reach 2% of people each (BROAD 4%,
/// negatives remove 1% each), placements SEARCH 40%, BROWSE 70%, OTHER 20%; creative types 30%
/// each; automatic targeting widens by a fifth. The bounds are the estimate -15% and +15%.
pub fn audience_size(body: &Map<String, Value>) -> Result<(f64, f64)> {
    let mut reach = ALL_PEOPLE;
    // The spec's AdGroupAudienceSizingRequest does not make these nullable.
    for name in [
        "targeting_spec",
        "placement_group",
        "auto_targeting_enabled",
    ] {
        if body.get(name).is_some_and(Value::is_null) {
            return Err(Error::invalid(format!(
                "Invalid ad group audience sizing parameters: '{name}' must be given a value, \
                 not null."
            )));
        }
    }
    if let Some(v) = body.get("targeting_spec") {
        check_targeting_spec(v).map_err(|r| {
            Error::invalid(r.message.replace(
                "Invalid ad group parameters",
                "Invalid ad group audience sizing parameters",
            ))
        })?;
        for (key, values) in v.as_object().into_iter().flatten() {
            let values: Vec<&str> = match values {
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => continue,
            };
            if values.is_empty() || key == "AUDIENCE_EXCLUDE" || key == "TARGETING_STRATEGY" {
                continue;
            }
            let sum: f64 = values.iter().map(|s| share(key, s)).sum();
            reach *= sum.min(1.0);
        }
    }
    if let Some(v) = body.get("auto_targeting_enabled").filter(|v| !v.is_null()) {
        if v.as_bool()
            .ok_or_else(|| bad("auto_targeting_enabled", "true or false"))?
        {
            reach *= 1.2;
        }
    } else {
        reach *= 1.2;
    }
    if let Some(v) = body.get("creative_types").filter(|v| !v.is_null()) {
        let types = strings(v, "creative_types", Some(SIZING_ALL_CREATIVE_TYPES))?;
        if !types.is_empty() {
            reach *= (types.len() as f64 * 0.3).min(1.0);
        }
    }
    if let Some(v) = body.get("placement_group").filter(|v| !v.is_null()) {
        let p = v
            .as_str()
            .filter(|s| PLACEMENT_GROUPS.contains(s))
            .ok_or_else(|| {
                bad(
                    "placement_group",
                    &format!("one of {}", PLACEMENT_GROUPS.join(", ")),
                )
            })?;
        reach *= match p {
            "SEARCH" => 0.4,
            "BROWSE" => 0.7,
            "OTHER" => 0.2,
            _ => 1.0,
        };
    }
    if let Some(v) = body.get("product_group_ids").filter(|v| !v.is_null()) {
        let ids = strings(v, "product_group_ids", None)?;
        if ids
            .iter()
            .any(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad("product_group_ids", "an array of ids (digits)"));
        }
        if !ids.is_empty() {
            return Err(Error::forbidden(
                403,
                "You don't have access to the requested audience list or product group: \
                 'product_group_ids' names product groups this ad account does not have.",
            ));
        }
    }
    if let Some(v) = body.get("keywords").filter(|v| !v.is_null()) {
        let items = v
            .as_array()
            .ok_or_else(|| bad("keywords", "an array of {match_type, value}"))?;
        let mut share: f64 = 0.0;
        for k in items {
            let match_type = k.get("match_type").and_then(Value::as_str);
            let value = k.get("value").and_then(Value::as_str);
            let (Some(m), Some(value)) = (match_type, value) else {
                return Err(bad(
                    "keywords",
                    "an array of objects with 'match_type' and 'value'",
                ));
            };
            if !crate::domain::ads::MATCH_TYPES.contains(&m) {
                return Err(bad(
                    "keywords[].match_type",
                    &format!("one of {}", crate::domain::ads::MATCH_TYPES.join(", ")),
                ));
            }
            if value.trim().is_empty() || value.chars().count() > 120 {
                return Err(bad("keywords[].value", "from 1 to 120 characters"));
            }
            share += match m {
                "BROAD" => 0.04,
                "PHRASE" | "EXACT" => 0.02,
                _ => -0.01,
            };
        }
        if !items.is_empty() {
            reach *= share.clamp(0.001, 1.0);
        }
    }
    let reach = reach.min(ALL_PEOPLE).round();
    Ok(((reach * 0.85).round(), (reach * 1.15).round()))
}

const BILLABLE_EVENTS: &[&str] = &["CLICKTHROUGH", "IMPRESSION", "VIDEO_V_50_MRC"];

/// Units of a currency per US dollar, roughly: floors are set in dollars and shown in the
/// ad account's currency.
fn per_dollar(currency: &str) -> f64 {
    match currency {
        "GBP" => 0.8,
        "EUR" | "CHF" => 0.9,
        "CAD" => 1.35,
        "AUD" => 1.5,
        "NZD" => 1.65,
        "SEK" | "NOK" | "DKK" => 10.0,
        "ILS" | "PLN" | "RON" => 4.0,
        "HKD" => 7.8,
        "JPY" => 150.0,
        "SGD" => 1.35,
        "KRW" => 1300.0,
        "HUF" => 360.0,
        "CZK" => 23.0,
        "BRL" => 5.0,
        "MXN" => 17.0,
        "ARS" => 900.0,
        "CLP" => 900.0,
        "COP" => 4000.0,
        "INR" => 83.0,
        "TRY" => 32.0,
        _ => 1.0,
    }
}

/// Where ads cost the most: the largest markets' floor is the base, elsewhere half.
fn country_factor(countries: &[&str]) -> f64 {
    const FULL: &[&str] = &["US", "CA", "GB", "AU", "DE", "FR", "NZ", "IE", "CH", "AT"];
    if countries.is_empty() || countries.iter().any(|c| FULL.contains(c)) {
        1.0
    } else {
        0.5
    }
}

fn one_of<'a>(
    spec: &'a Map<String, Value>,
    field: &str,
    allowed: &[&str],
    i: usize,
) -> Result<Option<&'a str>> {
    match spec.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_str()
            .filter(|s| allowed.contains(s))
            .map(Some)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "Invalid bid floor parameters: 'bid_floor_specs[{i}].{field}' must be one of {}.",
                    allowed.join(", ")
                ))
            }),
    }
}

/// One floor per spec, in micro-currency: a dollar base by billable event (a click 0.10, a
/// thousand impressions 2.00, a 50% video view 0.03), video and shopping formats a fifth more,
/// times the countries' factor, in the spec's currency, rounded up to a hundredth of a unit.
pub fn bid_floors(body: &Map<String, Value>) -> Result<Vec<i64>> {
    let specs = match body.get("bid_floor_specs") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(Value::Array(_)) => {
            return Err(Error::invalid(
                "Invalid bid floor parameters: 'bid_floor_specs' must hold at least one spec.",
            ));
        }
        Some(_) => {
            return Err(Error::invalid(
                "Invalid bid floor parameters: 'bid_floor_specs' must be an array of objects.",
            ));
        }
        None => {
            return Err(Error::invalid(
                "Invalid bid floor parameters: 'bid_floor_specs' is required.",
            ));
        }
    };
    if specs.len() > 100 {
        return Err(Error::invalid(
            "Invalid bid floor parameters: 'bid_floor_specs' takes at most 100 specs.",
        ));
    }
    if let Some(t) = body.get("targeting_spec").filter(|v| !v.is_null()) {
        check_targeting_spec(t).map_err(|r| {
            Error::invalid(r.message.replace(
                "Invalid ad group parameters",
                "Invalid bid floor parameters",
            ))
        })?;
    }
    let currencies: Vec<&str> = crate::domain::ad_accounts::CURRENCIES
        .split_whitespace()
        .collect();
    let countries: Vec<&str> = crate::domain::ad_accounts::COUNTRIES
        .split_whitespace()
        .collect();
    let mut out = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let spec = spec.as_object().ok_or_else(|| {
            Error::invalid(format!(
                "Invalid bid floor parameters: 'bid_floor_specs[{i}]' must be an object."
            ))
        })?;
        let required = |field: &str| {
            Error::invalid(format!(
                "Invalid bid floor parameters: 'bid_floor_specs[{i}].{field}' is required."
            ))
        };
        let event = one_of(spec, "billable_event", BILLABLE_EVENTS, i)?
            .ok_or_else(|| required("billable_event"))?;
        let currency =
            one_of(spec, "currency", &currencies, i)?.ok_or_else(|| required("currency"))?;
        let creative = one_of(spec, "creative_type", ALL_CREATIVE_TYPES, i)?;
        one_of(spec, "objective_type", OBJECTIVE_TYPES, i)?;
        if let Some(m) = spec
            .get("optimization_goal_metadata")
            .filter(|v| !v.is_null())
            && !m.is_object()
        {
            return Err(Error::invalid(format!(
                "Invalid bid floor parameters: 'bid_floor_specs[{i}].optimization_goal_metadata' must be an object."
            )));
        }
        let mut in_countries = Vec::new();
        if let Some(v) = spec.get("countries").filter(|v| !v.is_null()) {
            let bad = || {
                Error::invalid(format!(
                    "Invalid bid floor parameters: 'bid_floor_specs[{i}].countries' must be an array of ISO 3166-1 alpha-2 codes."
                ))
            };
            for c in v.as_array().ok_or_else(bad)? {
                match c.as_str() {
                    Some(c) if countries.contains(&c) => in_countries.push(c),
                    _ => return Err(bad()),
                }
            }
        }
        let base = match event {
            "IMPRESSION" => 2.0,
            "VIDEO_V_50_MRC" => 0.03,
            _ => 0.10,
        };
        let format = match creative {
            Some("VIDEO" | "MAX_VIDEO" | "SHOPPING" | "COLLECTION") => 1.2,
            _ => 1.0,
        };
        let units = base * format * country_factor(&in_countries) * per_dollar(currency);
        let cents = (units * 100.0).ceil() as i64;
        out.push(cents * 10_000);
    }
    Ok(out)
}
