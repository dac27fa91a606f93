//! Turning bytes and URLs into the images Pins show: renditions made off the request threads,
//! written once per distinct image, fetched under the operator's fetch policy and guard.

use crate::domain::Pinbox;
use crate::domain::pin::{PinImage, StoredImage};
use crate::error::{Error, Result};
use crate::media::fetch::{FetchError, FetchPolicy};
use crate::media::images::{self, Rendition};

/// Where a rendition's file lives in the media directory.
pub fn rendition_file(key: &str, r: Rendition) -> String {
    format!(
        "images/{}/{}/{key}/{}.jpg",
        &key[0..2],
        &key[2..4],
        r.name()
    )
}

/// A key as pinbox makes them: 32 lower-case hex digits.
pub fn is_image_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Pinbox {
    /// Decodes and renders an image, or finds it already stored (identical bytes are stored once).
    /// `field` names the request field in errors.
    pub async fn ingest_image(
        &self,
        bytes: Vec<u8>,
        declared: Option<&str>,
        field: &str,
    ) -> Result<StoredImage> {
        let limits = self.media.image_limits;
        images::check(&bytes, declared, limits).map_err(|e| bad_image(field, e))?;
        let key = images::image_key(&bytes);
        if let Some(found) = self.store.image(&key).await? {
            return Ok(found);
        }
        let declared = declared.map(str::to_string);
        let _slot = self
            .media
            .render_slots
            .acquire()
            .await
            .map_err(|e| Error::internal(anyhow::anyhow!("waiting to render an image: {e}")))?;
        let processed = tokio::task::spawn_blocking(move || {
            images::process(&bytes, declared.as_deref(), limits)
        })
        .await
        .map_err(|e| Error::internal(anyhow::anyhow!("rendering an image: {e}")))?
        .map_err(|e| bad_image(field, e))?;
        for (r, jpeg) in &processed.renditions {
            self.media
                .files
                .put(&rendition_file(&processed.info.key, *r), jpeg)
                .await
                .map_err(|e| Error::internal(anyhow::anyhow!("writing a rendition: {e}")))?;
        }
        let stored = StoredImage {
            key: processed.info.key,
            width: processed.info.width,
            height: processed.info.height,
            format: processed.info.format.mime().to_string(),
            dominant_color: processed.info.dominant_color,
            created_at: self.clock.now(),
        };
        self.store.put_image(stored.clone()).await?;
        Ok(stored)
    }

    /// Fetches an image for a Pin; under the `try` and `never` policies a failure leaves the Pin
    /// pointing at the source URL, under `always` it refuses the create.
    pub async fn image_from_url(
        &self,
        url: &str,
        field: &str,
    ) -> Result<(PinImage, Option<String>)> {
        let parsed = url::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if parsed.is_none() || url.len() > 2048 {
            return Err(Error::invalid(format!(
                "Whoops! It looks like you entered an invalid URL. '{field}' must be an http:// or \
                 https:// URL of an image."
            )));
        }
        let remote = || {
            (
                PinImage::Remote {
                    url: url.to_string(),
                },
                None,
            )
        };
        let policy = self.media.fetcher.config.policy;
        if policy == FetchPolicy::Never {
            return Ok(remote());
        }
        let outcome = match self.media.fetcher.fetch(url).await {
            Ok(bytes) => self
                .ingest_image(bytes, None, field)
                .await
                .map_err(|e| e.message.to_string()),
            Err(e) => Err(fetch_failure(url, &e)),
        };
        match (outcome, policy) {
            (Ok(img), _) => {
                let color = Some(img.dominant_color.clone());
                Ok((PinImage::Stored(img.as_ref()), color))
            }
            (Err(why), FetchPolicy::Always) => Err(Error::invalid(format!(
                "Invalid '{field}': {why} (this pinbox refuses Pins whose image it cannot fetch)."
            ))),
            (Err(why), _) => {
                tracing::info!(url, reason = %why, "image not fetched; the Pin points at its source URL");
                Ok(remote())
            }
        }
    }
}

fn fetch_failure(url: &str, e: &FetchError) -> String {
    format!("could not fetch the image at {url}: {e}")
}

fn bad_image(field: &str, e: images::ImageError) -> Error {
    Error::invalid(format!("Invalid '{field}': {e}."))
}
