//! Video Pins (`media_source.source_type = video_id`): the upload must be the caller's and
//! `succeeded`; the cover comes from `cover_image_url` (fetched under the image policy and the
//! fetch guard), from `cover_image_data`, or, for `cover_image_key_frame_time` alone, is a neutral
//! frame (pinbox has no video decoder). The Pin keeps its own hard link to the video file, so
//! cleaning up the upload never takes the Pin's video.

use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::MediaId;
use crate::domain::media_uploads::{MediaStatus, MediaUpload, Probe, UploadedFile, upload_file};
use crate::domain::pins::{CreativeType, PinImage, PinMedia, Pins, VideoRef};
use crate::error::{Error, Result};
use crate::media::bmff::Container;
use crate::media::cover_frame::neutral_frame;
use crate::media::fetch::{FetchError, FetchPolicy};

/// The spec's `PinMediaSourceVideoID`, as sent.
#[derive(Debug, Clone)]
pub struct VideoSourceInput {
    pub media_id: MediaId,
    pub cover_image_url: Option<String>,
    pub cover_image_data: Option<String>,
    pub cover_image_content_type: Option<String>,
    pub cover_image_key_frame_time: Option<u64>,
    pub is_standard: bool,
}

/// Where a video Pin's file lives in the media directory.
pub fn video_file(key: &str, container: Container) -> String {
    format!(
        "videos/{}/{}/{key}.{}",
        &key[0..2],
        &key[2..4],
        container.extension()
    )
}

fn not_yours(id: MediaId) -> Error {
    Error::invalid(format!(
        "Invalid request: 'media_source.media_id' {id} is not a media upload of yours. Register \
         one with POST /v5/media, upload the video to its upload_url, and use its media_id."
    ))
}

/// Why an upload cannot make a Pin yet (or ever), or `None` when it can.
fn not_ready(upload: &MediaUpload, status: MediaStatus) -> Option<Error> {
    let id = upload.id;
    match status {
        MediaStatus::Succeeded => None,
        MediaStatus::Registered => Some(Error::invalid(format!(
            "Invalid request: media upload {id} has no video yet (status 'registered'): upload \
             the file to its upload_url, then poll GET /v5/media/{id} until it reports 'succeeded'."
        ))),
        MediaStatus::Processing => Some(Error::invalid(format!(
            "Invalid request: media upload {id} is still processing (status 'processing'): poll \
             GET /v5/media/{id} until it reports 'succeeded', then create the Pin."
        ))),
        MediaStatus::Failed => {
            let reason = match &upload.file {
                Some(UploadedFile {
                    probe: Probe::NotVideo { reason },
                    ..
                }) => reason.as_str(),
                _ => "it could not be read",
            };
            Some(Error::invalid(format!(
                "Invalid request: media upload {id} failed processing (status 'failed'): {reason}. \
                 Register a new upload and send an MP4, MOV or M4V video."
            )))
        }
    }
}

