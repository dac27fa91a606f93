//! The operation catalog: every Pinterest operation pinbox serves, with the scopes, rate-limit
//! category and Sandbox availability the spec gives it. Routing, authentication and scope checks
//! are driven from here, never repeated in handlers; `tests/catalog.rs` checks it against the spec.

pub mod area;
pub mod route;
pub mod scope;

mod spec_index;

pub use spec_index::{SPEC_OPERATIONS, SPEC_VERSION};

use crate::catalog::scope::{Scope, Scope::*, Scopes};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One operation of Pinterest's spec as pinbox was built against it, served or not.
#[derive(Debug, Clone, Copy)]
pub struct SpecOperation {
    pub method: Method,
    /// The spec's path, without the `/v5` server prefix.
    pub path: &'static str,
    /// The spec's operationId.
    pub id: &'static str,
    /// The scopes of the spec's `pinterest_oauth2` requirement.
    pub scopes: &'static [&'static str],
    /// Whether the spec also accepts an app token (the `client_credentials` scheme).
    pub client_credentials: bool,
    /// Whether the spec asks for HTTP Basic with the app id and secret (the `basic` scheme).
    pub client_basic: bool,
    /// The spec's `x-ratelimit-category`.
    pub category: Option<&'static str>,
    /// The spec's `x-sandbox`.
    pub sandbox: Option<&'static str>,
}

/// The spec's `x-ratelimit-category`: operations in one category share one quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateCategory {
    OrgRead,
    OrgWrite,
    OrgAnalytics,
    AdsRead,
    AdsWrite,
    AdsAnalytics,
    AdsConversions,
    CatalogsRead,
    CatalogsWrite,
    TrendsRead,
    MsotWrite,
    AdvancedAuctionRead,
    AdvancedAuctionWrite,
}

impl RateCategory {
    pub const ALL: &'static [RateCategory] = &[
        RateCategory::OrgRead,
        RateCategory::OrgWrite,
        RateCategory::OrgAnalytics,
        RateCategory::AdsRead,
        RateCategory::AdsWrite,
        RateCategory::AdsAnalytics,
        RateCategory::AdsConversions,
        RateCategory::CatalogsRead,
        RateCategory::CatalogsWrite,
        RateCategory::TrendsRead,
        RateCategory::MsotWrite,
        RateCategory::AdvancedAuctionRead,
        RateCategory::AdvancedAuctionWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RateCategory::OrgRead => "org_read",
            RateCategory::OrgWrite => "org_write",
            RateCategory::OrgAnalytics => "org_analytics",
            RateCategory::AdsRead => "ads_read",
            RateCategory::AdsWrite => "ads_write",
            RateCategory::AdsAnalytics => "ads_analytics",
            RateCategory::AdsConversions => "ads_conversions",
            RateCategory::CatalogsRead => "catalogs_read",
            RateCategory::CatalogsWrite => "catalogs_write",
            RateCategory::TrendsRead => "trends_read",
            RateCategory::MsotWrite => "msot_write",
            RateCategory::AdvancedAuctionRead => "advanced_auction_read",
            RateCategory::AdvancedAuctionWrite => "advanced_auction_write",
        }
    }

    pub fn parse(s: &str) -> Option<RateCategory> {
        RateCategory::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The category's place in [`RateCategory::ALL`], for tables indexed by category.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// The spec's `x-sandbox`: whether Pinterest's API Sandbox serves the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sandbox {
    Enabled,
    Disabled,
}

impl Sandbox {
    pub fn as_str(self) -> &'static str {
        match self {
            Sandbox::Enabled => "enabled",
            Sandbox::Disabled => "disabled",
        }
    }
}

/// How a caller proves who it is for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <access token>` carrying the operation's scopes.
    Bearer,
    /// HTTP Basic with the app id and secret (the OAuth token endpoints).
    ClientBasic,
}

