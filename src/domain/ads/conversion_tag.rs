//! Conversion tags (Pinterest tags): the spec's `ConversionTagCreate` / `ConversionTag`, with
//! the tag's code snippet and configs, and two reads of the tags as conversion events: the
//! page-visit events and the events eligible for optimized CPM bidding.

use serde_json::{Map, Value, json};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Body, Exceptions, Extras, Kind, KindId, ListParam, ListShape, Lit, Ops, RuleInput, Type, View,
    ViewShape, field,
};
use crate::domain::ads::refusal::Refusal;

const AEM_FIELDS: &[&str] = &[
    "aem_enabled",
    "aem_db_enabled",
    "aem_external_id_enabled",
    "aem_fnln_enabled",
    "aem_ge_enabled",
    "aem_loc_enabled",
    "aem_ph_enabled",
];

pub static CONVERSION_TAG: Kind = Kind {
    id: KindId::ConversionTag,
    wire_type: "",
    label: "Conversion tag",
    ops: Ops {
        list: Some("conversion_tags/list"),
        create: Some("conversion_tags/create"),
        update: None,
        get: Some("conversion_tags/get"),
        body: Body::Single,
        exceptions: Exceptions::List,
    },
    path_id: "conversion_tag_id",
    parent: None,
    fields: &[
        field("name", Type::Text(256)).required(),
        field("aem_enabled", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("aem_db_enabled", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("aem_external_id_enabled", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("aem_fnln_enabled", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("aem_ge_enabled", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("aem_loc_enabled", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("aem_ph_enabled", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("md_frequency", Type::Number { min: 0.0, max: 1.0 })
            .nullable()
            .default(Lit::Int(1)),
    ],
    filters: &[],
    rules: no_rules,
    derived,
    pin_field: None,
    extras: &Extras {
        list: ListShape::All,
        // Tags are never deleted, so there is nothing for `filter_deleted` to drop.
        list_params: &[ListParam::Bool("filter_deleted")],
        created_field: None,
        updated_field: None,
        views: &[
            View {
                op: "page_visit_conversion_tags/get",
                shape: ViewShape::Paged,
                item: page_visit_event,
            },
            View {
                op: "ocpm_eligible_conversion_tags/get",
                shape: ViewShape::ByAccount,
                item: ocpm_event,
            },
        ],
        ..Extras::NONE
    },
};

fn no_rules(_: &RuleInput<'_>) -> Result<(), Refusal> {
    Ok(())
}

fn derived(e: &Entity, _now: Timestamp, out: &mut Map<String, Value>) {
    let mut configs = Map::new();
    for name in AEM_FIELDS.iter().chain(&["md_frequency"]) {
        if let Some(v) = out.remove(*name) {
            configs.insert(name.to_string(), v);
        }
    }
    let enhanced = configs
        .get("aem_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    configs.insert("no_code_capi_domains".into(), Value::Array(Vec::new()));
    out.insert("configs".into(), Value::Object(configs));
    out.insert("code_snippet".into(), snippet(e.id, enhanced).into());
    // Enhanced match is validated when the tag fires with an email; pinbox's tags never fire.
    out.insert(
        "enhanced_match_status".into(),
        if enhanced {
            "NOT_VALIDATED".into()
        } else {
            Value::Null
        },
    );
    out.insert("last_fired_time_ms".into(), Value::Null);
    out.insert("version".into(), "3".into());
    out.insert("status".into(), e.status.clone().into());
}

/// Pinterest's base code for the tag, as Ads Manager shows it.
fn snippet(id: i64, enhanced: bool) -> String {
    let load = if enhanced {
        format!("pintrk('load', '{id}', {{em: '<user_email_address>'}});")
    } else {
        format!("pintrk('load', '{id}');")
    };
    format!(
        "<script type=\"text/javascript\">!function(e){{if(!window.pintrk){{window.pintrk=function(){{\
         window.pintrk.queue.push(Array.prototype.slice.call(arguments))}};var n=window.pintrk;\
         n.queue=[],n.version=\"3.0\";var t=document.createElement(\"script\");t.async=!0,t.src=e;\
         var r=document.getElementsByTagName(\"script\")[0];r.parentNode.insertBefore(t,r)}}}}\
         (\"https://s.pinimg.com/ct/core.js\");{load}pintrk('page');</script><noscript><img \
         height=\"1\" width=\"1\" style=\"display:none;\" alt=\"\" \
         src=\"https://ct.pinterest.com/v3/?event=init&tid={id}&noscript=1\" /></noscript>"
    )
}

fn event(e: &Entity, conversion_event: &str) -> Value {
    json!({
        "ad_account_id": e.ad_account_id.to_string(),
        "conversion_event": conversion_event,
        "conversion_tag_id": e.id.to_string(),
        "created_time": e.created_at.seconds(),
    })
}

/// Every tag's base code sends a page visit (`pintrk('page')`), so every active tag has one.
fn page_visit_event(e: &Entity) -> Value {
    event(e, "PAGE_VISIT")
}

/// Optimized CPM bids on the tag's page loads, which every active tag reports.
fn ocpm_event(e: &Entity) -> Value {
    event(e, "PAGE_LOAD")
}
