//! HTTP integration tests: the real server on port 0, driven over HTTP, every JSON answer
//! checked against Pinterest's OpenAPI description.

mod fixtures;
mod support;

mod auth;
mod board_sections;
mod boards;
mod errors;
mod images;
mod pagination;
mod pins;
mod scope_matrix;
mod user_account;
