//! Audiences: the spec's `AudienceCreateRequest` / `AudienceUpdateRequest` / `Audience`, of
//! each `AudienceType`, with the rule fields each type needs, a size that follows from the rule
//! (or the customer list's size) and a status that moves with processing.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::ads::customer_list;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Body, Exceptions, Extras, Kind, KindId, ListParam, Ops, Prepare, Ref, RuleInput, Type, field,
};
use crate::domain::ads::processing::{DONE_AT, done_at, processing, sized_status};
use crate::domain::ads::refusal::Refusal;

pub const AUDIENCE_TYPES: &[&str] = &[
    "CUSTOMER_LIST",
    "VISITOR",
    "ENGAGEMENT",
    "ACTALIKE",
    "PERSONA",
];
const ACTALIKE_COUNTRIES: &[(&str, u64)] = &[
    // People on Pinterest per country, the base an ACTALIKE percentage is taken of.
    ("US", 90_000_000),
    ("CA", 10_000_000),
    ("GB", 15_000_000),
];
const ENGAGEMENT_TYPES: &[&str] = &["click", "save", "closeup", "comment", "like"];
const EVENT_SOURCES: &[&str] = &["web", "mobile", "offline"];
const INGESTION_SOURCES: &[&str] = &["tag", "mmp", "file_upload", "conversions_api"];

/// The stored size, fixed when the rule is.
const SIZE: &str = "_size";

pub static AUDIENCE: Kind = Kind {
    id: KindId::Audience,
    wire_type: "audience",
    label: "Audience",
    ops: Ops {
        list: Some("audiences/list"),
        create: Some("audiences/create"),
        update: Some("audiences/update"),
        get: Some("audiences/get"),
        body: Body::Single,
        exceptions: Exceptions::List,
    },
    path_id: "audience_id",
    parent: None,
    fields: &[
        field("name", Type::Text(256)).required(),
        field("audience_type", Type::Enum(AUDIENCE_TYPES))
            .required()
            .fixed(),
        field("description", Type::Text(500)).nullable(),
        field("rule", Type::Object).required(),
    ],
    filters: &[],
    rules: no_rules,
    derived,
    pin_field: None,
    extras: &Extras {
        refs: &[
            Ref {
                path: &["rule", "customer_list_id"],
                kind: KindId::CustomerList,
            },
            Ref {
                path: &["rule", "seed_id"],
                kind: KindId::Audience,
            },
            Ref {
                path: &["rule", "visitor_source_id"],
                kind: KindId::ConversionTag,
            },
        ],
        prepare: Some(prepare),
        created_field: Some("created_timestamp"),
        updated_field: Some("updated_timestamp"),
        // pinbox shares no audiences, so every audience is OWNED.
        list_params: &[ListParam::Enum("ownership_type", &["OWNED", "RECEIVED"])],
        ..Extras::NONE
    },
};

fn no_rules(_: &RuleInput<'_>) -> Result<(), Refusal> {
    Ok(())
}

fn invalid(msg: String) -> Refusal {
    Refusal::invalid(format!("Invalid audience parameters: {msg}"))
}

fn prepare(p: &Prepare<'_>, fields: &mut Map<String, Value>) -> Result<(), Refusal> {
    if let Some(before) = p.before {
        let op = match p.item.get("operation_type") {
            None | Some(Value::Null) => "UPDATE",
            Some(Value::String(op)) if op == "UPDATE" || op == "REMOVE" => op.as_str(),
            Some(_) => return Err(invalid("'operation_type' must be UPDATE or REMOVE.".into())),
        };
        if before.status == "ARCHIVED" {
            return Err(invalid(format!(
                "audience {} was removed; it cannot change any more.",
                before.id
            )));
        }
        if op == "REMOVE" {
            fields.insert("status".into(), "ARCHIVED".into());
            return Ok(());
        }
    }
    let audience_type = fields
        .get("audience_type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let rule = fields
        .get("rule")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    check_rule_types(&rule)?;
    let size = size_of(&audience_type, &rule, p.refs)?;
    let rule_changed = p
        .before
        .is_none_or(|b| b.fields.get("rule") != fields.get("rule"));
    fields.insert(SIZE.into(), Value::from(size));
    if rule_changed {
        fields.insert(DONE_AT.into(), done_at(p.now));
    }
    Ok(())
}

/// Every `AudienceRule` property the rule holds has the spec's type.
fn check_rule_types(rule: &Map<String, Value>) -> Result<(), Refusal> {
    let digits = |v: &Value| {
        v.as_str().is_some_and(|s| {
            !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit())
        })
    };
    let array_of = |v: &Value, item: &dyn Fn(&Value) -> bool| {
        v.as_array().is_some_and(|items| items.iter().all(item))
    };
    for (name, v) in rule {
        if v.is_null() {
            continue;
        }
        let (ok, what) = match name.as_str() {
            "ad_id" | "campaign_id" | "pin_id" | "seed_id" => {
                (array_of(v, &digits), "an array of ids (strings of digits)")
            }
            "ad_account_id" | "customer_list_id" | "visitor_source_id" => {
                (digits(v), "an id (a string of digits)")
            }
            "engagement_domain" | "url" => (array_of(v, &|i| i.is_string()), "an array of strings"),
            "objective_type" => (
                array_of(v, &|i| {
                    i.as_str()
                        .is_some_and(|s| crate::domain::ads::campaign::OBJECTIVE_TYPES.contains(&s))
                }),
                "an array of objective types",
            ),
            "country" | "engagement_type" | "event" => (v.is_string(), "a string"),
            // The spec's EventData holds strings only (`order_id`, ...).
            "event_data" => (
                v.as_object()
                    .is_some_and(|o| o.values().all(|x| x.is_string() || x.is_null())),
                "an object of strings",
            ),
            "event_source" | "ingestion_source" => (v.is_object(), "an object"),
            "prefill" => (v.is_boolean(), "true or false"),
            "engager_type" | "percentage" | "retention_days" => {
                (v.is_i64() || digits(v), "a whole number")
            }
            _ => (true, ""),
        };
        if !ok {
            return Err(invalid(format!("'rule.{name}' must be {what}.")));
        }
    }
    Ok(())
}

