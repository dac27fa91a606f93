//! Labels: the spec's `Label`, names a campaign carries (one BRAND label, up to 30 CUSTOM ones,
//! as Pinterest documents), archived rather than deleted.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Body, Exceptions, Extras, Filter, Kind, KindId, Lineage, Lit, Ops, Parent, RuleInput, Type,
    field,
};
use crate::domain::ads::refusal::Refusal;

/// The spec's `LabelType`.
pub const LABEL_TYPES: &[&str] = &["BRAND", "CUSTOM"];

/// The spec's `LabelStatus`.
pub const LABEL_STATUSES: &[&str] = &["ACTIVE", "ARCHIVED"];

/// Pinterest's limits per campaign, counting labels in use.
const MAX_BRAND: usize = 1;
const MAX_CUSTOM: usize = 30;

pub static LABEL: Kind = Kind {
    id: KindId::Label,
    wire_type: "label",
    label: "Label",
    ops: Ops {
        list: Some("labels/list"),
        create: Some("labels/create"),
        update: Some("labels/update"),
        get: None,
        body: Body::Wrapped { key: "labels" },
        exceptions: Exceptions::List,
    },
    path_id: "label_id",
    parent: Some(Parent {
        field: "parent_id",
        kind: KindId::Campaign,
        prefix: "C",
    }),
    fields: &[
        field("value", Type::SpecText(100)).required(),
        field("label_type", Type::Enum(LABEL_TYPES))
            .required()
            .fixed(),
        field("status", Type::Enum(LABEL_STATUSES)).default(Lit::Str("ACTIVE")),
        field("parent_id", Type::Text(24)).required().fixed(),
    ],
    filters: &[
        Filter {
            param: "campaign_ids",
            on: Lineage::Parent,
            max_len: Some(18),
        },
        Filter {
            param: "label_ids",
            on: Lineage::Own,
            max_len: None,
        },
    ],
    rules,
    derived,
    pin_field: None,
    extras: &Extras {
        other_parents: &[],
        siblings: true,
        max_batch: 30,
        ..Extras::NONE
    },
};

fn active(fields: &Map<String, Value>) -> bool {
    fields.get("status").and_then(Value::as_str) != Some("ARCHIVED")
}

fn rules(r: &RuleInput<'_>) -> Result<(), Refusal> {
    let value = r.str("value").unwrap_or("");
    if value.trim().is_empty() {
        return Err(Refusal::invalid(
            "Invalid label parameters: 'value' must name the label; it is empty.",
        ));
    }
    if !active(r.fields) {
        return Ok(());
    }
    let in_use: Vec<&&Map<String, Value>> = r.siblings.iter().filter(|s| active(s)).collect();
    if in_use.iter().any(|s| {
        s.get("value")
            .and_then(Value::as_str)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(value.trim()))
    }) {
        return Err(Refusal::invalid(format!(
            "Invalid label parameters: the campaign already carries the label '{value}'."
        )));
    }
    let label_type = r.str("label_type").unwrap_or("");
    let same_type = in_use
        .iter()
        .filter(|s| s.get("label_type").and_then(Value::as_str) == Some(label_type))
        .count();
    let max = if label_type == "BRAND" {
        MAX_BRAND
    } else {
        MAX_CUSTOM
    };
    let becomes_active = r.before.is_none_or(|b| b.status == "ARCHIVED");
    if becomes_active && same_type >= max {
        return Err(Refusal::invalid(format!(
            "Invalid label parameters: a campaign carries at most {max} {label_type} label(s) \
             in use; archive one first."
        )));
    }
    Ok(())
}

fn derived(_: &Entity, _now: Timestamp, out: &mut Map<String, Value>) {
    out.insert("parent_type".into(), "CAMPAIGN".into());
}
