//! Ad groups: the spec's `AdGroupCreateRequest` / `AdGroupResponse`, under a campaign, and
//! Pinterest's rules on budgets (within the campaign's), bids, billing and targeting.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::ads::campaign::check_schedule;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Extras, Filter, Kind, KindId, Lineage, Lit, Ops, Parent, Ref, RuleInput, Type, field,
};
use crate::domain::ads::refusal::Refusal;
use crate::domain::ads::status::{ENTITY_STATUSES, MICRO, UNIX_TIME, summary_status};

const BUDGET_TYPES: &[&str] = &["DAILY", "LIFETIME", "CBO_ADGROUP"];
const BID_STRATEGIES: &[&str] = &["AUTOMATIC_BID", "MAX_BID", "TARGET_AVG"];
const BILLABLE_EVENTS: &[&str] = &["CLICKTHROUGH", "IMPRESSION", "VIDEO_V_50_MRC"];
const PACING: &[&str] = &["STANDARD", "ACCELERATED"];
const PLACEMENTS: &[&str] = &["ALL", "SEARCH", "BROWSE", "OTHER"];
const PROMOTION_LEVELS: &[&str] = &["NONE", "ITEM", "AD_GROUP"];

pub static AD_GROUP: Kind = Kind {
    id: KindId::AdGroup,
    wire_type: "adgroup",
    label: "Ad group",
    ops: Ops::batch(
        "ad_groups/list",
        "ad_groups/create",
        "ad_groups/update",
        "ad_groups/get",
    ),
    path_id: "ad_group_id",
    parent: Some(Parent {
        field: "campaign_id",
        kind: KindId::Campaign,
        prefix: "C",
    }),
    fields: &[
        field("name", Type::Text(256)).required(),
        field("status", Type::Enum(ENTITY_STATUSES)).default(Lit::Str("ACTIVE")),
        field("budget_in_micro_currency", MICRO).nullable(),
        field("bid_in_micro_currency", MICRO).nullable(),
        field("optimization_goal_metadata", Type::Object).nullable(),
        field("budget_type", Type::Enum(BUDGET_TYPES)).default(Lit::Str("DAILY")),
        field("start_time", UNIX_TIME).nullable(),
        field("end_time", UNIX_TIME).nullable(),
        field("targeting_spec", Type::Targeting),
        field(
            "lifetime_frequency_cap",
            Type::Int {
                min: 0,
                max: 1_000_000,
            },
        ),
        field("tracking_urls", Type::TrackingUrls).nullable(),
        field("auto_targeting_enabled", Type::Bool)
            .default(Lit::Bool(true))
            .null_on_update(),
        field("placement_group", Type::Enum(PLACEMENTS)).default(Lit::Str("ALL")),
        field("pacing_delivery_type", Type::Enum(PACING)).default(Lit::Str("STANDARD")),
        field("campaign_id", Type::Text(20)).required().fixed(),
        field("billable_event", Type::Enum(BILLABLE_EVENTS)).required(),
        field("bid_strategy_type", Type::Enum(BID_STRATEGIES))
            .nullable()
            .default(Lit::Str("AUTOMATIC_BID")),
        field("targeting_template_ids", Type::DigitsList).nullable(),
        field("is_creative_optimization", Type::Bool).nullable(),
        field("promotion_id", Type::Digits).nullable(),
        field("promotion_application_level", Type::Enum(PROMOTION_LEVELS)).nullable(),
        field(
            "bid_multiplier",
            Type::Number {
                min: 0.0,
                max: 10.0,
            },
        ),
    ],
    filters: &[
        Filter {
            param: "campaign_ids",
            on: Lineage::Parent,
            max_len: Some(18),
        },
        Filter {
            param: "ad_group_ids",
            on: Lineage::Own,
            max_len: None,
        },
    ],
    rules,
    derived,
    pin_field: None,
    extras: &Extras {
        refs: &[Ref {
            path: &["targeting_template_ids"],
            kind: KindId::TargetingTemplate,
        }],
        ..Extras::NONE
    },
};

