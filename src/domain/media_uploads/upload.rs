//! Media uploads: a video registered with `POST /v5/media`, the file that arrives at the upload
//! endpoint, and the status every replica derives from the store and the clock alone.

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, MediaId, UserId};
use crate::media::bmff::VideoInfo;

/// The spec's `MediaUploadType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Video,
}

impl MediaType {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Video => "video",
        }
    }

    pub fn parse(s: &str) -> Option<MediaType> {
        (s == "video").then_some(MediaType::Video)
    }
}

/// The spec's `MediaUploadStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaStatus {
    Registered,
    Processing,
    Succeeded,
    Failed,
}

impl MediaStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaStatus::Registered => "registered",
            MediaStatus::Processing => "processing",
            MediaStatus::Succeeded => "succeeded",
            MediaStatus::Failed => "failed",
        }
    }
}

/// What reading the uploaded file found; stored as JSON with the upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Probe {
    Video(VideoInfo),
    NotVideo { reason: String },
}

/// The file an upload received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    pub uploaded_at: Timestamp,
    /// When processing is over: `uploaded_at` plus the processing delay in force at upload, kept
    /// so that replicas configured differently still agree on the status.
    pub ready_at: Timestamp,
    pub size: u64,
    pub probe: Probe,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUpload {
    pub id: MediaId,
    /// Position in the owner's list; bookmarks carry it.
    pub seq: i64,
    pub owner_id: UserId,
    pub env: Env,
    pub app_id: Option<AppId>,
    pub media_type: MediaType,
    /// The object key of the S3-style upload (`upload_parameters.key`).
    pub key: String,
    pub registered_at: Timestamp,
    /// When the upload policy expires.
    pub expires_at: Timestamp,
    pub file: Option<UploadedFile>,
    /// When a Pin first used it; used uploads are never cleaned up.
    pub used_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct NewMediaUpload {
    pub id: MediaId,
    pub owner_id: UserId,
    pub env: Env,
    pub app_id: Option<AppId>,
    pub media_type: MediaType,
    pub key: String,
    pub registered_at: Timestamp,
    pub expires_at: Timestamp,
}

impl MediaUpload {
    /// `registered` until the file arrives, `processing` until its ready time, then `succeeded`
    /// for a video pinbox could read and `failed` for anything else.
    pub fn status(&self, now: Timestamp) -> MediaStatus {
        match &self.file {
            None => MediaStatus::Registered,
            Some(f) if now < f.ready_at => MediaStatus::Processing,
            Some(UploadedFile {
                probe: Probe::Video(_),
                ..
            }) => MediaStatus::Succeeded,
            Some(_) => MediaStatus::Failed,
        }
    }

    /// The video's facts, once processing has succeeded.
    pub fn video(&self, now: Timestamp) -> Option<VideoInfo> {
        match (&self.file, self.status(now)) {
            (
                Some(UploadedFile {
                    probe: Probe::Video(v),
                    ..
                }),
                MediaStatus::Succeeded,
            ) => Some(*v),
            _ => None,
        }
    }
}

/// Where an upload's file lives in the media directory.
pub fn upload_file(id: MediaId) -> String {
    format!("video-uploads/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::bmff::Container;

    fn upload(file: Option<UploadedFile>) -> MediaUpload {
        MediaUpload {
            id: MediaId(1),
            seq: 1,
            owner_id: UserId(1),
            env: Env::Production,
            app_id: None,
            media_type: MediaType::Video,
            key: "k".into(),
            registered_at: Timestamp(0),
            expires_at: Timestamp(10),
            file,
            used_at: None,
        }
    }

    #[test]
    fn status_moves_with_the_clock_alone() {
        assert_eq!(upload(None).status(Timestamp(99)), MediaStatus::Registered);
        let video = Probe::Video(VideoInfo {
            container: Container::Mp4,
            duration_ms: 1,
            width: 1,
            height: 1,
        });
        let ok = upload(Some(UploadedFile {
            uploaded_at: Timestamp(5),
            ready_at: Timestamp(7),
            size: 1,
            probe: video,
        }));
        assert_eq!(ok.status(Timestamp(6)), MediaStatus::Processing);
        assert!(ok.video(Timestamp(6)).is_none());
        assert_eq!(ok.status(Timestamp(7)), MediaStatus::Succeeded);
        assert!(ok.video(Timestamp(7)).is_some());
        let bad = upload(Some(UploadedFile {
            uploaded_at: Timestamp(5),
            ready_at: Timestamp(7),
            size: 1,
            probe: Probe::NotVideo {
                reason: "no".into(),
            },
        }));
        assert_eq!(bad.status(Timestamp(6)), MediaStatus::Processing);
        assert_eq!(bad.status(Timestamp(8)), MediaStatus::Failed);
    }
}
