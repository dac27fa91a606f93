//! HTTP integration tests: the real server on port 0, driven over HTTP, every JSON answer
//! checked against Pinterest's OpenAPI description.

mod fixtures;
#[path = "../support/mp4.rs"]
mod mp4;
mod support;

mod auth;
mod board_sections;
mod boards;
mod errors;
mod images;
mod media;
mod pagination;
mod pins;
mod scope_matrix;
mod user_account;
mod video_pins;
