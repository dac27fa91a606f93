//! A create or update item checked against its kind's declared fields: each value's type, what
//! a create must send or defaults, what an update may not change. The kind's own rules run
//! after this, on the fields as they will be stored.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{Field, Kind, Lit, OnCreate, Type};
use crate::domain::ads::refusal::Refusal;
use crate::domain::ads::targeting::check_targeting_spec;
use crate::domain::text::{TextKind, check_characters};

pub use crate::domain::ads::ids::{is_digits, parse_id};

/// The fields a create stores: every declared field sent, checked, and the declared defaults.
/// Fields the kind does not declare are ignored, as Pinterest ignores them.
pub fn for_create(
    kind: &Kind,
    item: &Map<String, Value>,
    now: Timestamp,
) -> Result<Map<String, Value>, Refusal> {
    let mut out = Map::new();
    let mut first = First::default();
    for f in kind.fields {
        match item.get(f.name) {
            Some(v) if !(v.is_null() && matches!(f.on_create, OnCreate::Default(Lit::Now))) => {
                first.note(check(kind, f, v))?;
                out.insert(f.name.to_string(), normalized(f, v));
            }
            _ => match f.on_create {
                OnCreate::Required => {
                    return Err(Refusal::malformed(format!(
                        "Invalid {} parameters: '{}' is required.",
                        kind.label.to_lowercase(),
                        f.name
                    )));
                }
                OnCreate::Optional => {}
                OnCreate::Default(lit) => {
                    out.insert(f.name.to_string(), lit.value(now));
                }
            },
        }
    }
    first.result()?;
    Ok(out)
}

/// The first refusal of an item's fields, looking past Pinterest's rules for a field the spec's
/// schema refuses, which refuses the whole request and so must not hide behind a rule.
#[derive(Default)]
struct First(Option<Refusal>);

