//! The websites users claim, in SQLite.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::ids::UserId;
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::websites::{Website, WebsiteName, WebsiteStore};
use crate::store::sqlite::errors::backend;
use async_trait::async_trait;

const SELECT: &str = "SELECT seq, user_id, website, verified_at FROM websites";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Website> {
    Ok(Website {
        seq: r.get(0)?,
        user_id: UserId(r.get(1)?),
        name: WebsiteName::stored(r.get(2)?),
        verified_at: Timestamp(r.get(3)?),
    })
}

fn claim(
    conn: &Connection,
    user: UserId,
    website: &WebsiteName,
    at: Timestamp,
) -> StoreResult<Website> {
    conn.execute(
        "INSERT INTO websites (user_id, website, verified_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id, website) DO NOTHING",
        params![user.0, website.as_str(), at.0],
    )
    .map_err(backend)?;
    conn.prepare_cached(&format!("{SELECT} WHERE user_id = ?1 AND website = ?2"))
        .and_then(|mut s| {
            s.query_row(params![user.0, website.as_str()], from_row)
                .optional()
        })
        .map_err(backend)?
        .ok_or(StoreError::NotFound("website"))
}

fn list(conn: &Connection, user: UserId, cursor: Cursor) -> StoreResult<Vec<Website>> {
    conn.prepare_cached(&format!(
        "{SELECT} WHERE user_id = ?1 AND (?2 IS NULL OR seq < ?2) ORDER BY seq DESC LIMIT ?3"
    ))
    .and_then(|mut s| {
        s.query_map(
            params![user.0, cursor.after, cursor.limit as i64 + 1],
            from_row,
        )?
        .collect()
    })
    .map_err(backend)
}

fn unclaim(conn: &Connection, user: UserId, website: &WebsiteName) -> StoreResult<bool> {
    conn.execute(
        "DELETE FROM websites WHERE user_id = ?1 AND website = ?2",
        params![user.0, website.as_str()],
    )
    .map(|n| n > 0)
    .map_err(backend)
}

#[async_trait]
impl WebsiteStore for SqliteStore {
    async fn claim_website(
        &self,
        user: UserId,
        website: WebsiteName,
        at: Timestamp,
    ) -> StoreResult<Website> {
        self.engine
            .write(move |c| claim(c, user, &website, at))
            .await
    }

    async fn list_websites(&self, user: UserId, cursor: Cursor) -> StoreResult<Vec<Website>> {
        self.engine.read(move |c| list(c, user, cursor)).await
    }

    async fn unclaim_website(&self, user: UserId, website: WebsiteName) -> StoreResult<bool> {
        self.engine.write(move |c| unclaim(c, user, &website)).await
    }
}
