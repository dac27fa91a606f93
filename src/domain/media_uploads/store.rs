//! The storage port of media uploads: what the domain asks of every engine. Media uploads for video Pins.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{MediaId, UserId};
use crate::domain::media_uploads::{MediaUpload, NewMediaUpload, UploadedFile};
use crate::domain::page::Cursor;
use crate::domain::storage::StoreResult;

/// Media uploads for video Pins.
#[async_trait]
pub trait MediaUploadStore: Send + Sync {
    async fn create_media_upload(&self, upload: NewMediaUpload) -> StoreResult<MediaUpload>;

    /// An upload by id in any environment (the upload endpoint knows only the object key).
    async fn media_upload(&self, id: MediaId) -> StoreResult<Option<MediaUpload>>;

    /// Up to `cursor.limit + 1` of one owner's uploads in one environment after the cursor,
    /// newest first.
    async fn list_media_uploads(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<MediaUpload>>;

    /// Records the file an upload received, replacing an earlier one; `NotFound` once the upload
    /// is gone.
    async fn record_media_file(&self, id: MediaId, file: UploadedFile) -> StoreResult<MediaUpload>;

    /// Marks an upload used by a Pin (the first use is kept), which keeps it from cleanup;
    /// `NotFound` once the upload is gone.
    async fn mark_media_upload_used(&self, id: MediaId, at: Timestamp) -> StoreResult<()>;

    /// Up to `limit` uploads no Pin has used that were registered before `before`, oldest first.
    async fn unused_media_uploads(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<MediaUpload>>;

    /// Deletes an upload unless a Pin has used it meanwhile; whether it was deleted.
    async fn delete_unused_media_upload(&self, id: MediaId) -> StoreResult<bool>;
}