/// The billable event each objective allows, as Pinterest's campaign set-up documents them.
fn billable_events_of(objective: &str) -> &'static [&'static str] {
    match objective {
        "AWARENESS" => &["IMPRESSION"],
        "CONSIDERATION" => &["CLICKTHROUGH"],
        "VIDEO_COMPLETION" => &["VIDEO_V_50_MRC", "IMPRESSION"],
        _ => &["IMPRESSION", "CLICKTHROUGH"],
    }
}

fn rules(r: &RuleInput<'_>) -> Result<(), Refusal> {
    let campaign = r.parent.expect("an ad group is checked with its campaign");
    let invalid = |msg: String| {
        Err(Refusal::invalid(format!(
            "Invalid ad group parameters: {msg}"
        )))
    };

    let objective = campaign.str("objective_type").unwrap_or("AWARENESS");
    let billable = r.str("billable_event").unwrap_or("");
    let allowed = billable_events_of(objective);
    if !allowed.contains(&billable) {
        return invalid(format!(
            "'billable_event' {billable} does not fit the campaign's objective {objective}; use \
             {}.",
            allowed.join(" or ")
        ));
    }

    let cbo = campaign
        .fields
        .get("is_campaign_budget_optimization")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let budget = r.int("budget_in_micro_currency");
    let budget_type = r.str("budget_type").unwrap_or("DAILY");
    if cbo {
        if budget.is_some() {
            return invalid(
                "the campaign uses campaign budget optimization, so its ad groups take no \
                 'budget_in_micro_currency'; leave it out or null."
                    .into(),
            );
        }
    } else {
        if budget_type == "CBO_ADGROUP" {
            return invalid(
                "'budget_type' CBO_ADGROUP needs a campaign with campaign budget optimization."
                    .into(),
            );
        }
        if budget.is_none() {
            return invalid(
                "'budget_in_micro_currency' is required unless the campaign uses campaign \
                 budget optimization."
                    .into(),
            );
        }
    }
    if budget_type == "LIFETIME" && r.int("end_time").is_none() {
        return invalid("a LIFETIME budget needs an 'end_time'.".into());
    }
    if let Some(b) = budget {
        let (cap_field, cap) = if budget_type == "LIFETIME" {
            ("lifetime_spend_cap", campaign.int("lifetime_spend_cap"))
        } else {
            ("daily_spend_cap", campaign.int("daily_spend_cap"))
        };
        if let Some(cap) = cap
            && b > cap
        {
            return invalid(format!(
                "'budget_in_micro_currency' ({b}) is over the campaign's {cap_field} ({cap}); \
                 lower it or raise the campaign's."
            ));
        }
    }

    let strategy = r.str("bid_strategy_type").unwrap_or("AUTOMATIC_BID");
    let bid = r.int("bid_in_micro_currency");
    match (strategy, bid) {
        ("MAX_BID" | "TARGET_AVG", None) => {
            return invalid(format!(
                "'bid_strategy_type' {strategy} needs 'bid_in_micro_currency'."
            ));
        }
        ("AUTOMATIC_BID", Some(_)) => {
            return invalid(
                "'bid_in_micro_currency' must be null with 'bid_strategy_type' AUTOMATIC_BID; \
                 Pinterest sets the bid."
                    .into(),
            );
        }
        _ => {}
    }
    if let (Some(b), Some(budget)) = (bid, budget)
        && b > budget
    {
        return invalid(format!(
            "'bid_in_micro_currency' ({b}) is over the ad group's budget ({budget})."
        ));
    }

    if let (Some(start), Some(campaign_start)) = (r.int("start_time"), campaign.int("start_time"))
        && start < campaign_start
    {
        return invalid(format!(
            "'start_time' ({start}) is before its campaign's start_time ({campaign_start})."
        ));
    }
    check_schedule(r, "ad group")
}

fn derived(e: &Entity, now: Timestamp, out: &mut Map<String, Value>) {
    out.insert(
        "summary_status".into(),
        summary_status(e, now, "RUNNING").into(),
    );
    out.insert("conversion_learning_mode_type".into(), Value::Null);
    out.insert("feed_profile_id".into(), "0".into());
    out.insert("dca_assets".into(), Value::Null);
}
