//! Managing developer apps in SQLite: lists, redirect URIs, secret and tier.

use rusqlite::{Connection, params};

use super::SqliteStore;
use crate::domain::apps::AppStore;
use crate::domain::apps::NewApp;
use crate::domain::apps::{App, Tier};
use crate::domain::ids::{AppId, UserId};
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::Timestamp;
use crate::store::sqlite::accounts::app_by_id;
use crate::store::sqlite::engine::backend;
use async_trait::async_trait;

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

#[async_trait]
impl AppStore for SqliteStore {
    async fn create_app(&self, app: NewApp) -> StoreResult<App> {
        self.engine
            .write(move |c| super::accounts::create_app(c, app))
            .await
    }

    async fn app(&self, id: AppId) -> StoreResult<Option<App>> {
        self.engine
            .read(move |c| super::accounts::app_by_id(c, id))
            .await
    }

    async fn grant_app_feature(&self, app: AppId, feature: &str, at: Timestamp) -> StoreResult<()> {
        let feature = feature.to_string();
        self.engine
            .write(move |c| super::media::grant_app_feature(c, app, &feature, at))
            .await
    }

    async fn revoke_app_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        let feature = feature.to_string();
        self.engine
            .write(move |c| super::media::revoke_app_feature(c, app, &feature))
            .await
    }

    async fn app_has_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        let feature = feature.to_string();
        self.engine
            .read(move |c| super::media::app_has_feature(c, app, &feature))
            .await
    }

    async fn apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>> {
        self.engine.read(move |c| apps(c, owner)).await
    }

    async fn add_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App> {
        self.engine
            .write(move |c| add_redirect_uri(c, app, &uri))
            .await
    }

    async fn remove_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App> {
        self.engine
            .write(move |c| remove_redirect_uri(c, app, &uri))
            .await
    }

    async fn set_app_secret_hash(&self, app: AppId, secret_hash: [u8; 32]) -> StoreResult<App> {
        self.engine
            .write(move |c| set_secret_hash(c, app, &secret_hash))
            .await
    }

    async fn set_app_tier(&self, app: AppId, tier: Tier) -> StoreResult<App> {
        let result = self.engine.write(move |c| set_tier(c, app, tier)).await;
        // Cached tokens carry their app's tier (rate limits read it on every request).
        self.auth.invalidate();
        result
    }
}
