//! An ad group's `targeting_spec` (the spec's `TargetingSpec`): which targeting types it names
//! and what each may hold.

use serde_json::Value;

use crate::domain::ads::ids::is_digits;
use crate::domain::ads::refusal::Refusal;

const AGE_BUCKETS: &[&str] = &[
    "18-24", "19+", "20+", "21+", "25-34", "35-44", "45-49", "50-54", "55-64", "65+",
];
const APP_TYPES: &[&str] = &[
    "android_mobile",
    "android_tablet",
    "ipad",
    "iphone",
    "web",
    "web_mobile",
];
const GENDERS: &[&str] = &["unknown", "male", "female"];
const STRATEGIES: &[&str] = &[
    "CHOOSE_YOUR_OWN",
    "FIND_NEW_CUSTOMERS",
    "RECONNECT_WITH_USERS",
];

/// What one targeting type holds.
enum Holds {
    OneOf(&'static [&'static str]),
    Ids,
    Texts,
    Objects,
    /// A single string: an age (`MINIMUM_AGE`, `MAXIMUM_AGE`, which may end in `+`).
    Age,
}

fn holds(key: &str) -> Option<Holds> {
    Some(match key {
        "AGE_BUCKET" => Holds::OneOf(AGE_BUCKETS),
        "APPTYPE" => Holds::OneOf(APP_TYPES),
        "GENDER" => Holds::OneOf(GENDERS),
        "TARGETING_STRATEGY" => Holds::OneOf(STRATEGIES),
        "AUDIENCE_INCLUDE" | "AUDIENCE_EXCLUDE" => Holds::Ids,
        "GEO" | "INTEREST" | "LOCALE" | "LOCATION" => Holds::Texts,
        "SHOPPING_RETARGETING" => Holds::Objects,
        "MINIMUM_AGE" | "MAXIMUM_AGE" => Holds::Age,
        _ => return None,
    })
}

