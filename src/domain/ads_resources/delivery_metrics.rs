//! The metric definitions of `GET /v5/resources/delivery_metrics`: a fixed sample of Pinterest's
//! ads and organic metrics, named as the spec's reporting columns name them, each with the
//! reports (synchronous, asynchronous) that offer it.

/// The spec's `category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricCategory {
    Ads,
    Organic,
}

impl MetricCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            MetricCategory::Ads => "ADS",
            MetricCategory::Organic => "ORGANIC",
        }
    }
}

/// The spec's `report_type`: which reporting endpoints a metric is available from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportType {
    /// The synchronous analytics endpoints (`ad_account/analytics`, `pins/analytics`, ...).
    Sync,
    /// The asynchronous reports (`ad_account/analytics/create_report`).
    Async,
}

impl ReportType {
    pub const NAMES: &'static [&'static str] = &["SYNC", "ASYNC"];

    pub fn parse(s: &str) -> Option<ReportType> {
        match s {
            "SYNC" => Some(ReportType::Sync),
            "ASYNC" => Some(ReportType::Async),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryMetric {
    pub name: &'static str,
    /// As Ads Manager shows it; the spec leaves it out where there is none.
    pub display_name: Option<&'static str>,
    pub definition: &'static str,
    pub category: MetricCategory,
    pub sync: bool,
    pub r#async: bool,
}

impl DeliveryMetric {
    pub fn offered_by(&self, report: ReportType) -> bool {
        match report {
            ReportType::Sync => self.sync,
            ReportType::Async => self.r#async,
        }
    }
}

/// An ads metric both kinds of report offer.
const fn both(
    name: &'static str,
    display: &'static str,
    definition: &'static str,
) -> DeliveryMetric {
    DeliveryMetric {
        name,
        display_name: Some(display),
        definition,
        category: MetricCategory::Ads,
        sync: true,
        r#async: true,
    }
}

/// An ads metric only the asynchronous reports offer.
const fn async_only(
    name: &'static str,
    display: Option<&'static str>,
    definition: &'static str,
) -> DeliveryMetric {
    DeliveryMetric {
        name,
        display_name: display,
        definition,
        category: MetricCategory::Ads,
        sync: false,
        r#async: true,
    }
}

/// An organic metric: the organic analytics endpoints are synchronous.
const fn organic(
    name: &'static str,
    display: &'static str,
    definition: &'static str,
) -> DeliveryMetric {
    DeliveryMetric {
        name,
        display_name: Some(display),
        definition,
        category: MetricCategory::Organic,
        sync: true,
        r#async: false,
    }
}

pub const DELIVERY_METRICS: &[DeliveryMetric] = &[
    both(
        "AD_ACCOUNT_ID",
        "Ad account ID",
        "Unique ID for your ad account",
    ),
    both("CAMPAIGN_ID", "Campaign ID", "Unique ID for your campaign"),
    both("CAMPAIGN_NAME", "Campaign name", "Name of your campaign"),
    both("AD_GROUP_ID", "Ad group ID", "Unique ID for your ad group"),
    both("AD_GROUP_NAME", "Ad group name", "Name of your ad group"),
    both("AD_ID", "Ad ID", "Unique ID for your ad"),
    both(
        "PIN_ID",
        "Pin ID",
        "Unique ID of the Pin promoted by your ad",
    ),
    both(
        "SPEND_IN_DOLLAR",
        "Spend",
        "Total amount spent, in the ad account's currency",
    ),
    both(
        "SPEND_IN_MICRO_DOLLAR",
        "Spend (micro)",
        "Total amount spent, in millionths of the ad account's currency",
    ),
    both(
        "PAID_IMPRESSION",
        "Paid impressions",
        "Number of times your ads were on screen",
    ),
    both(
        "IMPRESSION_1",
        "Impressions",
        "Number of times your ads were on screen, from paid placements",
    ),
    both(
        "IMPRESSION_2",
        "Earned impressions",
        "Number of times your Pins were on screen after someone saved your ad",
    ),
    both(
        "TOTAL_IMPRESSION",
        "Total impressions",
        "Paid and earned impressions together",
    ),
    both(
        "CLICKTHROUGH_1",
        "Pin clicks",
        "Number of clicks on your ads that open the Pin or go to its destination",
    ),
    both(
        "OUTBOUND_CLICK_1",
        "Outbound clicks",
        "Number of clicks on your ads that lead to a destination off Pinterest",
    ),
    both(
        "REPIN_1",
        "Saves",
        "Number of times people saved your ads to a board",
    ),
    both(
        "TOTAL_ENGAGEMENT",
        "Engagements",
        "Total number of engagements with your ads: saves, clicks, closeups and more",
    ),
    both(
        "ENGAGEMENT_RATE",
        "Engagement rate",
        "Total engagements divided by paid impressions",
    ),
    both(
        "CTR",
        "Pin click rate",
        "Pin clicks divided by paid impressions",
    ),
    both(
        "OUTBOUND_CTR",
        "Outbound click rate",
        "Outbound clicks divided by paid impressions",
    ),
    both(
        "CPC_IN_MICRO_DOLLAR",
        "Cost per Pin click (micro)",
        "Spend divided by Pin clicks, in millionths of the ad account's currency",
    ),
    both(
        "CPM_IN_DOLLAR",
        "CPM",
        "Average cost per thousand paid impressions",
    ),
    both(
        "TOTAL_CONVERSIONS",
        "Conversions",
        "Total number of conversions attributed to your ads",
    ),
    both(
        "TOTAL_CHECKOUT",
        "Checkouts",
        "Number of checkout conversions attributed to your ads",
    ),
    both(
        "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
        "Checkout value (micro)",
        "Order value of checkouts attributed to your ads, in millionths of the ad account's currency",
    ),
    both(
        "CHECKOUT_ROAS",
        "Checkout ROAS",
        "Checkout value divided by spend",
    ),
    both(
        "TOTAL_PAGE_VISIT",
        "Page visits",
        "Number of page visit conversions attributed to your ads",
    ),
    both(
        "TOTAL_SIGNUP",
        "Sign-ups",
        "Number of sign-up conversions attributed to your ads",
    ),
    both(
        "TOTAL_LEAD",
        "Leads",
        "Number of lead conversions attributed to your ads",
    ),
    both(
        "VIDEO_MRC_VIEWS_2",
        "Video views",
        "Number of times your video ads were viewed for 2 seconds with at least half of them on screen",
    ),
    both(
        "VIDEO_P100_COMPLETE_2",
        "Video completions",
        "Number of times your video ads were played to the end",
    ),
    both(
        "TOTAL_IMPRESSION_USER",
        "Total audience",
        "Number of people who saw your ads, paid or earned",
    ),
    both(
        "TOTAL_IMPRESSION_FREQUENCY",
        "Total frequency",
        "Average number of times each person saw your ads",
    ),
    async_only(
        "CAMPAIGN_STATUS",
        Some("Campaign status"),
        "Status of your campaign",
    ),
    async_only(
        "AD_GROUP_STATUS",
        Some("Ad group status"),
        "Status of your ad group",
    ),
    async_only(
        "ONSITE_CHECKOUTS_1",
        Some("Onsite checkouts"),
        "Number of checkouts completed on Pinterest from your ads",
    ),
    async_only(
        "PRODUCT_GROUP_ID",
        Some("Product group ID"),
        "Unique ID for your product group",
    ),
    async_only(
        "PRODUCT_ITEM_NAME",
        Some("Product name"),
        "Title of the catalog item",
    ),
    async_only(
        "PRODUCT_ITEM_PRICE",
        Some("Product price"),
        "Price of the catalog item",
    ),
    async_only(
        "TOTAL_ADD_TO_CART",
        Some("Add to cart"),
        "Number of add-to-cart conversions attributed to your ads",
    ),
    async_only(
        "COST_PER_OUTBOUND_CLICK",
        None,
        "Spend divided by outbound clicks",
    ),
    organic(
        "IMPRESSION",
        "Impressions",
        "Number of times your Pins were on screen",
    ),
    organic(
        "SAVE",
        "Saves",
        "Number of times people saved your Pins to a board",
    ),
    organic("SAVE_RATE", "Save rate", "Saves divided by impressions"),
    organic(
        "PIN_CLICK",
        "Pin clicks",
        "Number of clicks on your Pins that open the Pin or go to its destination",
    ),
    organic(
        "PIN_CLICK_RATE",
        "Pin click rate",
        "Pin clicks divided by impressions",
    ),
    organic(
        "OUTBOUND_CLICK",
        "Outbound clicks",
        "Number of clicks on your Pins that lead to a destination off Pinterest",
    ),
    organic(
        "OUTBOUND_CLICK_RATE",
        "Outbound click rate",
        "Outbound clicks divided by impressions",
    ),
    organic(
        "ENGAGEMENT",
        "Engagements",
        "Total number of engagements with your Pins",
    ),
    organic(
        "ENGAGEMENT_RATE",
        "Engagement rate",
        "Engagements divided by impressions",
    ),
    organic(
        "PROFILE_VISIT",
        "Profile visits",
        "Number of times people viewed your profile from your Pins",
    ),
    organic(
        "VIDEO_MRC_VIEW",
        "Video views",
        "Number of times your videos were viewed for 2 seconds with at least half of them on screen",
    ),
    organic(
        "VIDEO_AVG_WATCH_TIME",
        "Average watch time",
        "Average time spent watching your videos, in milliseconds",
    ),
];
