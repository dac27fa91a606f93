//! Campaigns: the spec's `CampaignCreateRequest` / `CampaignResponse`, and Pinterest's rules on
//! spend caps, budget optimization, schedule and objective.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Extras, Filter, Kind, KindId, Lineage, Lit, Ops, RuleInput, Type, field,
};
use crate::domain::ads::refusal::Refusal;
use crate::domain::ads::status::{ENTITY_STATUSES, MICRO, UNIX_TIME, summary_status};

pub const OBJECTIVE_TYPES: &[&str] = &[
    "AWARENESS",
    "CONSIDERATION",
    "WEB_CONVERSION",
    "CATALOG_SALES",
    "VIDEO_COMPLETION",
];

pub static CAMPAIGN: Kind = Kind {
    id: KindId::Campaign,
    wire_type: "campaign",
    label: "Campaign",
    ops: Ops::batch(
        "campaigns/list",
        "campaigns/create",
        "campaigns/update",
        "campaigns/get",
    ),
    path_id: "campaign_id",
    parent: None,
    fields: &[
        field("name", Type::Text(256)).required(),
        field("status", Type::Enum(ENTITY_STATUSES)).default(Lit::Str("ACTIVE")),
        field("objective_type", Type::Enum(OBJECTIVE_TYPES))
            .required()
            .null_on_update(),
        field("lifetime_spend_cap", MICRO).nullable(),
        field("daily_spend_cap", MICRO).nullable(),
        field("order_line_id", Type::Digits).nullable(),
        field("tracking_urls", Type::TrackingUrls).nullable(),
        field("start_time", UNIX_TIME).nullable().default(Lit::Now),
        field("end_time", UNIX_TIME).nullable(),
        field("is_flexible_daily_budgets", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("default_ad_group_budget_in_micro_currency", MICRO).nullable(),
        field("is_campaign_budget_optimization", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("is_automated_campaign", Type::Bool)
            .nullable()
            .default(Lit::Bool(false)),
        field("is_performance_plus", Type::Bool).default(Lit::Bool(false)),
        field("bid_options", Type::Object).nullable(),
    ],
    filters: &[Filter {
        param: "campaign_ids",
        on: Lineage::Own,
        max_len: Some(18),
    }],
    rules,
    derived,
    pin_field: None,
    extras: &Extras::NONE,
};

fn rules(r: &RuleInput<'_>) -> Result<(), Refusal> {
    let daily = r.int("daily_spend_cap");
    let lifetime = r.int("lifetime_spend_cap");
    if daily.is_some() && lifetime.is_some() {
        return Err(Refusal::invalid(
            "Invalid campaign parameters: 'daily_spend_cap' and 'lifetime_spend_cap' cannot both \
             be set; set one, and null the other.",
        ));
    }
    if r.bool("is_campaign_budget_optimization") && daily.is_none() && lifetime.is_none() {
        return Err(Refusal::invalid(
            "Invalid campaign parameters: a campaign budget optimization (CBO) campaign needs \
             'daily_spend_cap' or 'lifetime_spend_cap'.",
        ));
    }
    if r.bool("is_flexible_daily_budgets") && lifetime.is_some() {
        return Err(Refusal::invalid(
            "Invalid campaign parameters: 'is_flexible_daily_budgets' works with a daily budget, \
             not 'lifetime_spend_cap'.",
        ));
    }
    if lifetime.is_some() && r.int("end_time").is_none() {
        return Err(Refusal::invalid(
            "Invalid campaign parameters: a lifetime budget needs an 'end_time'.",
        ));
    }
    check_schedule(r, "campaign")?;
    if r.changes("objective_type") && r.before.is_some_and(|b| b.status != "DRAFT") {
        return Err(Refusal::invalid(
            "Invalid campaign parameters: 'objective_type' can only change on a DRAFT campaign.",
        ));
    }
    Ok(())
}

/// Start before end, and an end that has not passed when it is set.
pub fn check_schedule(r: &RuleInput<'_>, what: &str) -> Result<(), Refusal> {
    let start = r.int("start_time");
    let end = r.int("end_time");
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        return Err(Refusal::invalid(format!(
            "Invalid {what} parameters: 'end_time' ({e}) must be after 'start_time' ({s})."
        )));
    }
    let sets_end = r.before.is_none() || r.changes("end_time");
    if let Some(e) = end
        && sets_end
        && e <= r.now.seconds()
    {
        return Err(Refusal::invalid(format!(
            "Invalid {what} parameters: 'end_time' ({e}) is in the past; give a Unix time in \
             seconds after now ({}).",
            r.now.seconds()
        )));
    }
    Ok(())
}

fn derived(e: &Entity, now: Timestamp, out: &mut Map<String, Value>) {
    out.insert(
        "summary_status".into(),
        summary_status(e, now, "RUNNING").into(),
    );
}
