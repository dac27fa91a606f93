//! Customer list uploads: the spec's `CustomerListUploadCreateRequest` /
//! `CustomerListUploadCreateResponse` / `CustomerListUploadResponse`, under a customer list;
//! created NOT_STARTED, RUNNING once run, SUCCEEDED when processing has ended.

use serde_json::{Map, Value, json};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Action, Body, Exceptions, Extras, Kind, KindId, Ops, Parent, RuleInput, Type, field,
};
use crate::domain::ads::processing::{DONE_AT, done_at, processing};
use crate::domain::ads::refusal::Refusal;

pub static CUSTOMER_LIST_UPLOAD: Kind = Kind {
    id: KindId::CustomerListUpload,
    wire_type: "",
    label: "Customer list upload",
    ops: Ops {
        list: None,
        create: Some("customer_list_uploads/create"),
        update: None,
        get: Some("customer_list_uploads/get"),
        body: Body::Single,
        exceptions: Exceptions::List,
    },
    path_id: "customer_list_upload_id",
    parent: Some(Parent {
        field: "customer_list_id",
        kind: KindId::CustomerList,
        prefix: "",
    }),
    fields: &[
        field("customer_list_id", Type::Text(20)).required().fixed(),
        field("operation", Type::Enum(&["ADD", "REMOVE"]))
            .required()
            .fixed(),
        field("total_parts", Type::Int { min: 1, max: 10 })
            .required()
            .fixed(),
    ],
    filters: &[],
    rules: no_rules,
    derived,
    pin_field: None,
    extras: &Extras {
        created_field: Some("creation_time"),
        created_answer: Some(created_answer),
        action: Some(Action {
            op: "customer_list_uploads/run",
            apply: run,
        }),
        ..Extras::NONE
    },
};

fn no_rules(_: &RuleInput<'_>) -> Result<(), Refusal> {
    Ok(())
}

/// Starts processing, once.
fn run(e: &Entity, now: Timestamp) -> Result<Map<String, Value>, Refusal> {
    if e.fields.contains_key(DONE_AT) {
        return Err(Refusal::invalid(format!(
            "Invalid customer list upload parameters: upload {} has already been run; create a \
             new upload to send more records.",
            e.id
        )));
    }
    let mut fields = e.fields.clone();
    fields.insert(DONE_AT.into(), done_at(now));
    Ok(fields)
}

fn derived(e: &Entity, now: Timestamp, out: &mut Map<String, Value>) {
    let (state, counts) = if !e.fields.contains_key(DONE_AT) {
        ("NOT_STARTED", Value::Null)
    } else if processing(e, now) {
        ("RUNNING", Value::Null)
    } else {
        // pinbox serves no storage for the parts, so a run finds no records in them.
        (
            "SUCCEEDED",
            json!({"processed": 0, "valid": 0, "invalid": 0}),
        )
    };
    out.insert("state".into(), state.into());
    out.insert("record_counts".into(), counts);
    out.insert("error_counts".into(), Value::Null);
}

/// The upload with one upload URL per part. pinbox keeps no store for the parts, so the URLs
/// are under the reserved `.invalid` domain: a client that sends to them fails at once rather
/// than seem to succeed.
fn created_answer(e: &Entity, upload: Value) -> Value {
    let parts = e.int("total_parts").unwrap_or(1);
    let file_parts: Vec<Value> = (1..=parts)
        .map(|n| {
            json!({
                "part_number": n,
                "presigned_url": format!(
                    "https://customer-list-uploads.pinbox.invalid/{}/parts/{n}",
                    e.id
                ),
            })
        })
        .collect();
    json!({
        "customer_list_upload": upload,
        "s3_multipart_upload_data": {"file_parts": file_parts},
    })
}
