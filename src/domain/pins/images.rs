//! Turning bytes and URLs into the images Pins show: each distinct image held to the limits on
//! its header, decoded once within the decode budget and its original kept, renditions made from
//! it off the request threads when first asked for, URLs fetched under the operator's fetch
//! policy and guard.

use std::borrow::Cow;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

use crate::domain::pins::{PinImage, Pins, StoredImage};
use crate::error::{Error, Result};
use crate::media::Renditions;
use crate::media::decode_budget::Reservation;
use crate::media::fetch::{FetchError, FetchPolicy};
use crate::media::images::{self, ImageError, Rendition};

/// Where a rendition's file lives in the media directory.
pub fn rendition_file(key: &str, r: Rendition) -> String {
    format!(
        "images/{}/{}/{key}/{}.jpg",
        &key[0..2],
        &key[2..4],
        r.name()
    )
}

/// Where an image's original bytes live: its renditions are made from them.
pub fn original_file(key: &str) -> String {
    format!("images/{}/{}/{key}/original", &key[0..2], &key[2..4])
}

/// A key as pinbox makes them: 32 lower-case hex digits.
pub fn is_image_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Pins {
    /// An image pinbox keeps, by key; `None` when there is none.
    pub async fn image(&self, key: &str) -> Result<Option<StoredImage>> {
        Ok(self.store.image(key).await?)
    }

    /// Decodes an image and keeps its original, or finds it already stored (identical bytes are
    /// stored once). The header is read first: an image over the limits is refused before
    /// anything the size of its pixels is allocated, and a decode waits for its share of the
    /// decode budget. The bytes decide the format; `declared` must only name one pinbox accepts.
    /// Renditions wait until someone asks for one (`rendition`): a Pin's answer needs only their
    /// sizes, which follow from the original's, and most renditions of a test Pin are never
    /// fetched. `field` names the request field in errors.
    pub async fn ingest_image(
        &self,
        bytes: Vec<u8>,
        declared: Option<&str>,
        field: &str,
    ) -> Result<StoredImage> {
        let limits = self.media.image_limits;
        let header = images::check(&bytes, declared, limits).map_err(|e| bad_image(field, e))?;
        let key = images::image_key(&bytes);
        if let Some(found) = self.store.image(&key).await? {
            return Ok(found);
        }
        let (info, bytes) = {
            let _reserved = self.reserve_decode(header.decode_cost()).await?;
            tokio::task::spawn_blocking(move || (images::inspect(&bytes, None, limits), bytes))
                .await
                .map_err(|e| Error::internal(anyhow::anyhow!("decoding an image: {e}")))?
        };
        let info = info.map_err(|e| bad_image(field, e))?;
        // Flushed to disk before the Pin that shows it can commit: a rendition can be made again,
        // the original cannot.
        self.media
            .files
            .put(&original_file(&key), bytes, true)
            .await
            .map_err(|e| Error::internal(anyhow::anyhow!("writing an image: {e}")))?;
        let stored = StoredImage {
            key,
            width: info.width,
            height: info.height,
            format: info.format.mime().to_string(),
            dominant_color: info.dominant_color,
            created_at: self.clock.now(),
        };
        self.store.put_image(stored.clone()).await?;
        Ok(stored)
    }

    /// One rendition of a stored image as JPEG. The first request for any rendition of an image
    /// makes all four from the original (one decode, the most expensive step for a large image)
    /// and keeps them; requests for the image meanwhile wait for that work rather than repeat
    /// it. `None` when pinbox has no such image.
    pub async fn rendition(&self, key: &str, wanted: Rendition) -> Result<Option<Bytes>> {
        let files = &self.media.files;
        if let Some(jpeg) = files
            .get(&rendition_file(key, wanted))
            .await
            .map_err(Error::internal)?
        {
            return Ok(Some(jpeg));
        }
        let made = self
            .media
            .renders
            .run(key, || self.render_renditions(key))
            .await?;
        Ok(made.and_then(|all| {
            all.iter()
                .find(|(r, _)| *r == wanted)
                .map(|(_, jpeg)| jpeg.clone())
        }))
    }

    /// Makes and writes every rendition of `key` from its original; `None` without one.
    async fn render_renditions(&self, key: &str) -> Result<Option<Renditions>> {
        let files = &self.media.files;
        let Some(original) = files
            .get(&original_file(key))
            .await
            .map_err(Error::internal)?
        else {
            return Ok(None);
        };
        let limits = self.media.image_limits;
        let rendering = |e: &dyn std::fmt::Display| {
            Error::internal(anyhow::anyhow!("rendering image {key}: {e}"))
        };
        // An original kept by a pinbox with a higher limit than this one's is not decoded.
        let refused = |e: ImageError| {
            if e.is_over_a_limit() {
                Error::invalid(format!(
                    "pinbox makes no renditions of this image: {e}. It was kept by a pinbox with \
                     a higher limit; start this one with that limit to serve its renditions."
                ))
            } else {
                rendering(&e)
            }
        };
        let header = images::read_header(&original, limits).map_err(refused)?;
        let renditions = {
            let _reserved = self.reserve_decode(header.decode_cost()).await?;
            tokio::task::spawn_blocking(move || images::render_all(&original, limits))
                .await
                .map_err(|e| rendering(&e))?
                .map_err(refused)?
        };
        let mut made = Vec::with_capacity(renditions.len());
        // Another replica sharing the media directory may render at the same moment; the later
        // rename wins, with the same bytes.
        for (r, jpeg) in renditions {
            let jpeg = Bytes::from(jpeg);
            files
                .put(&rendition_file(key, r), jpeg.clone(), false)
                .await
                .map_err(|e| rendering(&e))?;
            made.push((r, jpeg));
        }
        Ok(Some(Arc::new(made)))
    }

    /// Waits for `bytes` of the decode budget and a core.
    async fn reserve_decode(&self, bytes: u64) -> Result<Reservation<'_>> {
        self.media
            .decoding
            .reserve(bytes)
            .await
            .map_err(|e| Error::internal(anyhow::anyhow!("waiting to decode an image: {e}")))
    }

    /// An image sent as base64 in the JSON field `field`: its size is checked on the text first,
    /// so that a huge one is refused before decoding, and the text is copied only when it holds
    /// whitespace (line-wrapped base64).
    pub fn image_from_base64(&self, data: &str, field: &str) -> Result<Vec<u8>> {
        let max = self.media.image_limits.max_bytes;
        if data.len() / 4 * 3 > max + 3 {
            return Err(Error::invalid(format!(
                "Invalid '{field}': the image is larger than the {max}-byte limit."
            )));
        }
        let text: Cow<'_, [u8]> = if data.bytes().any(|b| b.is_ascii_whitespace()) {
            Cow::Owned(data.bytes().filter(|b| !b.is_ascii_whitespace()).collect())
        } else {
            Cow::Borrowed(data.as_bytes())
        };
        STANDARD.decode(&text).map_err(|e| {
            Error::invalid(format!("Invalid '{field}': it is not valid base64 ({e})."))
        })
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

fn bad_image(field: &str, e: ImageError) -> Error {
    let what_to_do = if e.is_over_a_limit() {
        ": send a smaller image"
    } else {
        ""
    };
    Error::invalid(format!("Invalid '{field}': {e}{what_to_do}."))
}
