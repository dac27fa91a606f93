//! Customer lists: the spec's `CustomerListRequest` / `CustomerListUpdateRequest` /
//! `CustomerList`. Records arrive hashed; pinbox keeps a short digest of each (to count the
//! distinct people and to remove them again) and the counters, never the records as sent.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Exceptions, Extras, Kind, KindId, Lit, Ops, Prepare, RuleInput, Type, field,
};
use crate::domain::ads::processing::{DONE_AT, done_at, processing, sized_status};
use crate::domain::ads::refusal::Refusal;

pub const LIST_TYPES: &[&str] = &[
    "EMAIL",
    "IDFA",
    "MAID",
    "LR_ID",
    "DLX_ID",
    "HASHED_PINNER_ID",
];
const OPERATIONS: &[&str] = &["ADD", "REMOVE"];

/// The most records one create or update takes.
pub const MAX_RECORDS: usize = 100_000;

/// The stored digests of the list's distinct records.
pub const DIGESTS: &str = "_digests";

pub static CUSTOMER_LIST: Kind = Kind {
    id: KindId::CustomerList,
    wire_type: "customerlist",
    label: "Customer list",
    ops: Ops {
        list: Some("customer_lists/list"),
        create: Some("customer_lists/create"),
        update: Some("customer_lists/update"),
        get: Some("customer_lists/get"),
        body: crate::domain::ads::kind::Body::Single,
        exceptions: Exceptions::List,
    },
    path_id: "customer_list_id",
    parent: None,
    fields: &[
        field("name", Type::Text(256)).required().fixed(),
        field("list_type", Type::Enum(LIST_TYPES))
            .default(Lit::Str("EMAIL"))
            .fixed(),
    ],
    filters: &[],
    rules: no_rules,
    derived,
    pin_field: None,
    extras: &Extras {
        prepare: Some(prepare),
        ..Extras::NONE
    },
};

fn no_rules(_: &RuleInput<'_>) -> Result<(), Refusal> {
    Ok(())
}

fn invalid(msg: String) -> Refusal {
    Refusal::invalid(format!("Invalid customer list parameters: {msg}"))
}

fn prepare(p: &Prepare<'_>, fields: &mut Map<String, Value>) -> Result<(), Refusal> {
    let list_type = fields
        .get("list_type")
        .and_then(Value::as_str)
        .unwrap_or("EMAIL")
        .to_string();
    let operation = match p.before {
        None => "ADD",
        Some(_) => match p.item.get("operation_type") {
            Some(Value::String(op)) if OPERATIONS.contains(&op.as_str()) => op.as_str(),
            None | Some(Value::Null) => {
                return Err(invalid(
                    "'operation_type' is required: ADD or REMOVE the records.".into(),
                ));
            }
            Some(_) => return Err(invalid("'operation_type' must be ADD or REMOVE.".into())),
        },
    };
    let records = match p.item.get("records") {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => {
            return Err(invalid(
                "'records' is required: the hashed identifiers, separated by commas.".into(),
            ));
        }
        Some(_) => {
            return Err(invalid(
                "'records' must be a string of hashed identifiers separated by commas.".into(),
            ));
        }
    };
    let mut digests = Vec::new();
    for (n, record) in records
        .split([',', '\n'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .enumerate()
    {
        if n >= MAX_RECORDS {
            return Err(invalid(format!(
                "'records' holds more than {MAX_RECORDS} records; send them in several updates \
                 (operation_type ADD)."
            )));
        }
        digests.push(digest(&check_record(&list_type, record, n)?));
    }
    if digests.is_empty() {
        return Err(invalid(
            "'records' holds no records; give at least one hashed identifier.".into(),
        ));
    }

    let mut set: BTreeSet<String> = fields
        .get(DIGESTS)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|d| d.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let count = digests.len() as i64;
    let (uploaded, removed) = if operation == "ADD" {
        set.extend(digests);
        (count, 0)
    } else {
        for d in &digests {
            set.remove(d);
        }
        (0, count)
    };
    let add = |fields: &mut Map<String, Value>, name: &str, by: i64| {
        let now = fields.get(name).and_then(Value::as_i64).unwrap_or(0);
        fields.insert(name.into(), Value::from(now + by));
    };
    add(fields, "num_batches", 1);
    add(fields, "num_uploaded_user_records", uploaded);
    add(fields, "num_removed_user_records", removed);
    fields.insert(
        DIGESTS.into(),
        Value::Array(set.into_iter().map(Value::from).collect()),
    );
    fields.insert(DONE_AT.into(), done_at(p.now));
    Ok(())
}

/// A record of the list's type, normalised (hex in lower case), or the refusal saying what it
/// must be. Raw emails and device ids are personal data: Pinterest asks for them hashed, and
/// pinbox refuses them rather than hold them.
fn check_record(list_type: &str, record: &str, n: usize) -> Result<String, Refusal> {
    let shown: String = record.chars().take(12).collect();
    let at = format!("record {} ('{shown}...')", n + 1);
    match list_type {
        "LR_ID" | "DLX_ID" => {
            let ok = record.len() <= 256
                && record
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if ok {
                Ok(record.to_string())
            } else {
                Err(invalid(format!(
                    "{at} is not a {list_type} (letters, digits, '-' and '_', at most 256)."
                )))
            }
        }
        _ => {
            if is_hash(record) {
                return Ok(record.to_ascii_lowercase());
            }
            let what = match list_type {
                "EMAIL" if record.contains('@') => {
                    "is a plain email address; hash each address (lower-cased, trimmed) with \
                     SHA-256 and send the hex digest"
                }
                "EMAIL" => "is not a hashed email; send the SHA-256, SHA-1 or MD5 hex digest",
                _ => "is not hashed; send the identifier's SHA-256, SHA-1 or MD5 hex digest",
            };
            Err(invalid(format!("'records' {at} {what}.")))
        }
    }
}

/// An MD5, SHA-1 or SHA-256 digest in hex.
fn is_hash(s: &str) -> bool {
    matches!(s.len(), 32 | 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What pinbox keeps of one record: the first 64 bits of its SHA-256, in hex.
fn digest(record: &str) -> String {
    let d = Sha256::digest(record.as_bytes());
    d[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// How many distinct records the list holds.
pub fn size(e: &Entity) -> u64 {
    e.fields
        .get(DIGESTS)
        .and_then(Value::as_array)
        .map_or(0, |a| a.len() as u64)
}

fn derived(e: &Entity, now: Timestamp, out: &mut Map<String, Value>) {
    let status = if processing(e, now) {
        "PROCESSING"
    } else {
        sized_status(size(e))
    };
    out.insert("status".into(), status.into());
    for name in [
        "num_batches",
        "num_uploaded_user_records",
        "num_removed_user_records",
    ] {
        out.entry(name).or_insert(Value::from(0));
    }
    out.insert("exceptions".into(), Value::Object(Map::new()));
}
