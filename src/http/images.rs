//! Image renditions served by pinbox itself at stable URLs shaped like Pinterest's
//! (`/media/150x150/ab/cd/ef/<key>.jpg`), with long cache lifetimes and ETags.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::pins::PinImage;
use crate::domain::pins::is_image_key;
use crate::error::{Error, Result};
use crate::http::extract::Path;
use crate::http::state::AppState;
use crate::media::images::Rendition;

/// The spec's `ImageDetails`.
#[derive(Serialize)]
pub struct ImageDetailsJson {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub url: String,
}

/// The spec's `ImageSize`: every rendition of one image.
#[derive(Serialize)]
pub struct ImageSizeJson {
    #[serde(rename = "150x150")]
    s150x150: ImageDetailsJson,
    #[serde(rename = "400x300")]
    s400x300: ImageDetailsJson,
    #[serde(rename = "600x")]
    w600: ImageDetailsJson,
    #[serde(rename = "1200x")]
    w1200: ImageDetailsJson,
}

pub fn rendition_url(public_url: &str, image: &PinImage, r: Rendition) -> String {
    match image {
        PinImage::Stored(img) => {
            // Built by hand: four of these go into every Pin answer, and `format!` cost more than
            // the rest of turning the Pin into JSON.
            let (k, name) = (img.key.as_str(), r.name());
            let mut url = String::with_capacity(public_url.len() + name.len() + k.len() + 22);
            for part in [
                public_url,
                "/media/",
                name,
                "/",
                &k[0..2],
                "/",
                &k[2..4],
                "/",
                &k[4..6],
                "/",
                k,
                ".jpg",
            ] {
                url.push_str(part);
            }
            url
        }
        PinImage::Remote { url } => url.clone(),
    }
}

pub fn image_details(public_url: &str, image: &PinImage, r: Rendition) -> ImageDetailsJson {
    let (width, height) = match image {
        PinImage::Stored(img) => {
            let (w, h) = r.dimensions(img.width, img.height);
            (Some(w), Some(h))
        }
        // Pinterest's answer when it could not read the image: the source URL, size unknown.
        PinImage::Remote { .. } => (None, None),
    };
    ImageDetailsJson {
        width,
        height,
        url: rendition_url(public_url, image, r),
    }
}

pub fn image_sizes(public_url: &str, image: &PinImage) -> ImageSizeJson {
    ImageSizeJson {
        s150x150: image_details(public_url, image, Rendition::S150x150),
        s400x300: image_details(public_url, image, Rendition::S400x300),
        w600: image_details(public_url, image, Rendition::W600),
        w1200: image_details(public_url, image, Rendition::W1200),
    }
}

/// `GET /media/{size}/{a}/{b}/{c}/{key}.jpg`
pub async fn serve_rendition(
    State(app): State<AppState>,
    Path((size, a, b, c, file)): Path<(String, String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let not_found = || Error::not_found(404, "No such image.");
    let rendition = Rendition::parse(&size).ok_or_else(not_found)?;
    let key = file.strip_suffix(".jpg").ok_or_else(not_found)?;
    if !is_image_key(key) || a != key[0..2] || b != key[2..4] || c != key[4..6] {
        return Err(not_found());
    }
    let etag = format!("\"{key}-{}\"", rendition.name());
    let cache = "public, max-age=31536000, immutable";
    if headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(ETAG, etag), (CACHE_CONTROL, cache.to_string())],
        )
            .into_response());
    }
    let bytes = app
        .pinbox
        .pins
        .rendition(key, rendition)
        .await?
        .ok_or_else(not_found)?;
    Ok((
        [
            (CONTENT_TYPE, "image/jpeg".to_string()),
            (ETAG, etag),
            (CACHE_CONTROL, cache.to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pins::ImageRef;

    #[test]
    fn rendition_urls_are_shaped_like_pinterests() {
        let image = PinImage::Stored(ImageRef {
            key: "0123456789abcdef0123456789abcdef".into(),
            width: 800,
            height: 600,
        });
        assert_eq!(
            rendition_url("http://127.0.0.1:8080", &image, Rendition::W600),
            "http://127.0.0.1:8080/media/600x/01/23/45/0123456789abcdef0123456789abcdef.jpg"
        );
        let remote = PinImage::Remote {
            url: "https://example.com/a.png".into(),
        };
        assert_eq!(
            rendition_url("http://x", &remote, Rendition::S150x150),
            "https://example.com/a.png"
        );
    }
}
