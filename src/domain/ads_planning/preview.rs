//! Ad previews: what a preview shows (an image and a title), carried whole in its URL's token,
//! so pinbox serves the page (`/_pinbox/ad-previews/{token}`) with nothing stored and nothing
//! fetched: the viewer's browser loads the image.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// What the preview page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewPage {
    #[serde(rename = "i")]
    pub image_url: String,
    #[serde(rename = "t")]
    pub title: String,
}

impl PreviewPage {
    pub fn token(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn from_token(token: &str) -> Option<PreviewPage> {
        if token.len() > 8192 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        let page: PreviewPage = serde_json::from_slice(&bytes).ok()?;
        is_web_url(&page.image_url).then_some(page)
    }
}

/// An absolute http(s) URL without spaces or control characters: what an `<img>` may load.
pub fn is_web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && s.len() <= 2048
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}