/// An integer rule field, which the spec's own examples also give as a string of digits.
fn int_in(
    rule: &Map<String, Value>,
    name: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, Refusal> {
    let n = match rule.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        Some(_) => None,
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(invalid(format!(
            "'rule.{name}' must be a whole number from {min} to {max}."
        ))),
    }
}

/// `{"=": [values]}`, each value one of `allowed`.
fn check_equals(rule: &Map<String, Value>, name: &str, allowed: &[&str]) -> Result<(), Refusal> {
    let Some(v) = rule.get(name).filter(|v| !v.is_null()) else {
        return Ok(());
    };
    let ok = v
        .as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.get("="))
        .and_then(Value::as_array)
        .is_some_and(|items| {
            !items.is_empty()
                && items
                    .iter()
                    .all(|i| i.as_str().is_some_and(|s| allowed.contains(&s)))
        });
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "'rule.{name}' must be {{\"=\": [...]}} with values among {}.",
            allowed.join(", ")
        )))
    }
}

/// The audience's size, following from its rule; the refusal of a rule its type cannot take.
fn size_of(
    audience_type: &str,
    rule: &Map<String, Value>,
    refs: &[Entity],
) -> Result<u64, Refusal> {
    let present = |name: &str| rule.get(name).is_some_and(|v| !v.is_null());
    let retention = int_in(rule, "retention_days", 1, 540)?.unwrap_or(180) as u64;
    match audience_type {
        "CUSTOMER_LIST" => {
            let Some(list) = refs.iter().find(|e| e.kind == KindId::CustomerList) else {
                return Err(invalid(
                    "a CUSTOMER_LIST audience needs 'rule.customer_list_id', a customer list of \
                     this ad account."
                        .into(),
                ));
            };
            Ok(customer_list::size(list))
        }
        "ACTALIKE" => {
            if !refs.iter().any(|e| e.kind == KindId::Audience) {
                return Err(invalid(
                    "an ACTALIKE audience needs 'rule.seed_id', audience ids of this ad account."
                        .into(),
                ));
            }
            let country = rule.get("country").and_then(Value::as_str).unwrap_or("");
            let Some((_, base)) = ACTALIKE_COUNTRIES.iter().find(|(c, _)| *c == country) else {
                return Err(invalid(
                    "an ACTALIKE audience needs 'rule.country': US, CA or GB.".into(),
                ));
            };
            let Some(percentage) = int_in(rule, "percentage", 1, 10)? else {
                return Err(invalid(
                    "an ACTALIKE audience needs 'rule.percentage', from 1 to 10.".into(),
                ));
            };
            Ok(base * percentage as u64 / 100)
        }
        "VISITOR" => {
            if !refs.iter().any(|e| e.kind == KindId::ConversionTag) {
                return Err(invalid(
                    "a VISITOR audience needs 'rule.visitor_source_id', a conversion tag of \
                     this ad account."
                        .into(),
                ));
            }
            check_equals(rule, "event_source", EVENT_SOURCES)?;
            check_equals(rule, "ingestion_source", INGESTION_SOURCES)?;
            if let Some(e) = rule.get("event").filter(|v| !v.is_null())
                && !e.as_str().is_some_and(|s| !s.is_empty() && s.len() <= 100)
            {
                return Err(invalid(
                    "'rule.event' must be a Pinterest tag event such as pagevisit or checkout."
                        .into(),
                ));
            }
            let prefill = match rule.get("prefill") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(invalid("'rule.prefill' must be true or false.".into())),
            };
            Ok(if prefill { retention * 100 } else { 0 })
        }
        "ENGAGEMENT" => {
            let domains = rule
                .get("engagement_domain")
                .and_then(Value::as_array)
                .filter(|d| {
                    !d.is_empty()
                        && d.iter().all(|x| {
                            x.as_str().is_some_and(|s| {
                                !s.is_empty() && s.len() <= 253 && !s.contains(char::is_whitespace)
                            })
                        })
                });
            let Some(domains) = domains else {
                return Err(invalid(
                    "an ENGAGEMENT audience needs 'rule.engagement_domain', an array of the \
                     account's verified domains."
                        .into(),
                ));
            };
            int_in(rule, "engager_type", 1, 2)?;
            if present("engagement_type")
                && !rule
                    .get("engagement_type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| ENGAGEMENT_TYPES.contains(&t))
            {
                return Err(invalid(format!(
                    "'rule.engagement_type' must be one of {}.",
                    ENGAGEMENT_TYPES.join(", ")
                )));
            }
            Ok(retention * 50 * domains.len() as u64)
        }
        // Personas are Pinterest's own audiences; pinbox has none to size them from.
        _ => Ok(0),
    }
}

fn derived(e: &Entity, now: Timestamp, out: &mut Map<String, Value>) {
    let size = e.int(SIZE).unwrap_or(0).max(0) as u64;
    let status = if e.status == "ARCHIVED" {
        "REMOVED"
    } else if processing(e, now) {
        "INITIALIZING"
    } else {
        sized_status(size)
    };
    out.insert("status".into(), status.into());
    out.insert("size".into(), Value::from(size));
    out.insert("created_by_company_name".into(), Value::Null);
}
