//! The targeting breakdowns: each ad's figures shared among the values of a targeting type,
//! exactly (every counter's parts sum to its total), by weights fixed per ad group and value.
//! The values are the ad group's own `targeting_spec` entries for the type when it has them,
//! and otherwise the type's whole audience.

use serde_json::Value;

use crate::domain::ads_delivery::{Counter, Counts, split, unit};

/// Every targeting type the spec's breakdown operations name.
pub const TARGETING_TYPES: &[&str] = &[
    "KEYWORD",
    "APPTYPE",
    "GENDER",
    "LOCATION",
    "PLACEMENT",
    "COUNTRY",
    "TARGETED_INTEREST",
    "PINNER_INTEREST",
    "AUDIENCE_INCLUDE",
    "GEO",
    "AGE_BUCKET",
    "REGION",
    "AGE_BUCKET_AND_GENDER",
    "CREATIVE_ENHANCEMENTS",
];

/// The values a type splits into for an ad group with this targeting spec.
pub fn values_of(kind: &str, spec: Option<&Value>) -> Vec<String> {
    let from_spec = |key: &str| -> Vec<String> {
        spec.and_then(|s| s.get(key))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let or = |own: Vec<String>, all: &[&str]| -> Vec<String> {
        if own.is_empty() {
            all.iter().map(|s| s.to_string()).collect()
        } else {
            own
        }
    };
    match kind {
        "AGE_BUCKET" => or(
            from_spec("AGE_BUCKET"),
            &["18-24", "25-34", "35-44", "45-49", "50-54", "55-64", "65+"],
        ),
        "GENDER" => or(from_spec("GENDER"), &["female", "male", "unknown"]),
        "APPTYPE" => or(
            from_spec("APPTYPE"),
            &[
                "iphone",
                "ipad",
                "android_mobile",
                "android_tablet",
                "web",
                "web_mobile",
            ],
        ),
        "LOCATION" | "GEO" | "COUNTRY" | "REGION" => {
            let mut own = from_spec("LOCATION");
            own.extend(from_spec("GEO"));
            or(own, &["US"])
        }
        "TARGETED_INTEREST" | "PINNER_INTEREST" => or(from_spec("INTEREST"), &["ALL"]),
        "AUDIENCE_INCLUDE" => or(from_spec("AUDIENCE_INCLUDE"), &["ALL"]),
        "PLACEMENT" => vec!["BROWSE".into(), "SEARCH".into()],
        "CREATIVE_ENHANCEMENTS" => vec!["NONE".into()],
        _ => vec!["ALL".into()],
    }
}

/// `counts` shared among `values`, by weights fixed by the ad group, the type and the value.
pub fn share(counts: &Counts, ad_group: i64, kind: &str, values: &[String]) -> Vec<Counts> {
    let weights: Vec<i64> = values
        .iter()
        .map(|v| {
            let mut words = vec![ad_group as u64, kind.len() as u64];
            words.extend(kind.bytes().chain(v.bytes()).map(u64::from));
            50 + (unit(&words) * 100.0) as i64
        })
        .collect();
    let mut out = vec![Counts::default(); values.len()];
    for c in Counter::ALL {
        let v = counts.get(c);
        if v == 0 {
            continue;
        }
        for (i, part) in split(v, &weights).into_iter().enumerate() {
            out[i].set(c, part);
        }
    }
    out
}
