//! The rules for media uploads: registering one with an S3-style upload policy, accepting the
//! file at pinbox's upload endpoint (checked as S3 checks it), reading the container, who may see
//! an upload, and cleaning up uploads no Pin used.

mod store;
pub use store::*;

mod upload;

pub use upload::*;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::clock::{Clock, Timestamp};
use crate::domain::caller::Caller;
use crate::domain::ids::{MediaId, parse_digits};
use crate::domain::page::{ListKind, Pages};
use crate::domain::storage::StoreError;
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, Result};
use crate::media::Media;
use crate::media::bmff;
use crate::media::files::TempFile;
use crate::media::s3_post::{PolicyRequest, S3Code, S3Error, Signer, UploadForm};

/// Media uploads: registering them, taking their files, who may see them, and cleaning up the
/// ones no Pin used.
#[derive(Clone)]
pub struct MediaUploads {
    store: Arc<dyn MediaUploadStore>,
    clock: Clock,
    pages: Pages,
    /// The media directory, where uploaded files are kept.
    media: Media,
    settings: UploadSettings,
    /// Signs and checks upload policies with a key from the store, so that any replica accepts
    /// an upload another registered.
    signer: Signer,
}

/// How uploads behave; every value is configurable (`pinbox serve --help`).
#[derive(Debug, Clone)]
pub struct UploadSettings {
    /// Largest file accepted (the policy's `content-length-range`); Pinterest takes videos up to 2 GB.
    pub max_upload_bytes: u64,
    /// How long an upload (and a video Pin) stays `processing` after its file arrives.
    pub processing_delay: Duration,
    /// How long the upload policy is valid after registration.
    pub policy_lifetime: Duration,
    /// Uploads no Pin used are deleted (record and file) this long after registration.
    pub unused_ttl: Duration,
    /// How often each server looks for such uploads.
    pub cleanup_interval: Duration,
}

impl Default for UploadSettings {
    fn default() -> UploadSettings {
        UploadSettings {
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            processing_delay: Duration::from_secs(2),
            policy_lifetime: Duration::from_secs(3600),
            unused_ttl: Duration::from_secs(24 * 3600),
            cleanup_interval: Duration::from_secs(600),
        }
    }
}

/// A registered upload and the form fields the client sends with its file.
#[derive(Debug, Clone)]
pub struct RegisteredUpload {
    pub upload: MediaUpload,
    pub form: UploadForm,
}

/// An upload whose form fields passed every check; the file may now stream in.
#[derive(Debug, Clone, Copy)]
pub struct UploadTicket {
    pub media_id: MediaId,
    pub min_bytes: u64,
    pub max_bytes: u64,
}

/// The `Content-Type` upload parameter Pinterest hands out (and its policy requires).
pub const UPLOAD_CONTENT_TYPE: &str = "multipart/form-data";

/// `uploads/ab/cd/ef/<env>:video:<app>:<media_id>`, shaped like Pinterest's keys.
fn object_key(env_code: i64, app: i64, id: MediaId) -> String {
    let r: [u8; 3] = rand::random();
    format!(
        "uploads/{:02x}/{:02x}/{:02x}/{env_code}:video:{app}:{id}",
        r[0], r[1], r[2]
    )
}

/// The media id at the end of an object key pinbox issued.
fn media_id_of(key: &str) -> Option<MediaId> {
    key.rsplit(':').next().and_then(parse_digits).map(MediaId)
}

fn media_not_found() -> Error {
    Error::not_found(
        404,
        "Media upload not found: no media upload registered by this user has this id. \
         Register one with POST /v5/media.",
    )
}

fn gone() -> S3Error {
    S3Error::new(
        S3Code::AccessDenied,
        "Invalid according to Policy: the media upload this key belongs to no longer exists; \
         register a new one with POST /v5/media.",
    )
}

fn internal(e: impl std::fmt::Display) -> S3Error {
    tracing::error!(error = %e, "media upload failed inside pinbox");
    S3Error::internal()
}

impl MediaUploads {
    pub fn new(
        store: Arc<dyn MediaUploadStore>,
        clock: Clock,
        pages: Pages,
        media: Media,
        settings: UploadSettings,
        signer: Signer,
    ) -> MediaUploads {
        MediaUploads {
            store,
            clock,
            pages,
            media,
            settings,
            signer,
        }
    }

    /// Largest file an upload takes.
    pub fn max_upload_bytes(&self) -> u64 {
        self.settings.max_upload_bytes
    }

    /// `POST /v5/media`: a new upload and the S3-style policy for its file.
    pub async fn register(
        &self,
        caller: &Caller,
        media_type: MediaType,
    ) -> Result<RegisteredUpload> {
        let owner = caller.user_id;
        let settings = &self.settings;
        let now = self.clock.now();
        let id = MediaId::random();
        let key = object_key(caller.env.code(), caller.app_id.0, id);
        let upload = self
            .store
            .create_media_upload(NewMediaUpload {
                id,
                owner_id: owner,
                env: caller.env,
                app_id: Some(caller.app_id),
                media_type,
                key,
                registered_at: now,
                expires_at: now.plus(settings.policy_lifetime),
            })
            .await?;
        let form = self.signer.issue(&PolicyRequest {
            key: upload.key.clone(),
            content_type: UPLOAD_CONTENT_TYPE.to_string(),
            min_bytes: 1,
            max_bytes: settings.max_upload_bytes,
            now,
            expires: upload.expires_at,
            security_token: STANDARD.encode(rand::random::<[u8; 32]>()),
        });
        Ok(RegisteredUpload { upload, form })
    }

    /// An upload the caller registered (in the caller's environment); anyone else's is "not found".
    pub async fn get(&self, caller: &Caller, id: MediaId) -> Result<MediaUpload> {
        self.find(caller, id).await?.ok_or_else(media_not_found)
    }