/// An integer as JSON Schema counts them: any size, and `2.0` too.
fn is_integer(v: &Value) -> bool {
    v.is_i64()
        || v.is_u64()
        || v.as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

/// A targeting spec the spec's schema refuses (a value of the wrong type or outside an enum)
/// is malformed; a targeting type the schema does not name is only refused by the item.
pub fn check_targeting_spec(spec: &Value) -> Result<(), Refusal> {
    check_targeting(spec, "ad group", "targeting_spec")
}

/// A `TargetingSpec` held by `field` of a `what` (an ad group's `targeting_spec`, a targeting
/// template's `targeting_attributes`).
pub fn check_targeting(spec: &Value, what: &str, field: &str) -> Result<(), Refusal> {
    let bad = |msg: String| {
        Err(Refusal::malformed(format!(
            "Invalid {what} parameters: '{field}' {msg}"
        )))
    };
    let Some(spec) = spec.as_object() else {
        return bad("must be an object of targeting types.".into());
    };
    for (key, value) in spec {
        let Some(kind) = holds(key) else {
            return Err(Refusal::invalid(format!(
                "Invalid {what} parameters: '{field}' names an unknown targeting type '{}'; use \
                 the spec's TargetingSpec keys (AGE_BUCKET, GENDER, GEO, INTEREST, LOCALE, ...).",
                key.chars().take(40).collect::<String>()
            )));
        };
        if value.is_null() {
            // The spec's TargetingSpec makes every type nullable but these.
            if matches!(key.as_str(), "INTEREST" | "MINIMUM_AGE" | "MAXIMUM_AGE") {
                return bad(format!("'{key}' must be given a value, not null."));
            }
            continue;
        }
        let ok = match kind {
            Holds::Age => {
                let Some(s) = value.as_str() else {
                    return bad(format!("'{key}' must be an age such as \"18\" or \"65+\"."));
                };
                let digits = s.strip_suffix('+').unwrap_or(s);
                if !(is_digits(digits) && digits.len() <= 3) {
                    // What the spec's pattern admits but is no age is refused with its item.
                    let schema_valid = !digits.is_empty() && digits.chars().all(char::is_numeric);
                    let message = format!(
                        "Invalid {what} parameters: '{field}' '{key}' must be an age such as \
                         \"18\" or \"65+\"."
                    );
                    return Err(if schema_valid {
                        Refusal::invalid(message)
                    } else {
                        Refusal::malformed(message)
                    });
                }
                true
            }
            Holds::OneOf(allowed) => value.as_array().is_some_and(|items| {
                items
                    .iter()
                    .all(|i| i.as_str().is_some_and(|s| allowed.contains(&s)))
            }),
            Holds::Ids => {
                let Some(items) = value.as_array() else {
                    return bad(format!("'{key}' must be an array of ids (digits)."));
                };
                // The spec's `\d` also matches other scripts' digits: schema-valid, no id.
                if items.iter().all(|i| {
                    i.as_str()
                        .is_some_and(|s| !s.is_empty() && s.chars().all(char::is_numeric))
                }) && !items.iter().all(|i| i.as_str().is_some_and(is_digits))
                {
                    return Err(Refusal::invalid(format!(
                        "Invalid {what} parameters: '{field}' '{key}' must hold ids of ASCII \
                         digits."
                    )));
                }
                items.iter().all(|i| i.as_str().is_some_and(is_digits))
            }
            Holds::Texts => {
                let Some(items) = value.as_array().filter(|a| a.iter().all(Value::is_string))
                else {
                    return bad(format!("'{key}' must be an array of codes."));
                };
                // Strings of any length are the spec's; an empty or over-long one is no code.
                if !items
                    .iter()
                    .all(|i| i.as_str().is_some_and(|s| !s.is_empty() && s.len() <= 100))
                {
                    return Err(Refusal::invalid(format!(
                        "Invalid {what} parameters: '{field}' '{key}' must hold codes of 1 to \
                         100 characters."
                    )));
                }
                true
            }
            Holds::Objects => {
                let numbers = |o: &serde_json::Map<String, Value>| -> Vec<Value> {
                    o.iter()
                        .flat_map(|(k, v)| match k.as_str() {
                            "lookback_window" | "exclusion_window" => vec![v.clone()],
                            "tag_types" => v.as_array().cloned().unwrap_or_default(),
                            _ => Vec::new(),
                        })
                        .collect()
                };
                let shaped = value.as_array().is_some_and(|items| {
                    items.iter().all(|i| {
                        i.as_object().is_some_and(|o| {
                            o.get("tag_types").is_none_or(Value::is_array)
                                && numbers(o).iter().all(is_integer)
                        })
                    })
                });
                // Integers past 64 bits are the schema's but cannot be kept as sent.
                if shaped
                    && value.as_array().into_iter().flatten().any(|i| {
                        i.as_object()
                            .is_some_and(|o| numbers(o).iter().any(|n| !n.is_i64() && !n.is_u64()))
                    })
                {
                    return Err(Refusal::invalid(format!(
                        "Invalid {what} parameters: '{field}' '{key}' windows and tag types must \
                         be integers that fit in 64 bits."
                    )));
                }
                shaped
            }
        };
        if !ok {
            let what = match kind {
                Holds::OneOf(allowed) => format!("an array of {}", allowed.join(", ")),
                Holds::Ids => "an array of ids (digits)".into(),
                Holds::Texts => "an array of codes".into(),
                Holds::Objects => {
                    "an array of objects with integer 'lookback_window' and 'exclusion_window' \
                     and integer 'tag_types'"
                        .into()
                }
                Holds::Age => "an age such as \"18\" or \"65+\"".into(),
            };
            return bad(format!("'{key}' must be {what}."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod integer_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shopping_retargeting_keeps_64_bit_integers_and_refuses_larger_ones_by_item() {
        let spec = json!({"SHOPPING_RETARGETING": [{
            "lookback_window": 18446744073709551615u64, "exclusion_window": 14,
            "tag_types": [0, -9223372036854775808i64]
        }]});
        assert!(check_targeting_spec(&spec).is_ok());
        let past_64_bits = json!({"SHOPPING_RETARGETING": [{"tag_types": [1e20]}]});
        let refused = check_targeting_spec(&past_64_bits).unwrap_err();
        assert!(!refused.malformed, "refused by the item, not as malformed");
        let text = json!({"SHOPPING_RETARGETING": [{"lookback_window": "30"}]});
        assert!(check_targeting_spec(&text).is_err());
        let fraction = json!({"SHOPPING_RETARGETING": [{"tag_types": [0.5]}]});
        assert!(check_targeting_spec(&fraction).is_err());
    }
}
