//! The ad preview page an `ad_previews/create` URL opens: the image and title its token carries,
//! escaped, in a plain page an iframe can show. No sign-in, as Pinterest's preview links need
//! none; a token that does not decode is a 404.

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use crate::domain::ads_planning::preview::PreviewPage;
use crate::http::html::{escape, page};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/_pinbox/ad-previews/{token}", get(show))
}

async fn show(Path(token): Path<String>) -> Response {
    match PreviewPage::from_token(&token) {
        Some(p) => page(
            StatusCode::OK,
            "Ad preview",
            &format!(
                "<figure><img src=\"{}\" alt=\"{}\" style=\"max-width:100%\" \
                 referrerpolicy=\"no-referrer\"><figcaption><strong>{}</strong><br>\
                 <span class=\"note\">Promoted</span></figcaption></figure>",
                escape(&p.image_url),
                escape(&p.title),
                escape(&p.title)
            ),
        ),
        None => page(
            StatusCode::NOT_FOUND,
            "Ad preview not found",
            "<p>This preview link is not one pinbox made.</p>",
        ),
    }
}
