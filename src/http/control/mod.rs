//! pinbox's own HTTP routes outside the Pinterest API, under `/_pinbox/`: one module per topic.
//! They answer with the API's error type and body (the S3-style upload target answers as S3
//! does), and never appear in the operation catalog.

pub mod ad_previews;
pub mod audit;
pub mod engagement;
pub mod media_upload;
pub mod oauth_callback;
pub mod reports;
pub mod tokens;

use axum::Router;

use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(tokens::routes())
        .merge(oauth_callback::routes())
        .merge(media_upload::routes())
        .merge(engagement::routes())
        .merge(ad_previews::routes())
        .merge(reports::routes())
        .merge(audit::routes())
}
