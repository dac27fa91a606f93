//! Media uploads for video Pins in PostgreSQL: registered uploads, the file each received, and
//! the cleanup of those no Pin used.

use deadpool_postgres::Client;
use tokio_postgres::Row;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, MediaId, UserId, random_id};
use crate::domain::media_uploads::{
    MediaType, MediaUpload, MediaUploadStore, NewMediaUpload, Probe, UploadedFile,
};
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

const COLUMNS: &str = "seq, id, owner_id, env, app_id, media_type, upload_key, registered_at,
    expires_at, uploaded_at, ready_at, size, probe, used_at";

fn upload_from_row(r: &Row) -> StoreResult<MediaUpload> {
    let uploaded_at: Option<i64> = r.get(9);
    let probe: Option<String> = r.get(12);
    let file = match (uploaded_at, probe) {
        (Some(at), Some(probe)) => Some(UploadedFile {
            uploaded_at: Timestamp(at),
            ready_at: Timestamp(r.get::<_, Option<i64>>(10).unwrap_or(at)),
            size: r.get::<_, Option<i64>>(11).unwrap_or(0) as u64,
            probe: serde_json::from_str::<Probe>(&probe)
                .map_err(|e| StoreError::Backend(e.into()))?,
        }),
        _ => None,
    };
    Ok(MediaUpload {
        seq: r.get(0),
        id: MediaId(r.get(1)),
        owner_id: UserId(r.get(2)),
        env: Env::from_code(r.get::<_, i16>(3) as i64),
        app_id: r.get::<_, Option<i64>>(4).map(AppId),
        media_type: MediaType::parse(r.get::<_, &str>(5)).unwrap_or(MediaType::Video),
        key: r.get(6),
        registered_at: Timestamp(r.get(7)),
        expires_at: Timestamp(r.get(8)),
        file,
        used_at: r.get::<_, Option<i64>>(13).map(Timestamp),
    })
}

pub async fn create_media_upload(
    client: &Client,
    upload: NewMediaUpload,
) -> StoreResult<MediaUpload> {
    let mut id = upload.id;
    for _ in 0..5 {
        let inserted = client
            .query_opt(
                "INSERT INTO media_uploads (id, owner_id, env, app_id, media_type, upload_key,
                     registered_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id",
                &[
                    &id.0,
                    &upload.owner_id.0,
                    &(upload.env.code() as i16),
                    &upload.app_id.map(|a| a.0),
                    &upload.media_type.as_str(),
                    &upload.key,
                    &upload.registered_at.0,
                    &upload.expires_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if inserted.is_some() {
            return media_upload(client, id)
                .await?
                .ok_or(StoreError::NotFound("media upload"));
        }
        id = MediaId(random_id());
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free media upload id"
    )))
}

pub async fn media_upload(client: &Client, id: MediaId) -> StoreResult<Option<MediaUpload>> {
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM media_uploads WHERE id = $1"
        ))
        .await
        .map_err(pg)?;
    client
        .query_opt(&stmt, &[&id.0])
        .await
        .map_err(pg)?
        .map(|r| upload_from_row(&r))
        .transpose()
}

pub async fn list_media_uploads(
    client: &Client,
    owner: UserId,
    env: Env,
    cursor: Cursor,
) -> StoreResult<Vec<MediaUpload>> {
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM media_uploads
             WHERE owner_id = $1 AND env = $2 AND seq < $3
             ORDER BY seq DESC LIMIT $4"
        ))
        .await
        .map_err(pg)?;
    client
        .query(
            &stmt,
            &[
                &owner.0,
                &(env.code() as i16),
                &cursor.after.unwrap_or(i64::MAX),
                &(cursor.limit as i64 + 1),
            ],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(upload_from_row)
        .collect()
}

pub async fn record_media_file(
    client: &Client,
    id: MediaId,
    file: &UploadedFile,
) -> StoreResult<MediaUpload> {
    let probe = serde_json::to_string(&file.probe).map_err(|e| StoreError::Backend(e.into()))?;
    let changed = client
        .execute(
            "UPDATE media_uploads SET uploaded_at = $2, ready_at = $3, size = $4, probe = $5
             WHERE id = $1",
            &[
                &id.0,
                &file.uploaded_at.0,
                &file.ready_at.0,
                &(file.size as i64),
                &probe,
            ],
        )
        .await
        .map_err(pg)?;
    if changed == 0 {
        return Err(StoreError::NotFound("media upload"));
    }
    media_upload(client, id)
        .await?
        .ok_or(StoreError::NotFound("media upload"))
}

pub async fn mark_media_upload_used(
    client: &Client,
    id: MediaId,
    at: Timestamp,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE media_uploads SET used_at = COALESCE(used_at, $2) WHERE id = $1",
            &[&id.0, &at.0],
        )
        .await
        .map_err(pg)?;
    if changed == 0 {
        return Err(StoreError::NotFound("media upload"));
    }
    Ok(())
}

pub async fn unused_media_uploads(
    client: &Client,
    before: Timestamp,
    limit: u32,
) -> StoreResult<Vec<MediaUpload>> {
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM media_uploads
             WHERE used_at IS NULL AND registered_at < $1
             ORDER BY registered_at LIMIT $2"
        ))
        .await
        .map_err(pg)?;
    client
        .query(&stmt, &[&before.0, &(limit as i64)])
        .await
        .map_err(pg)?
        .iter()
        .map(upload_from_row)
        .collect()
}

pub async fn delete_unused_media_upload(client: &Client, id: MediaId) -> StoreResult<bool> {
    let n = client
        .execute(
            "DELETE FROM media_uploads WHERE id = $1 AND used_at IS NULL",
            &[&id.0],
        )
        .await
        .map_err(pg)?;
    Ok(n > 0)
}

#[async_trait]
impl MediaUploadStore for PgStore {
    async fn create_media_upload(&self, upload: NewMediaUpload) -> StoreResult<MediaUpload> {
        create_media_upload(&self.client().await?, upload).await
    }

    async fn media_upload(&self, id: MediaId) -> StoreResult<Option<MediaUpload>> {
        media_upload(&self.client().await?, id).await
    }

    async fn list_media_uploads(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<MediaUpload>> {
        list_media_uploads(&self.client().await?, owner, env, cursor).await
    }

    async fn record_media_file(&self, id: MediaId, file: UploadedFile) -> StoreResult<MediaUpload> {
        record_media_file(&self.client().await?, id, &file).await
    }

    async fn mark_media_upload_used(&self, id: MediaId, at: Timestamp) -> StoreResult<()> {
        mark_media_upload_used(&self.client().await?, id, at).await
    }

    async fn unused_media_uploads(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<MediaUpload>> {
        unused_media_uploads(&self.client().await?, before, limit).await
    }

    async fn delete_unused_media_upload(&self, id: MediaId) -> StoreResult<bool> {
        delete_unused_media_upload(&self.client().await?, id).await
    }
}
