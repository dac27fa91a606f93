//! The built-in report templates every ad account sees (pinbox keeps no user-made ones): each
//! is a report request with a date range relative to the day the report is made.

use serde_json::{Value, json};

use crate::domain::ads_reports::request::Format;

pub struct Template {
    pub id: &'static str,
    pub name: &'static str,
    pub level: &'static str,
    pub granularity: &'static str,
    pub columns: &'static [&'static str],
    pub format: Format,
    /// The range: from this many days before today to `end_days_in_past` days before today.
    pub start_days_in_past: i64,
    pub end_days_in_past: i64,
}

/// Fixed ids, so a client may keep them; listed in this order (ascending ids).
pub const TEMPLATES: &[Template] = &[
    Template {
        id: "7100000000000001",
        name: "Campaign delivery by day, last 7 days",
        level: "CAMPAIGN",
        granularity: "DAY",
        columns: &[
            "CAMPAIGN_NAME",
            "SPEND_IN_MICRO_DOLLAR",
            "TOTAL_IMPRESSION",
            "TOTAL_CLICKTHROUGH",
            "CTR",
            "CPC_IN_MICRO_DOLLAR",
        ],
        format: Format::Csv,
        start_days_in_past: 7,
        end_days_in_past: 1,
    },
    Template {
        id: "7100000000000002",
        name: "Ad group performance, last 30 days",
        level: "AD_GROUP",
        granularity: "TOTAL",
        columns: &[
            "AD_GROUP_NAME",
            "SPEND_IN_DOLLAR",
            "TOTAL_IMPRESSION",
            "TOTAL_CLICKTHROUGH",
            "TOTAL_ENGAGEMENT",
            "ENGAGEMENT_RATE",
            "CPM_IN_DOLLAR",
        ],
        format: Format::Json,
        start_days_in_past: 30,
        end_days_in_past: 1,
    },
    Template {
        id: "7100000000000003",
        name: "Account spend by week, last 90 days",
        level: "ADVERTISER",
        granularity: "WEEK",
        columns: &[
            "SPEND_IN_MICRO_DOLLAR",
            "TOTAL_IMPRESSION",
            "TOTAL_CLICKTHROUGH",
            "OUTBOUND_CLICK_1",
        ],
        format: Format::Csv,
        start_days_in_past: 90,
        end_days_in_past: 1,
    },
];

pub fn find(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

impl Template {
    fn format_name(&self) -> &'static str {
        match self.format {
            Format::Json => "JSON",
            Format::Csv => "CSV",
        }
    }

    /// The report request it stands for, as a client would send it.
    pub fn request(&self, start_date: &str, end_date: &str, granularity: &str) -> Value {
        json!({
            "level": self.level,
            "start_date": start_date,
            "end_date": end_date,
            "granularity": granularity,
            "columns": self.columns,
            "report_format": self.format_name(),
        })
    }

    /// The spec's `TemplateResponse`, as seen from `account`.
    pub fn json(&self, account: i64) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "ad_account_id": account.to_string(),
            "ad_account_ids": [account.to_string()],
            "report_level": self.level,
            "granularity": self.granularity,
            "columns": self.columns,
            "report_format": self.format_name(),
            "date_range": {
                "relative_date_range": {
                    "type": "relative",
                    "start_days_in_past": self.start_days_in_past,
                    "end_days_in_past": self.end_days_in_past,
                },
                "absolute_date_range": null,
                "dynamic_date_range": null,
            },
            "report_start_relative_days_in_past": self.start_days_in_past,
            "report_end_relative_days_in_past": self.end_days_in_past,
            "click_window_days": 30,
            "engagement_window_days": 30,
            "view_window_days": 1,
            "conversion_report_time_type": "TIME_OF_AD_ACTION",
            "creation_source": "ADS_API",
            "type": "BULK",
            "is_deleted": false,
            "is_owned_by_user": false,
            "is_scheduled": false,
            "custom_column_ids": null,
            "filters_json": null,
            "ingestion_sources": null,
            "updated_time": 1_767_225_600,
        })
    }
}
