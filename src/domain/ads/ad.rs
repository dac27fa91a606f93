//! Ads (Pin promotions): the spec's `AdCreateRequest` / `AdResponse`, under an ad group,
//! promoting a Pin of the ad account's owner whose creative type matches the ad's.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::ads::entity::Entity;
use crate::domain::ads::kind::{
    Extras, Filter, Kind, KindId, Lineage, Lit, Ops, Parent, RuleInput, Type, field,
};
use crate::domain::ads::refusal::Refusal;
use crate::domain::ads::status::ENTITY_STATUSES;
use crate::domain::pins::ALL_CREATIVE_TYPES;

/// The spec's `CustomizableCTAType`.
const CTA_TYPES: &[&str] = &[
    "GET_OFFER",
    "LEARN_MORE",
    "ORDER_NOW",
    "SHOP_NOW",
    "SIGN_UP",
    "SUBSCRIBE",
    "BUY_NOW",
    "CONTACT_US",
    "GET_QUOTE",
    "VISIT_SITE",
    "APPLY_NOW",
    "BOOK_NOW",
    "REQUEST_DEMO",
    "REGISTER_NOW",
    "FIND_A_DEALER",
    "ADD_TO_CART",
    "WATCH_NOW",
    "READ_MORE",
    "BUY_TICKETS",
    "DONATE_NOW",
    "DOWNLOAD",
    "EXPLORE_MORE",
    "FIND_A_LOCATION",
    "GET_DEAL",
    "GET_RECIPE",
    "GET_SHOWTIMES",
    "ON_SALE",
    "PLAY_GAME",
    "TRY_IT",
];
const DISCLOSURE_TYPES: &[&str] = &[
    "NO_DISCLOSURE",
    "PRESCRIBING_INFORMATION",
    "PRESCRIBING_INFORMATION_BOX_WARNING",
    "IMPORTANT_SAFETY_INFO",
    "MED_GUIDE",
    "PATIENT_INFORMATION",
];
const GRID_CLICK_TYPES: &[&str] = &["CLOSEUP", "DIRECT_TO_DESTINATION"];
const URL_MAX: usize = 2048;

pub static AD: Kind = Kind {
    id: KindId::Ad,
    wire_type: "pinpromotion",
    label: "Ad",
    ops: Ops::batch("ads/list", "ads/create", "ads/update", "ads/get").one_exception(),
    path_id: "ad_id",
    parent: Some(Parent {
        field: "ad_group_id",
        kind: KindId::AdGroup,
        prefix: "AG",
    }),
    fields: &[
        field("ad_group_id", Type::Text(22)).required().fixed(),
        field("android_deep_link", Type::Text(URL_MAX)).nullable(),
        field("carousel_android_deep_links", Type::Texts(URL_MAX)).nullable(),
        field("carousel_destination_urls", Type::Texts(URL_MAX)).nullable(),
        field("carousel_ios_deep_links", Type::Texts(URL_MAX)).nullable(),
        field("click_tracking_url", Type::Text(URL_MAX)).nullable(),
        field("creative_type", Type::Enum(ALL_CREATIVE_TYPES)).required(),
        field("destination_url", Type::Text(URL_MAX)).nullable(),
        field("ios_deep_link", Type::Text(URL_MAX)).nullable(),
        field("is_pin_deleted", Type::Bool),
        field("is_removable", Type::Bool),
        field("name", Type::Text(256)).nullable(),
        field("status", Type::Enum(ENTITY_STATUSES)).default(Lit::Str("ACTIVE")),
        field("tracking_urls", Type::TrackingUrls).nullable(),
        field("view_tracking_url", Type::Text(URL_MAX)).nullable(),
        field("lead_form_id", Type::PrefixedDigits("AG")).nullable(),
        field("grid_click_type", Type::Enum(GRID_CLICK_TYPES)).nullable(),
        field("customizable_cta_type", Type::Enum(CTA_TYPES)).nullable(),
        field("disclosure_type", Type::Enum(DISCLOSURE_TYPES)).nullable(),
        field("disclosure_url", Type::Text(URL_MAX)).nullable(),
        field("quiz_pin_data", Type::Object).nullable(),
        field("pin_id", Type::Digits)
            .required()
            .fixed()
            .null_on_update(),
    ],
    filters: &[
        Filter {
            param: "campaign_ids",
            on: Lineage::Root,
            max_len: Some(18),
        },
        Filter {
            param: "ad_group_ids",
            on: Lineage::Parent,
            max_len: None,
        },
        Filter {
            param: "ad_ids",
            on: Lineage::Own,
            max_len: None,
        },
    ],
    rules,
    derived,
    pin_field: Some("pin_id"),
    extras: &Extras::NONE,
};

/// The Pin creative types each ad creative type promotes. Shopping, collection, idea and the
/// other formats need catalog or multi-page Pins pinbox does not model.
fn pin_types_of(creative_type: &str) -> &'static [&'static str] {
    match creative_type {
        "REGULAR" | "MAX_WIDTH_REGULAR_COLLECTION" => &["REGULAR"],
        "VIDEO" | "MAX_VIDEO" => &["VIDEO"],
        "CAROUSEL" => &["CAROUSEL"],
        _ => &[],
    }
}

fn rules(r: &RuleInput<'_>) -> Result<(), Refusal> {
    let invalid = |msg: String| Err(Refusal::invalid(format!("Invalid ad parameters: {msg}")));
    // An update of an ad whose Pin was deleted since has no Pin to check.
    let Some(pin) = r.pin else {
        return Ok(());
    };
    if pin.on_secret_board {
        return invalid(
            "the Pin is on a secret board, and secret Pins cannot be promoted; move it to a \
             public board or use an ad-only Pin."
                .into(),
        );
    }
    let creative = r.str("creative_type").unwrap_or("");
    let fits = pin_types_of(creative);
    if fits.is_empty() {
        return invalid(format!(
            "'creative_type' {creative} needs Pin formats pinbox does not model; use REGULAR, \
             VIDEO, MAX_VIDEO or CAROUSEL."
        ));
    }
    if !fits.contains(&pin.creative_type) {
        return invalid(format!(
            "'creative_type' {creative} does not match the Pin, which is a {} Pin; use {}.",
            pin.creative_type,
            match pin.creative_type {
                "VIDEO" => "VIDEO or MAX_VIDEO",
                "CAROUSEL" => "CAROUSEL",
                _ => "REGULAR",
            }
        ));
    }
    for name in [
        "destination_url",
        "click_tracking_url",
        "view_tracking_url",
        "disclosure_url",
    ] {
        if let Some(url) = r.str(name)
            && !is_web_url(url)
        {
            return invalid(format!("'{name}' must be an http:// or https:// URL."));
        }
    }
    Ok(())
}

fn is_web_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

fn derived(e: &Entity, _now: Timestamp, out: &mut Map<String, Value>) {
    out.insert(
        "campaign_id".into(),
        e.root_id.map(|c| c.to_string()).into(),
    );
    let summary = match e.status.as_str() {
        "ACTIVE" => "APPROVED",
        other => other,
    };
    out.insert("summary_status".into(), summary.into());
    out.insert("review_status".into(), "APPROVED".into());
    out.insert("rejected_reasons".into(), Value::Array(Vec::new()));
    out.insert("rejection_labels".into(), Value::Array(Vec::new()));
    out.insert(
        "collection_items_destination_url_template".into(),
        Value::Null,
    );
    out.entry("is_pin_deleted").or_insert(Value::Bool(false));
    out.entry("is_removable").or_insert(Value::Bool(false));
}