impl First {
    fn note(&mut self, checked: Result<(), Refusal>) -> Result<(), Refusal> {
        match checked {
            Err(r) if r.malformed => Err(r),
            Err(r) => {
                self.0.get_or_insert(r);
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    }

    fn result(self) -> Result<(), Refusal> {
        self.0.map_or(Ok(()), Err)
    }
}

/// The fields an update stores: the entity's, with every declared field the item sends
/// checked and put in place. A field that may not change may be sent with its current value.
pub fn for_update(
    kind: &Kind,
    item: &Map<String, Value>,
    before: &Entity,
) -> Result<Map<String, Value>, Refusal> {
    let mut out = before.fields.clone();
    let mut first = First::default();
    for f in kind.fields {
        let Some(v) = item.get(f.name) else { continue };
        if v.is_null() && f.null_on_update {
            continue;
        }
        first.note(check(kind, f, v))?;
        if !f.updatable && before.fields.get(f.name).unwrap_or(&Value::Null) != v {
            return Err(Refusal::invalid(format!(
                "Invalid {} parameters: '{}' cannot be changed after creation; leave it out of \
                 the update.",
                kind.label.to_lowercase(),
                f.name
            )));
        }
        out.insert(f.name.to_string(), normalized(f, v));
    }
    first.result()?;
    Ok(out)
}

/// A whole number sent as `5.0` is kept as the integer 5, as the answers' schemas want it.
fn normalized(f: &Field, v: &Value) -> Value {
    match (f.ty, v.as_f64()) {
        (Type::Int { .. }, Some(x)) if v.as_i64().is_none() && x.fract() == 0.0 => {
            Value::from(x as i64)
        }
        _ => v.clone(),
    }
}

/// Checks the type of every declared field an update item sends, before anything is looked up.
pub fn check_sent(kind: &Kind, item: &Map<String, Value>) -> Result<(), Refusal> {
    for f in kind.fields {
        if let Some(v) = item
            .get(f.name)
            .filter(|v| !(v.is_null() && f.null_on_update))
        {
            check(kind, f, v)?;
        }
    }
    Ok(())
}

fn check(kind: &Kind, f: &Field, v: &Value) -> Result<(), Refusal> {
    let message = |what: &str| {
        format!(
            "Invalid {} parameters: '{}' must be {what}.",
            kind.label.to_lowercase(),
            f.name
        )
    };
    // What the spec's schema says (types, enums, patterns, its bounds) refuses the request;
    // what only Pinterest's rules say (lengths, amounts) refuses the item.
    let wrong = |what: &str| Refusal::malformed(message(what));
    let out_of_bounds = |what: &str| Refusal::invalid(message(what));
    if v.is_null() {
        return if f.nullable {
            Ok(())
        } else {
            Err(wrong("given a value, not null"))
        };
    }
    match f.ty {
        Type::SpecText(max) => {
            let s = v.as_str().ok_or_else(|| wrong("a string"))?;
            if s.chars().count() > max {
                return Err(wrong(&format!("at most {max} characters")));
            }
            check_characters(f.name, s, TextKind::Name).map_err(Refusal::from)
        }
        Type::Text(max) => {
            let s = v.as_str().ok_or_else(|| wrong("a string"))?;
            if s.chars().count() > max {
                return Err(out_of_bounds(&format!("at most {max} characters")));
            }
            check_characters(f.name, s, TextKind::Name).map_err(Refusal::from)
        }
        // JSON Schema's integers include 5.0 and numbers past 64 bits; the latter are out of
        // every range here.
        Type::Int { min, max } => match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            Some(_) => Err(out_of_bounds(&format!("between {min} and {max}"))),
            None => match v.as_f64() {
                Some(x) if x.fract() == 0.0 && x >= min as f64 && x <= max as f64 => Ok(()),
                Some(x) if x.fract() == 0.0 => {
                    Err(out_of_bounds(&format!("between {min} and {max}")))
                }
                _ => Err(wrong("a whole number")),
            },
        },
        // The spec bounds its numbers (`bid_multiplier`), so those bounds are its schema's.
        Type::Number { min, max } => match v.as_f64() {
            Some(n) if n >= min && n <= max => Ok(()),
            Some(_) => Err(wrong(&format!("between {min} and {max}"))),
            None => Err(wrong("a number")),
        },
        Type::Bool => v
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| wrong("true or false")),
        Type::Enum(allowed) => match v.as_str() {
            Some(s) if allowed.contains(&s) => Ok(()),
            _ => Err(wrong(&format!("one of {}", allowed.join(", ")))),
        },
        Type::Digits => match v.as_str() {
            Some(s) if is_digits(s) => Ok(()),
            // The spec's `\d` also matches other scripts' digits: schema-valid, but no id.
            Some(s) if !s.is_empty() && s.chars().all(char::is_numeric) => {
                Err(out_of_bounds("a string of ASCII digits"))
            }
            _ => Err(wrong("a string of digits")),
        },
        Type::PrefixedDigits(prefix) => {
            match v.as_str().map(|s| s.strip_prefix(prefix).unwrap_or(s)) {
                Some(s) if is_digits(s) => Ok(()),
                // The spec's `\d` also matches other scripts' digits: schema-valid, but no id.
                Some(s) if !s.is_empty() && s.chars().all(char::is_numeric) => {
                    Err(out_of_bounds("a string of ASCII digits"))
                }
                _ => Err(wrong(&format!(
                    "a string of digits, optionally prefixed '{prefix}'"
                ))),
            }
        }
        Type::Texts(max) => {
            let items = v.as_array().ok_or_else(|| wrong("an array of strings"))?;
            for item in items {
                let s = item.as_str().ok_or_else(|| wrong("an array of strings"))?;
                if s.chars().count() > max {
                    return Err(out_of_bounds(&format!(
                        "strings of at most {max} characters"
                    )));
                }
                check_characters(f.name, s, TextKind::Name).map_err(Refusal::from)?;
            }
            Ok(())
        }
        Type::DigitsList => match v.as_array() {
            Some(items) if items.iter().all(|i| i.as_str().is_some_and(is_digits)) => Ok(()),
            // The spec's `\d+` admits other scripts' digits and any length: no id, per item.
            Some(items)
                if items.iter().all(|i| {
                    i.as_str()
                        .is_some_and(|s| !s.is_empty() && s.chars().all(char::is_numeric))
                }) =>
            {
                Err(out_of_bounds("an array of ids (ASCII digits)"))
            }
            _ => Err(wrong("an array of strings of digits")),
        },
        Type::Object => v.as_object().map(|_| ()).ok_or_else(|| wrong("an object")),
        Type::TrackingUrls => {
            let urls = v.as_object().ok_or_else(|| wrong("an object"))?;
            for (key, list) in urls {
                let known = [
                    "impression",
                    "click",
                    "engagement",
                    "buyable_button",
                    "audience_verification",
                ];
                if known.contains(&key.as_str())
                    && !list
                        .as_array()
                        .is_some_and(|items| items.iter().all(Value::is_string))
                {
                    return Err(wrong(&format!(
                        "an object whose '{key}' is an array of URLs"
                    )));
                }
            }
            Ok(())
        }
        Type::Targeting => check_targeting_spec(v),
    }
}

/// What a refused item sent, as far as it fits its kind's answer: each declared field whose
/// value has the field's type, and the `id` when it is one, so an answer that echoes refused
/// items keeps to the spec's schema.
pub fn echo(kind: &Kind, item: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(item) = item.as_object() else {
        return out;
    };
    if let Some(id) = item
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| is_digits(s))
    {
        out.insert("id".into(), id.into());
    }
    for f in kind.fields {
        let sent = item.get(f.name).filter(|v| !v.is_null());
        let fits = sent.filter(|v| match f.ty {
            // Too long or with odd characters is still a string, which is all the schema asks.
            Type::Text(_) => {
                v.is_string() && (f.name != "parent_id" || v.as_str().is_some_and(is_digits))
            }
            Type::SpecText(max) => v.as_str().is_some_and(|s| s.chars().count() <= max),
            _ => check(kind, f, v).is_ok(),
        });
        match (fits, f.on_create) {
            (Some(v), _) => {
                out.insert(f.name.to_string(), v.clone());
            }
            // The schema requires what a create requires: an empty string or a null in its place.
            (None, OnCreate::Required) if f.name != "parent_id" => {
                let blank = match f.ty {
                    Type::Text(_) | Type::SpecText(_) => Value::from(""),
                    _ => Value::Null,
                };
                out.insert(f.name.to_string(), blank);
            }
            _ => {}
        }
    }
    out
}
