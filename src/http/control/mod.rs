//! pinbox's own routes outside `/v5`, one module per topic, each giving its routes to
//! [`routes`]: they are pinbox's, not Pinterest's, and never appear in the operation catalog.

pub mod media_upload;

use axum::Router;

use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(media_upload::routes())
}