impl Pins {
    /// What a video Pin shows, its colour, creative type and standardness.
    pub(crate) async fn video_media(
        &self,
        caller: &Caller,
        input: &VideoSourceInput,
    ) -> Result<(PinMedia, Option<String>, CreativeType, bool)> {
        if caller.env == Env::Sandbox {
            // Seed 000: "You cannot do the following in Sandbox: Create video Pins."
            return Err(Error::forbidden(
                29,
                "Video Pins cannot be created in API Sandbox. Create them in production (/v5 with a \
                 production token); image and carousel Pins work in Sandbox.",
            ));
        }
        let id = input.media_id;
        let upload = self
            .media_uploads
            .find(caller, id)
            .await?
            .ok_or_else(|| not_yours(id))?;
        let now = self.clock.now();
        if let Some(e) = not_ready(&upload, upload.status(now)) {
            return Err(e);
        }
        let info = upload.video(now).ok_or_else(|| not_yours(id))?;
        let (cover, color) = self.video_cover(input, info.width, info.height).await?;
        if !self.media_uploads.mark_used(id, now).await? {
            return Err(not_yours(id));
        }
        let key: String = format!("{:032x}", rand::random::<u128>());
        let file = video_file(&key, info.container);
        match self.media.files.link_or_copy(&upload_file(id), &file).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::invalid(format!(
                    "Invalid request: the video file of media upload {id} is no longer there; \
                     register a new upload and send the video again."
                )));
            }
            Err(e) => return Err(Error::internal(anyhow::anyhow!("linking a video: {e}"))),
        }
        let size = upload.file.as_ref().map_or(0, |f| f.size);
        let video = VideoRef {
            key,
            container: info.container,
            media_id: id.0,
            duration_ms: info.duration_ms,
            width: info.width,
            height: info.height,
            size,
            key_frame_time: input
                .cover_image_key_frame_time
                .map(|t| t.min(info.duration_ms / 1000)),
        };
        let ready_at = now.plus(self.processing_delay).0;
        Ok((
            PinMedia::Video {
                video,
                cover,
                ready_at,
            },
            color,
            CreativeType::Video,
            input.is_standard,
        ))
    }

    /// The cover: sent bytes, else a fetched URL, else (for a key frame time alone) a neutral frame.
    async fn video_cover(
        &self,
        input: &VideoSourceInput,
        width: u32,
        height: u32,
    ) -> Result<(PinImage, Option<String>)> {
        let has_data = input.cover_image_data.is_some() || input.cover_image_content_type.is_some();
        if has_data && input.cover_image_url.is_some() {
            return Err(Error::invalid(
                "Invalid request: give the video Pin's cover either as 'media_source.cover_image_url' \
                 or as 'media_source.cover_image_data' with 'cover_image_content_type', not both.",
            ));
        }
        if has_data {
            let (Some(data), Some(content_type)) =
                (&input.cover_image_data, &input.cover_image_content_type)
            else {
                return Err(Error::invalid(
                    "Invalid request: 'media_source.cover_image_data' and \
                     'media_source.cover_image_content_type' go together: send the cover as base64 \
                     with its type (image/jpeg or image/png).",
                ));
            };
            let field = "media_source.cover_image_data";
            let bytes = self.image_from_base64(data, field)?;
            let img = self.ingest_image(bytes, Some(content_type), field).await?;
            let color = Some(img.dominant_color.clone());
            return Ok((PinImage::Stored(img.as_ref()), color));
        }
        if let Some(url) = &input.cover_image_url {
            return self.cover_from_url(url).await;
        }
        if input.cover_image_key_frame_time.is_some() {
            let png = tokio::task::spawn_blocking(move || neutral_frame(width, height))
                .await
                .map_err(|e| Error::internal(anyhow::anyhow!("drawing a cover: {e}")))?;
            let img = self
                .ingest_image(
                    png,
                    Some("image/png"),
                    "media_source.cover_image_key_frame_time",
                )
                .await?;
            let color = Some(img.dominant_color.clone());
            return Ok((PinImage::Stored(img.as_ref()), color));
        }
        Err(Error::invalid(
            "Invalid request: a video Pin needs a cover image: set 'media_source.cover_image_url' to \
             an image URL, or send 'cover_image_data' with 'cover_image_content_type' (or \
             'cover_image_key_frame_time', for which pinbox draws a neutral frame).",
        ))
    }

    /// A cover fetched under the operator's fetch policy and guard. Unlike an `image_url` Pin, a
    /// URL whose server answers an error, or whose bytes are not an image, is a 400 under every
    /// policy (seed 004: "A valid image url must be provided to avoid a 400 Bad Request"); only a
    /// fetch that cannot happen (refused address, network, timeout) follows `--fetch-images`.
    async fn cover_from_url(&self, url: &str) -> Result<(PinImage, Option<String>)> {
        let field = "media_source.cover_image_url";
        let valid = url.len() <= 2048
            && url::Url::parse(url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !valid {
            return Err(Error::invalid(format!(
                "Whoops! It looks like you entered an invalid URL. '{field}' must be an http:// or \
                 https:// URL of an image: a valid image url must be provided."
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
        match self.media.fetcher.fetch(url).await {
            Ok(bytes) => {
                let img = self.ingest_image(bytes, None, field).await?;
                let color = Some(img.dominant_color.clone());
                Ok((PinImage::Stored(img.as_ref()), color))
            }
            // The server answered, and not with an image: the URL is not a valid image URL.
            Err(e @ FetchError::Status(_)) => Err(Error::invalid(format!(
                "Invalid '{field}': could not fetch the image at {url}: {e}. A valid image url \
                 must be provided."
            ))),
            Err(e) if policy == FetchPolicy::Always => Err(Error::invalid(format!(
                "Invalid '{field}': could not fetch the image at {url}: {e} (this pinbox refuses \
                 Pins whose image it cannot fetch)."
            ))),
            Err(e) => {
                tracing::info!(url, reason = %e, "cover not fetched; the Pin points at its source URL");
                Ok(remote())
            }
        }
    }
}
