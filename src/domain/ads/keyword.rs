//! Keywords: the spec's `KeywordsCommon` / `Keyword`, on an ad group (every match type) or on a
//! campaign (negative match types only, as Pinterest documents), archived rather than deleted.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Body, Exceptions, Extras, Filter, Kind, KindId, Lineage, Lit, Ops, Parent, RuleInput, Type,
    field,
};
use crate::domain::ads::refusal::Refusal;
use crate::domain::ads::status::MICRO;

/// The spec's `MatchType`.
pub const MATCH_TYPES: &[&str] = &[
    "BROAD",
    "PHRASE",
    "EXACT",
    "EXACT_NEGATIVE",
    "PHRASE_NEGATIVE",
];

/// Pinterest's limit on a keyword's value.
pub const MAX_VALUE_CHARS: usize = 120;

pub static KEYWORD: Kind = Kind {
    id: KindId::Keyword,
    wire_type: "keyword",
    label: "Keyword",
    ops: Ops {
        list: Some("keywords/get"),
        create: Some("keywords/create"),
        update: Some("keywords/update"),
        get: None,
        body: Body::Wrapped { key: "keywords" },
        exceptions: Exceptions::List,
    },
    path_id: "keyword_id",
    parent: Some(Parent {
        field: "parent_id",
        kind: KindId::AdGroup,
        prefix: "AG",
    }),
    fields: &[
        field("value", Type::Text(MAX_VALUE_CHARS))
            .required()
            .fixed(),
        field("match_type", Type::Enum(MATCH_TYPES))
            .required()
            .fixed(),
        // Deprecated by Pinterest: checked as an amount, never kept, always read as null.
        field("bid", MICRO).nullable(),
        field("archived", Type::Bool).default(Lit::Bool(false)),
        field("parent_id", Type::Text(24)).required().fixed(),
    ],
    filters: &[
        Filter {
            param: "campaign_id",
            on: Lineage::Root,
            max_len: Some(18),
        },
        Filter {
            param: "ad_group_id",
            on: Lineage::Parent,
            max_len: Some(18),
        },
        Filter {
            param: "ad_group_ids",
            on: Lineage::Parent,
            max_len: None,
        },
    ],
    rules,
    derived,
    pin_field: None,
    extras: &Extras {
        other_parents: &[(KindId::Campaign, "C")],
        siblings: true,
        max_batch: 2000,
        ..Extras::NONE
    },
};

pub fn is_negative(match_type: &str) -> bool {
    match_type.ends_with("_NEGATIVE")
}

/// Two keywords are the same when their match types are and their values are but for case and
/// the spaces around and between words, as Pinterest matches searches.
fn same_value(a: &str, b: &str) -> bool {
    let mut a = a.split_whitespace();
    let mut b = b.split_whitespace();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.to_lowercase() == y.to_lowercase() => {}
            _ => return false,
        }
    }
}

fn rules(r: &RuleInput<'_>) -> Result<(), Refusal> {
    let value = r.str("value").unwrap_or("");
    let match_type = r.str("match_type").unwrap_or("");
    if value.trim().is_empty() {
        return Err(Refusal::invalid(
            "Invalid keyword parameters: 'value' must hold a word; it is empty.",
        ));
    }
    if let Some(parent) = r.parent
        && parent.kind == KindId::Campaign
        && !is_negative(match_type)
    {
        return Err(Refusal::invalid(format!(
            "Advertisers and Campaigns only accept excluded targeting attributes: 'match_type' \
             {match_type} needs an ad group as 'parent_id'; on a campaign use EXACT_NEGATIVE or \
             PHRASE_NEGATIVE."
        )));
    }
    if r.before.is_none()
        && r.siblings.iter().any(|s| {
            s.get("match_type").and_then(Value::as_str) == Some(match_type)
                && s.get("value")
                    .and_then(Value::as_str)
                    .is_some_and(|v| same_value(v, value))
        })
    {
        return Err(Refusal::invalid(format!(
            "Invalid keyword parameters: the parent already has the {match_type} keyword \
             '{value}'; a parent holds each keyword once per match type (unarchive the \
             existing one to use it again)."
        )));
    }
    Ok(())
}

fn derived(e: &Entity, _now: Timestamp, out: &mut Map<String, Value>) {
    out.insert("bid".into(), Value::Null);
    // A keyword on a campaign has the campaign as its top ancestor too.
    let on_campaign = e.parent_id.is_some() && e.parent_id == e.root_id;
    out.insert(
        "parent_type".into(),
        if on_campaign { "campaign" } else { "ad_group" }.into(),
    );
}
