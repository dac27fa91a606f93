//! What every ads entity kind shares: its status and how it may move, the summary status a
//! read shows, and the bounds of money and time fields.

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::Type;
use crate::domain::ads::refusal::Refusal;

/// The spec's `EntityStatus`.
pub const ENTITY_STATUSES: &[&str] = &["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT"];

/// What a list shows when the client names no status: the spec's default.
pub const LISTED_BY_DEFAULT: &[&str] = &["ACTIVE", "PAUSED"];

/// An amount in micro-currency (1,000,000 = one unit of the account's currency).
pub const MICRO: Type = Type::Int {
    min: 0,
    max: 1_000_000_000_000_000,
};

/// A Unix time in seconds, up to the year 9999.
pub const UNIX_TIME: Type = Type::Int {
    min: 0,
    max: 253_402_300_799,
};

/// Pinterest's status machine: an archived entity stays archived, a deleted draft stays
/// deleted, and only a draft becomes a deleted draft.
pub fn check_transition(label: &str, from: &str, to: &str) -> Result<(), Refusal> {
    if from == to {
        return Ok(());
    }
    let refused = match from {
        "ARCHIVED" => Some("an archived entity stays archived"),
        "DELETED_DRAFT" => Some("a deleted draft stays deleted"),
        _ if to == "DELETED_DRAFT" && from != "DRAFT" => Some("only a draft can be deleted"),
        _ if to == "DRAFT" => Some("an entity that left draft cannot return to it"),
        _ => None,
    };
    match refused {
        Some(why) => Err(Refusal::invalid(format!(
            "Invalid {} parameters: 'status' cannot change from {from} to {to}: {why}.",
            label.to_lowercase()
        ))),
        None => Ok(()),
    }
}

/// The summary status of a campaign or ad group: its status, and for an active one where `now`
/// falls in its schedule (`running` inside it).
pub fn summary_status(e: &Entity, now: Timestamp, running: &'static str) -> &'static str {
    match e.status.as_str() {
        "PAUSED" => "PAUSED",
        "ARCHIVED" => "ARCHIVED",
        "DRAFT" => "DRAFT",
        "DELETED_DRAFT" => "DELETED_DRAFT",
        _ => {
            let now = now.seconds();
            if e.int("start_time").is_some_and(|s| now < s) {
                "NOT_STARTED"
            } else if e.int("end_time").is_some_and(|end| now >= end) {
                "COMPLETED"
            } else {
                running
            }
        }
    }
}
