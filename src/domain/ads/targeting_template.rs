//! Targeting templates: the spec's `TargetingTemplateCreate` / `TargetingTemplateUpdateRequest`
//! / `TargetingTemplateGetResponseData`: a named `TargetingSpec` an ad group may name in its
//! `targeting_template_ids`; an update (`PATCH` on the collection, the template named by `id`)
//! replaces its targeting or removes it.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Body, Exceptions, Extras, Kind, KindId, ListParam, Lit, Ops, Prepare, RuleInput, Type, field,
};
use crate::domain::ads::refusal::Refusal;
use crate::domain::ads::targeting::check_targeting;

const PLACEMENTS: &[&str] = &["ALL", "SEARCH", "BROWSE", "OTHER"];
const MATCH_TYPES: &[&str] = &[
    "BROAD",
    "PHRASE",
    "EXACT",
    "EXACT_NEGATIVE",
    "PHRASE_NEGATIVE",
];

pub static TARGETING_TEMPLATE: Kind = Kind {
    id: KindId::TargetingTemplate,
    wire_type: "",
    label: "Targeting template",
    ops: Ops {
        list: Some("targeting_template/list"),
        create: Some("targeting_template/create"),
        update: Some("targeting_template/update"),
        get: None,
        body: Body::SingleIdInBody,
        exceptions: Exceptions::List,
    },
    path_id: "targeting_template_id",
    parent: None,
    fields: &[
        field("name", Type::Text(256)).required(),
        field("targeting_attributes", Type::Object).required(),
        field("auto_targeting_enabled", Type::Bool).default(Lit::Bool(true)),
        field("placement_group", Type::Enum(PLACEMENTS)).default(Lit::Str("ALL")),
        field("tracking_urls", Type::TrackingUrls).nullable(),
    ],
    filters: &[],
    rules,
    derived,
    pin_field: None,
    extras: &Extras {
        prepare: Some(prepare),
        // Sizing is not modelled for templates; `search_query` is any text.
        list_params: &[ListParam::Bool("include_sizing")],
        ..Extras::NONE
    },
};

fn invalid(msg: String) -> Refusal {
    Refusal::invalid(format!("Invalid targeting template parameters: {msg}"))
}

fn prepare(p: &Prepare<'_>, fields: &mut Map<String, Value>) -> Result<(), Refusal> {
    if let Some(before) = p.before {
        let op = match p.item.get("operation_type") {
            Some(Value::String(op)) if op == "UPDATE" || op == "REMOVE" => op.as_str(),
            None | Some(Value::Null) => {
                return Err(invalid(
                    "'operation_type' is required: UPDATE or REMOVE.".into(),
                ));
            }
            Some(_) => return Err(invalid("'operation_type' must be UPDATE or REMOVE.".into())),
        };
        if before.status == "ARCHIVED" {
            return Err(invalid(format!(
                "targeting template {} was removed; it cannot change any more.",
                before.id
            )));
        }
        if op == "REMOVE" {
            fields.insert("status".into(), "ARCHIVED".into());
        }
    }
    match p.item.get("keywords") {
        None => {}
        Some(Value::Null) => {
            fields.remove("keywords");
        }
        Some(Value::Array(items)) => {
            for k in items {
                let ok = k.as_object().is_some_and(|k| {
                    k.get("value")
                        .and_then(Value::as_str)
                        .is_some_and(|v| !v.trim().is_empty() && v.chars().count() <= 120)
                        && k.get("match_type")
                            .and_then(Value::as_str)
                            .is_some_and(|m| MATCH_TYPES.contains(&m))
                });
                if !ok {
                    return Err(invalid(format!(
                        "'keywords' must hold objects with 'value' (1 to 120 characters) and \
                         'match_type' ({}).",
                        MATCH_TYPES.join(", ")
                    )));
                }
            }
            fields.insert("keywords".into(), Value::Array(items.clone()));
        }
        Some(_) => return Err(invalid("'keywords' must be an array of keywords.".into())),
    }
    Ok(())
}

fn rules(r: &RuleInput<'_>) -> Result<(), Refusal> {
    match r.fields.get("targeting_attributes") {
        Some(spec) => check_targeting(spec, "targeting template", "targeting_attributes"),
        None => Ok(()),
    }
}

fn derived(e: &Entity, _now: Timestamp, out: &mut Map<String, Value>) {
    let status = if e.status == "ARCHIVED" {
        "DELETED"
    } else {
        "ACTIVE"
    };
    out.insert("status".into(), status.into());
    out.insert("valid".into(), Value::Bool(true));
    out.insert("sizing".into(), Value::Null);
}