    /// The caller's upload with this id (in the caller's environment), if there is one.
    pub async fn find(&self, caller: &Caller, id: MediaId) -> Result<Option<MediaUpload>> {
        let owner = caller.user_id;
        Ok(self
            .store
            .media_upload(id)
            .await?
            .filter(|u| u.owner_id == owner && u.env == caller.env))
    }

    /// Marks an upload used by a Pin (the first use is kept), which keeps it from cleanup;
    /// `false` when the upload is gone.
    pub async fn mark_used(&self, id: MediaId, at: Timestamp) -> Result<bool> {
        match self.store.mark_media_upload_used(id, at).await {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// `GET /v5/media`: the caller's uploads, newest first.
    pub async fn list(&self, caller: &Caller, page: PageRequest) -> Result<Listing<MediaUpload>> {
        let owner = caller.user_id;
        self.pages
            .list(
                &page,
                ListKind::Media,
                owner.0,
                |cursor| async move {
                    Ok(self
                        .store
                        .list_media_uploads(owner, caller.env, cursor)
                        .await?)
                },
                |u| u.seq,
            )
            .await
    }

    /// Checks an upload's form fields (everything before the file) as S3 does, and that they
    /// name an upload pinbox still has.
    pub async fn check_upload_fields(
        &self,
        fields: &[(String, String)],
    ) -> std::result::Result<UploadTicket, S3Error> {
        let policy = self.signer.verify(fields, self.clock.now())?;
        let id = media_id_of(&policy.key).ok_or_else(gone)?;
        let upload = self
            .store
            .media_upload(id)
            .await
            .map_err(internal)?
            .filter(|u| u.key == policy.key)
            .ok_or_else(gone)?;
        Ok(UploadTicket {
            media_id: upload.id,
            min_bytes: policy.min_bytes,
            max_bytes: policy.max_bytes.min(self.settings.max_upload_bytes),
        })
    }

    /// Takes the file that streamed in for `ticket`: reads its container, keeps it in the media
    /// directory and records it. The upload reads `processing` until the processing delay is over.
    pub async fn finish_upload(
        &self,
        ticket: UploadTicket,
        temp: TempFile,
        size: u64,
    ) -> std::result::Result<MediaUpload, S3Error> {
        if size < ticket.min_bytes {
            return Err(S3Error::new(
                S3Code::EntityTooSmall,
                "Your proposed upload is smaller than the minimum allowed size",
            )
            .with("ProposedSize", size)
            .with("MinSizeAllowed", ticket.min_bytes));
        }
        let path = temp.path().to_path_buf();
        let probe = tokio::task::spawn_blocking(move || bmff::probe_file(&path))
            .await
            .map_err(internal)?;
        let probe = match probe {
            Ok(info) => Probe::Video(info),
            Err(e) => Probe::NotVideo {
                reason: e.to_string(),
            },
        };
        let key = upload_file(ticket.media_id);
        self.media
            .files
            .commit(temp, &key)
            .await
            .map_err(internal)?;
        let now = self.clock.now();
        let recorded = self
            .store
            .record_media_file(
                ticket.media_id,
                UploadedFile {
                    uploaded_at: now,
                    ready_at: now.plus(self.settings.processing_delay),
                    size,
                    probe,
                },
            )
            .await;
        match recorded {
            Ok(upload) => Ok(upload),
            Err(StoreError::NotFound(_)) => {
                // Cleaned up while the file streamed in.
                let _ = self.media.files.remove(&key).await;
                Err(gone())
            }
            Err(e) => Err(internal(e)),
        }
    }

    /// Deletes uploads no Pin used that were registered longer ago than the configured time,
    /// with their files; a Pin's own copy of a video is never touched. Returns how many went.
    pub async fn clean_up(&self) -> Result<usize> {
        let ttl = self.settings.unused_ttl;
        let before = Timestamp(
            self.clock
                .now()
                .0
                .saturating_sub(ttl.as_millis().min(i64::MAX as u128) as i64),
        );
        const BATCH: u32 = 100;
        let mut removed = 0;
        loop {
            let batch = self.store.unused_media_uploads(before, BATCH).await?;
            for upload in &batch {
                // The store re-checks "unused", so an upload a Pin took meanwhile stays.
                if self.store.delete_unused_media_upload(upload.id).await? {
                    removed += 1;
                    if let Err(e) = self.media.files.remove(&upload_file(upload.id)).await {
                        tracing::warn!(media_id = %upload.id, error = %e, "could not remove an upload's file");
                    }
                }
            }
            if batch.len() < BATCH as usize {
                return Ok(removed);
            }
        }
    }

    /// Runs [`MediaUploads::clean_up`] every `cleanup_interval` until the task is aborted.
    /// Every replica may run it: the deletes are idempotent.
    pub fn spawn_cleanup(&self) -> tokio::task::JoinHandle<()> {
        let uploads = self.clone();
        tokio::spawn(async move {
            let every = uploads
                .settings
                .cleanup_interval
                .max(Duration::from_millis(10));
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                match uploads.clean_up().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "cleaned up unused media uploads"),
                    Err(e) => tracing::warn!(error = %e, "cleaning up media uploads failed"),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_keys_carry_their_media_id_last() {
        let key = object_key(1, 42, MediaId(123_456_789_012_345_678));
        assert!(key.starts_with("uploads/"), "{key}");
        assert!(key.ends_with("1:video:42:123456789012345678"), "{key}");
        assert_eq!(media_id_of(&key), Some(MediaId(123_456_789_012_345_678)));
        assert_eq!(media_id_of("uploads/x:video:1:notdigits"), None);
    }
}
