//! Media uploads for video Pins in SQLite: registered uploads, the file each received, and the
//! cleanup of those no Pin used.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, MediaId, UserId, random_id};
use crate::domain::media_uploads::{
    MediaType, MediaUpload, MediaUploadStore, NewMediaUpload, Probe, UploadedFile,
};
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::errors::{backend, is_unique_violation};
use async_trait::async_trait;

const COLUMNS: &str = "seq, id, owner_id, env, app_id, media_type, upload_key, registered_at,
    expires_at, uploaded_at, ready_at, size, probe, used_at";

fn upload_from_row(r: &Row<'_>) -> rusqlite::Result<MediaUpload> {
    let uploaded_at: Option<i64> = r.get(9)?;
    let probe: Option<String> = r.get(12)?;
    let file = match (uploaded_at, probe) {
        (Some(at), Some(probe)) => {
            let probe = serde_json::from_str::<Probe>(&probe).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    12,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            Some(UploadedFile {
                uploaded_at: Timestamp(at),
                ready_at: Timestamp(r.get::<_, Option<i64>>(10)?.unwrap_or(at)),
                size: r.get::<_, Option<i64>>(11)?.unwrap_or(0) as u64,
                probe,
            })
        }
        _ => None,
    };
    Ok(MediaUpload {
        seq: r.get(0)?,
        id: MediaId(r.get(1)?),
        owner_id: UserId(r.get(2)?),
        env: Env::from_code(r.get(3)?),
        app_id: r.get::<_, Option<i64>>(4)?.map(AppId),
        media_type: MediaType::parse(&r.get::<_, String>(5)?).unwrap_or(MediaType::Video),
        key: r.get(6)?,
        registered_at: Timestamp(r.get(7)?),
        expires_at: Timestamp(r.get(8)?),
        file,
        used_at: r.get::<_, Option<i64>>(13)?.map(Timestamp),
    })
}

pub fn create_media_upload(conn: &Connection, upload: NewMediaUpload) -> StoreResult<MediaUpload> {
    let mut id = upload.id;
    for _ in 0..5 {
        let inserted = conn.execute(
            "INSERT INTO media_uploads (id, owner_id, env, app_id, media_type, upload_key,
                 registered_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.0,
                upload.owner_id.0,
                upload.env.code(),
                upload.app_id.map(|a| a.0),
                upload.media_type.as_str(),
                upload.key,
                upload.registered_at.0,
                upload.expires_at.0
            ],
        );
        match inserted {
            Ok(_) => {
                return media_upload(conn, id)?.ok_or(StoreError::NotFound("media upload"));
            }
            Err(e) if is_unique_violation(&e, "media_uploads.id") => id = MediaId(random_id()),
            Err(e) => return Err(backend(e)),
        }
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free media upload id"
    )))
}

pub fn media_upload(conn: &Connection, id: MediaId) -> StoreResult<Option<MediaUpload>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM media_uploads WHERE id = ?1"
    ))
    .and_then(|mut s| s.query_row([id.0], upload_from_row).optional())
    .map_err(backend)
}

pub fn list_media_uploads(
    conn: &Connection,
    owner: UserId,
    env: Env,
    cursor: Cursor,
) -> StoreResult<Vec<MediaUpload>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM media_uploads
             WHERE owner_id = ?1 AND env = ?2 AND seq < ?3
             ORDER BY seq DESC LIMIT ?4"
        ))
        .map_err(backend)?;
    let rows = stmt
        .query_map(
            params![
                owner.0,
                env.code(),
                cursor.after.unwrap_or(i64::MAX),
                cursor.limit as i64 + 1
            ],
            upload_from_row,
        )
        .map_err(backend)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
}

pub fn record_media_file(
    conn: &Connection,
    id: MediaId,
    file: &UploadedFile,
) -> StoreResult<MediaUpload> {
    let probe = serde_json::to_string(&file.probe).map_err(|e| StoreError::Backend(e.into()))?;
    let changed = conn
        .prepare_cached(
            "UPDATE media_uploads SET uploaded_at = ?2, ready_at = ?3, size = ?4, probe = ?5
             WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.execute(params![
                id.0,
                file.uploaded_at.0,
                file.ready_at.0,
                file.size as i64,
                probe
            ])
        })
        .map_err(backend)?;
    if changed == 0 {
        return Err(StoreError::NotFound("media upload"));
    }
    media_upload(conn, id)?.ok_or(StoreError::NotFound("media upload"))
}

pub fn mark_media_upload_used(conn: &Connection, id: MediaId, at: Timestamp) -> StoreResult<()> {
    let changed = conn
        .prepare_cached("UPDATE media_uploads SET used_at = COALESCE(used_at, ?2) WHERE id = ?1")
        .and_then(|mut s| s.execute(params![id.0, at.0]))
        .map_err(backend)?;
    if changed == 0 {
        return Err(StoreError::NotFound("media upload"));
    }
    Ok(())
}

pub fn unused_media_uploads(
    conn: &Connection,
    before: Timestamp,
    limit: u32,
) -> StoreResult<Vec<MediaUpload>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM media_uploads
             WHERE used_at IS NULL AND registered_at < ?1
             ORDER BY registered_at LIMIT ?2"
        ))
        .map_err(backend)?;
    let rows = stmt
        .query_map(params![before.0, limit as i64], upload_from_row)
        .map_err(backend)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
}

pub fn delete_unused_media_upload(conn: &Connection, id: MediaId) -> StoreResult<bool> {
    conn.prepare_cached("DELETE FROM media_uploads WHERE id = ?1 AND used_at IS NULL")
        .and_then(|mut s| s.execute([id.0]))
        .map(|n| n > 0)
        .map_err(backend)
}

#[async_trait]
impl MediaUploadStore for SqliteStore {
    async fn create_media_upload(&self, upload: NewMediaUpload) -> StoreResult<MediaUpload> {
        self.engine
            .write(move |c| create_media_upload(c, upload))
            .await
    }

    async fn media_upload(&self, id: MediaId) -> StoreResult<Option<MediaUpload>> {
        self.engine.read(move |c| media_upload(c, id)).await
    }

    async fn list_media_uploads(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<MediaUpload>> {
        self.engine
            .read(move |c| list_media_uploads(c, owner, env, cursor))
            .await
    }

    async fn record_media_file(&self, id: MediaId, file: UploadedFile) -> StoreResult<MediaUpload> {
        self.engine
            .write(move |c| record_media_file(c, id, &file))
            .await
    }

    async fn mark_media_upload_used(&self, id: MediaId, at: Timestamp) -> StoreResult<()> {
        self.engine
            .write(move |c| mark_media_upload_used(c, id, at))
            .await
    }

    async fn unused_media_uploads(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<MediaUpload>> {
        self.engine
            .read(move |c| unused_media_uploads(c, before, limit))
            .await
    }

    async fn delete_unused_media_upload(&self, id: MediaId) -> StoreResult<bool> {
        self.engine
            .write(move |c| delete_unused_media_upload(c, id))
            .await
    }
}
