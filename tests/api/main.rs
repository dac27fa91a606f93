//! HTTP integration tests: the real server on port 0, driven over HTTP, every JSON answer
//! checked against Pinterest's OpenAPI description.

mod fixtures;
use pinbox_testkit::mp4;
mod oauth_support;
mod raw_http;
mod support;

mod ad_accounts;
mod ads;
mod ads_analytics;
mod ads_keywords;
mod ads_resources;
mod agents;
mod analytics;
mod auth;
mod board_sections;
mod boards;
mod connections;
mod control_characters;
mod environments;
mod errors;
mod follows;
mod image_limits;
mod images;
mod media;
mod oauth;
mod oauth_pages;
mod pagination;
mod pins;
mod rate_limits;
mod refusals;
mod scope_matrix;
mod search;
mod token_inspect;
mod user_account;
mod video_pins;
mod websites;
mod wire_errors;
// audiences, customer lists, targeting templates, conversion tags
mod ads_audiences;
// conversions
mod conversions;
// ads reports
mod ads_reports;
