//! Work Pinterest does after answering (matching a customer list's records, building an
//! audience, running an upload): the instant it ends is stored with the entity when the work
//! starts, and every read compares it with pinbox's clock, so no timer moves anything and every
//! replica agrees.

use serde_json::Value;

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;

/// How long processing takes on pinbox's clock.
pub const PROCESSING_SECONDS: i64 = 60;

/// Pinterest's minimum audience: fewer people than this and a list or audience is TOO_SMALL.
pub const MIN_AUDIENCE: u64 = 100;

/// The stored field holding when processing ends, in Unix seconds.
pub const DONE_AT: &str = "_processing_until";

/// The value of [`DONE_AT`] for work starting at `now`.
pub fn done_at(now: Timestamp) -> Value {
    Value::from(now.seconds() + PROCESSING_SECONDS)
}

/// Whether the entity's processing has not ended at `now`.
pub fn processing(e: &Entity, now: Timestamp) -> bool {
    e.int(DONE_AT).is_some_and(|end| now.seconds() < end)
}

/// READY, or TOO_SMALL under Pinterest's minimum, once processing has ended.
pub fn sized_status(size: u64) -> &'static str {
    if size >= MIN_AUDIENCE {
        "READY"
    } else {
        "TOO_SMALL"
    }
}