#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The spec's operationId, e.g. `boards/create`.
    pub id: &'static str,
    pub method: Method,
    /// The spec's path, without the `/v5` server prefix.
    pub path: &'static str,
    pub auth: Auth,
    /// Every scope the operation requires (the spec's `pinterest_oauth2` requirement).
    pub scopes: Scopes,
    /// Whether the spec also accepts an app-context token (the client-credentials grant), which
    /// then acts as its app's owner. The spec lists the same scopes for it as for a user's token
    /// (`tests/catalog.rs` checks), so `scopes` holds for both.
    pub client_credentials: bool,
    pub category: RateCategory,
    pub sandbox: Sandbox,
}

const fn op(
    id: &'static str,
    method: Method,
    path: &'static str,
    scopes: &[Scope],
    client_credentials: bool,
    category: RateCategory,
    sandbox: Sandbox,
) -> Operation {
    Operation {
        id,
        method,
        path,
        auth: Auth::Bearer,
        scopes: Scopes::of(scopes),
        client_credentials,
        category,
        sandbox,
    }
}

/// An operation the app calls as an OAuth client, with HTTP Basic (app id and secret).
const fn client_op(
    id: &'static str,
    method: Method,
    path: &'static str,
    category: RateCategory,
    sandbox: Sandbox,
) -> Operation {
    Operation {
        id,
        method,
        path,
        auth: Auth::ClientBasic,
        scopes: Scopes::EMPTY,
        client_credentials: false,
        category,
        sandbox,
    }
}

use Method::{Delete, Get, Patch, Post};
use RateCategory::{AdsAnalytics, AdsConversions, OrgAnalytics, OrgRead, OrgWrite};
use Sandbox::{Disabled, Enabled};

