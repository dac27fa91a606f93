//! Managing developer apps in SQLite: lists, redirect URIs, secret and tier.

use rusqlite::{Connection, params};

use crate::domain::apps::{App, Tier};
use crate::domain::ids::{AppId, UserId};
use crate::store::sqlite::accounts::app_by_id;
use crate::store::sqlite::engine::backend;
use crate::store::{StoreError, StoreResult};

pub fn apps(conn: &Connection, owner: Option<UserId>) -> StoreResult<Vec<App>> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM apps WHERE ?1 IS NULL OR owner_id = ?1 ORDER BY created_at, id",
        )
        .and_then(|mut s| {
            s.query_map([owner.map(|o| o.0)], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(backend)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(app) = app_by_id(conn, AppId(id))? {
            out.push(app);
        }
    }
    Ok(out)
}

fn existing(conn: &Connection, id: AppId) -> StoreResult<App> {
    app_by_id(conn, id)?.ok_or(StoreError::NotFound("app"))
}

pub fn add_redirect_uri(conn: &Connection, id: AppId, uri: &str) -> StoreResult<App> {
    existing(conn, id)?;
    conn.execute(
        "INSERT OR IGNORE INTO app_redirect_uris (app_id, position, uri)
         VALUES (?1, (SELECT COALESCE(MAX(position), -1) + 1 FROM app_redirect_uris WHERE app_id = ?1), ?2)",
        params![id.0, uri],
    )
    .map_err(backend)?;
    existing(conn, id)
}

pub fn remove_redirect_uri(conn: &Connection, id: AppId, uri: &str) -> StoreResult<App> {
    existing(conn, id)?;
    let n = conn
        .execute(
            "DELETE FROM app_redirect_uris WHERE app_id = ?1 AND uri = ?2",
            params![id.0, uri],
        )
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound("redirect_uri"));
    }
    existing(conn, id)
}

pub fn set_secret_hash(conn: &Connection, id: AppId, hash: &[u8; 32]) -> StoreResult<App> {
    let n = conn
        .execute(
            "UPDATE apps SET secret_hash = ?2 WHERE id = ?1",
            params![id.0, &hash[..]],
        )
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound("app"));
    }
    existing(conn, id)
}

pub fn set_tier(conn: &Connection, id: AppId, tier: Tier) -> StoreResult<App> {
    let n = conn
        .execute(
            "UPDATE apps SET tier = ?2 WHERE id = ?1",
            params![id.0, tier.as_str()],
        )
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound("app"));
    }
    existing(conn, id)
}