/// Every operation pinbox serves. Adding one here without a handler (or the reverse) fails at start-up.
#[rustfmt::skip]
pub static OPERATIONS: &[Operation] = &[
    // user account
    op("user_account/get", Get, "/user_account", &[UserAccountsRead], true, OrgRead, Enabled),
    // boards
    op("boards/list", Get, "/boards", &[BoardsRead], true, OrgRead, Enabled),
    op("boards/create", Post, "/boards", &[BoardsRead, BoardsWrite], true, OrgWrite, Enabled),
    op("boards/get", Get, "/boards/{board_id}", &[BoardsRead], true, OrgRead, Enabled),
    op("boards/update", Patch, "/boards/{board_id}", &[BoardsRead, BoardsWrite], true, OrgWrite, Enabled),
    op("boards/delete", Delete, "/boards/{board_id}", &[BoardsRead, BoardsWrite], false, OrgWrite, Enabled),
    op("boards/list_pins", Get, "/boards/{board_id}/pins", &[BoardsRead, PinsRead], true, OrgRead, Enabled),
    // board sections
    op("board_sections/list", Get, "/boards/{board_id}/sections", &[BoardsRead], true, OrgRead, Enabled),
    op("board_sections/create", Post, "/boards/{board_id}/sections", &[BoardsRead, BoardsWrite], false, OrgWrite, Enabled),
    op("board_sections/update", Patch, "/boards/{board_id}/sections/{section_id}", &[BoardsRead, BoardsWrite], false, OrgWrite, Enabled),
    op("board_sections/delete", Delete, "/boards/{board_id}/sections/{section_id}", &[BoardsRead, BoardsWrite], false, OrgWrite, Enabled),
    op("board_sections/list_pins", Get, "/boards/{board_id}/sections/{section_id}/pins", &[BoardsRead, PinsRead], true, OrgRead, Enabled),
    // Pins
    op("pins/list", Get, "/pins", &[BoardsRead, PinsRead], true, OrgRead, Enabled),
    op("pins/create", Post, "/pins", &[BoardsRead, BoardsWrite, PinsRead, PinsWrite], true, OrgWrite, Enabled),
    op("pins/get", Get, "/pins/{pin_id}", &[BoardsRead, PinsRead], true, OrgRead, Enabled),
    op("pins/update", Patch, "/pins/{pin_id}", &[BoardsRead, BoardsWrite, PinsRead, PinsWrite], true, OrgWrite, Enabled),
    op("pins/delete", Delete, "/pins/{pin_id}", &[BoardsRead, BoardsWrite, PinsRead, PinsWrite], true, OrgWrite, Enabled),
    op("pins/save", Post, "/pins/{pin_id}/save", &[BoardsRead, BoardsWrite, PinsRead, PinsWrite], false, OrgWrite, Enabled),
    // ad accounts
    op("ad_accounts/list", Get, "/ad_accounts", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("ad_accounts/create", Post, "/ad_accounts", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("ad_accounts/get", Get, "/ad_accounts/{ad_account_id}", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("sandbox/delete", Delete, "/ad_accounts/{ad_account_id}/sandbox", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    // ads entities
    op("campaigns/list", Get, "/ad_accounts/{ad_account_id}/campaigns", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("campaigns/create", Post, "/ad_accounts/{ad_account_id}/campaigns", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("campaigns/update", Patch, "/ad_accounts/{ad_account_id}/campaigns", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("campaigns/get", Get, "/ad_accounts/{ad_account_id}/campaigns/{campaign_id}", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("ad_groups/list", Get, "/ad_accounts/{ad_account_id}/ad_groups", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("ad_groups/create", Post, "/ad_accounts/{ad_account_id}/ad_groups", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("ad_groups/update", Patch, "/ad_accounts/{ad_account_id}/ad_groups", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("ad_groups/get", Get, "/ad_accounts/{ad_account_id}/ad_groups/{ad_group_id}", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("ads/list", Get, "/ad_accounts/{ad_account_id}/ads", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("ads/create", Post, "/ad_accounts/{ad_account_id}/ads", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("ads/update", Patch, "/ad_accounts/{ad_account_id}/ads", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("ads/get", Get, "/ad_accounts/{ad_account_id}/ads/{ad_id}", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    // OAuth: the app authenticates as a client
    client_op("oauth/token", Post, "/oauth/token", OrgRead, Enabled),
    client_op("token/revoke", Post, "/oauth/token/revoke", OrgWrite, Enabled),
    // media uploads (video Pins)
    op("media/list", Get, "/media", &[PinsRead], false, OrgRead, Enabled),
    op("media/create", Post, "/media", &[PinsRead, PinsWrite], false, OrgWrite, Enabled),
    op("media/get", Get, "/media/{media_id}", &[PinsRead], false, OrgRead, Enabled),
    // search and follows
    op("search_user_pins/list", Get, "/search/pins", &[BoardsRead, BoardsReadSecret, PinsRead, PinsReadSecret], false, OrgRead, Disabled),
    op("search_user_boards/get", Get, "/search/boards", &[BoardsRead, BoardsReadSecret], true, OrgRead, Disabled),
    op("followers/list", Get, "/user_account/followers", &[UserAccountsRead], true, RateCategory::AdsRead, Enabled),
    op("user_following/get", Get, "/user_account/following", &[UserAccountsRead], true, OrgRead, Disabled),
    op("boards_user_follows/list", Get, "/user_account/following/boards", &[UserAccountsRead], true, OrgRead, Enabled),
    op("user_websites/get", Get, "/user_account/websites", &[UserAccountsRead], false, OrgRead, Disabled),
    op("verify_website/update", Post, "/user_account/websites", &[UserAccountsWrite], false, OrgWrite, Disabled),
    op("unverify_website/delete", Delete, "/user_account/websites", &[UserAccountsWrite], false, OrgWrite, Disabled),
    op("website_verification/get", Get, "/user_account/websites/verification", &[UserAccountsRead], true, OrgRead, Disabled),
    op("follow_user/update", Post, "/user_account/following/{username}", &[UserAccountsWrite], false, OrgWrite, Enabled),
    // analytics: every one x-sandbox disabled
    op("pins/analytics", Get, "/pins/{pin_id}/analytics", &[BoardsRead, PinsRead], true, OrgAnalytics, Disabled),
    op("multi_pins/analytics", Get, "/pins/analytics", &[BoardsRead, PinsRead], true, OrgAnalytics, Disabled),
    op("user_account/analytics", Get, "/user_account/analytics", &[UserAccountsRead], false, OrgAnalytics, Disabled),
    op("user_account/analytics/top_pins", Get, "/user_account/analytics/top_pins", &[PinsRead, UserAccountsRead], true, OrgAnalytics, Disabled),
    op("user_account/analytics/top_video_pins", Get, "/user_account/analytics/top_video_pins", &[PinsRead, UserAccountsRead], true, OrgAnalytics, Disabled),
    // ads analytics and reports
    op("ad_groups/analytics", Get, "/ad_accounts/{ad_account_id}/ad_groups/analytics", &[AdsRead], true, AdsAnalytics, Enabled),
    op("ad_groups_targeting_analytics/get", Get, "/ad_accounts/{ad_account_id}/ad_groups/targeting_analytics", &[AdsRead], true, AdsAnalytics, Enabled),
    op("ads/analytics", Get, "/ad_accounts/{ad_account_id}/ads/analytics", &[AdsRead], true, AdsAnalytics, Enabled),
    op("ad_targeting_analytics/get", Get, "/ad_accounts/{ad_account_id}/ads/targeting_analytics", &[AdsRead], true, AdsAnalytics, Enabled),
    op("ad_account/analytics", Get, "/ad_accounts/{ad_account_id}/analytics", &[AdsRead], true, AdsAnalytics, Enabled),
    op("campaigns/analytics", Get, "/ad_accounts/{ad_account_id}/campaigns/analytics", &[AdsRead], true, AdsAnalytics, Enabled),
    op("campaign_targeting_analytics/get", Get, "/ad_accounts/{ad_account_id}/campaigns/targeting_analytics", &[AdsRead], true, AdsAnalytics, Enabled),
    op("ad_pins/analytics", Get, "/ad_accounts/{ad_account_id}/pins/analytics", &[AdsRead], true, AdsAnalytics, Disabled),
    op("ad_account_targeting_analytics/get", Get, "/ad_accounts/{ad_account_id}/targeting_analytics", &[AdsRead], true, AdsAnalytics, Enabled),
    // ads resources
    op("terms_of_service/get", Get, "/ad_accounts/{ad_account_id}/terms_of_service", &[AdsRead], false, RateCategory::AdsRead, Enabled),
    op("ad_account_countries/get", Get, "/resources/ad_account_countries", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("delivery_metrics/get", Get, "/resources/delivery_metrics", &[AdsRead, PinsRead, UserAccountsRead], true, RateCategory::AdsRead, Enabled),
    op("lead_form_questions/get", Get, "/resources/lead_form_questions", &[AdsRead], false, RateCategory::AdsRead, Enabled),
    op("metrics_ready_state/get", Get, "/resources/metrics_ready_state", &[AdsRead], false, AdsAnalytics, Enabled),
    op("interest_targeting_options/get", Get, "/resources/targeting/interests/{interest_id}", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("targeting_options/get", Get, "/resources/targeting/{targeting_type}", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    // audiences, customer lists, targeting templates, conversion tags
    op("audiences/list", Get, "/ad_accounts/{ad_account_id}/audiences", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    op("audiences/create", Post, "/ad_accounts/{ad_account_id}/audiences", &[AdsWrite], false, RateCategory::AdsWrite, Disabled),
    op("audiences/get", Get, "/ad_accounts/{ad_account_id}/audiences/{audience_id}", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    op("audiences/update", Patch, "/ad_accounts/{ad_account_id}/audiences/{audience_id}", &[AdsWrite], false, RateCategory::AdsWrite, Disabled),
    op("customer_lists/create", Post, "/ad_accounts/{ad_account_id}/customer_lists", &[AdsWrite], false, RateCategory::AdsWrite, Disabled),
    op("customer_lists/list", Get, "/ad_accounts/{ad_account_id}/customer_lists", &[AdsRead], false, RateCategory::AdsRead, Disabled),
    op("customer_lists/get", Get, "/ad_accounts/{ad_account_id}/customer_lists/{customer_list_id}", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    op("customer_lists/update", Patch, "/ad_accounts/{ad_account_id}/customer_lists/{customer_list_id}", &[AdsWrite], false, RateCategory::AdsWrite, Disabled),
    op("customer_list_uploads/create", Post, "/ad_accounts/{ad_account_id}/customer_lists/{customer_list_id}/uploads", &[AdsWrite], false, RateCategory::AdsWrite, Disabled),
    op("customer_list_uploads/get", Get, "/ad_accounts/{ad_account_id}/customer_lists/{customer_list_id}/uploads/{customer_list_upload_id}", &[AdsRead], false, RateCategory::AdsRead, Disabled),
    op("customer_list_uploads/run", Post, "/ad_accounts/{ad_account_id}/customer_lists/{customer_list_id}/uploads/{customer_list_upload_id}/run", &[AdsWrite], false, RateCategory::AdsWrite, Disabled),
    op("targeting_template/list", Get, "/ad_accounts/{ad_account_id}/targeting_templates", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    op("targeting_template/create", Post, "/ad_accounts/{ad_account_id}/targeting_templates", &[AdsWrite], false, RateCategory::AdsWrite, Disabled),
    op("targeting_template/update", Patch, "/ad_accounts/{ad_account_id}/targeting_templates", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("conversion_tags/create", Post, "/ad_accounts/{ad_account_id}/conversion_tags", &[AdsWrite], false, RateCategory::AdsWrite, Disabled),
    op("conversion_tags/list", Get, "/ad_accounts/{ad_account_id}/conversion_tags", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    op("ocpm_eligible_conversion_tags/get", Get, "/ad_accounts/{ad_account_id}/conversion_tags/ocpm_eligible", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    op("page_visit_conversion_tags/get", Get, "/ad_accounts/{ad_account_id}/conversion_tags/page_visit", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    op("conversion_tags/get", Get, "/ad_accounts/{ad_account_id}/conversion_tags/{conversion_tag_id}", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    // keywords, labels, sizing, bid floors, previews, trends
    op("ad_groups/audience_sizing", Post, "/ad_accounts/{ad_account_id}/ad_groups/audience_sizing", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("ad_previews/create", Post, "/ad_accounts/{ad_account_id}/ad_previews", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("ad_groups_bid_floor/get", Post, "/ad_accounts/{ad_account_id}/bid_floor", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("keywords/get", Get, "/ad_accounts/{ad_account_id}/keywords", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("keywords/create", Post, "/ad_accounts/{ad_account_id}/keywords", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("keywords/update", Patch, "/ad_accounts/{ad_account_id}/keywords", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("country_keywords_metrics/get", Get, "/ad_accounts/{ad_account_id}/keywords/metrics", &[AdsRead], true, RateCategory::AdsRead, Enabled),
    op("labels/create", Post, "/ad_accounts/{ad_account_id}/labels", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("labels/list", Get, "/ad_accounts/{ad_account_id}/labels", &[AdsRead], false, RateCategory::AdsRead, Enabled),
    op("labels/update", Patch, "/ad_accounts/{ad_account_id}/labels", &[AdsWrite], false, RateCategory::AdsWrite, Enabled),
    op("trending_keywords/list", Get, "/trends/keywords/{region}/top/{trend_type}", &[UserAccountsRead], false, RateCategory::TrendsRead, Enabled),
    // conversions
    op("events/create", Post, "/ad_accounts/{ad_account_id}/events", &[AdsWrite], false, AdsConversions, Disabled),
    op("advertiser_defined_events/get", Get, "/ad_accounts/{ad_account_id}/advertiser_defined_events", &[AdsRead], true, RateCategory::AdsRead, Disabled),
    // ads reports
    op("analytics/get_report", Get, "/ad_accounts/{ad_account_id}/reports", &[AdsRead], false, AdsAnalytics, Disabled),
    op("analytics/create_report", Post, "/ad_accounts/{ad_account_id}/reports", &[AdsRead], false, AdsAnalytics, Disabled),
    op("templates/list", Get, "/ad_accounts/{ad_account_id}/templates", &[AdsRead], false, RateCategory::AdsRead, Enabled),
    op("analytics/create_template_report", Post, "/ad_accounts/{ad_account_id}/templates/{template_id}/reports", &[AdsRead], false, AdsAnalytics, Disabled),
];

pub fn by_id(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
}

/// Spec operations pinbox does not serve yet, for the "not implemented" answers and the compatibility report.
pub fn unserved() -> impl Iterator<Item = &'static SpecOperation> {
    SPEC_OPERATIONS.iter().filter(|o| by_id(o.id).is_none())
}
