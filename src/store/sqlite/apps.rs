//! Developer apps in SQLite: their secrets, redirect URIs, tiers and restricted features.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::apps::{App, AppStore, MAX_APPS_PER_DEVELOPER, NewApp, Tier};
use crate::domain::ids::{AppId, UserId, random_id};
use crate::domain::storage::{StoreError, StoreResult, VolumeLimit};
use crate::store::sqlite::columns::hash_array;
use crate::store::sqlite::errors::{backend, is_unique_violation};
use async_trait::async_trait;

pub fn create_app(conn: &Connection, app: NewApp) -> StoreResult<App> {
    // The writer thread runs one write at a time, so counting then inserting cannot race.
    let owned: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM apps WHERE owner_id = ?1",
            [app.owner_id.0],
            |r| r.get(0),
        )
        .map_err(backend)?;
    if owned >= i64::from(MAX_APPS_PER_DEVELOPER) {
        return Err(StoreError::LimitReached(VolumeLimit::Apps));
    }
    let mut id = app.id;
    let mut inserted = false;
    for _ in 0..5 {
        match conn.execute(
            "INSERT INTO apps (id, owner_id, name, secret_hash, tier, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id.0, app.owner_id.0, app.name, &app.secret_hash[..], app.tier.as_str(), app.created_at.0],
        ) {
            Ok(_) => {
                inserted = true;
                break;
            }
            Err(e) if is_unique_violation(&e, "apps.id") => id = AppId(random_id()),
            Err(e) => return Err(backend(e)),
        }
    }
    if !inserted {
        return Err(StoreError::Backend(anyhow::anyhow!(
            "could not find a free app id"
        )));
    }
    for (position, uri) in app.redirect_uris.iter().enumerate() {
        conn.execute(
            "INSERT OR IGNORE INTO app_redirect_uris (app_id, position, uri) VALUES (?1, ?2, ?3)",
            params![id.0, position as i64, uri],
        )
        .map_err(backend)?;
    }
    app_by_id(conn, id)?.ok_or(StoreError::NotFound("app"))
}

pub fn app_by_id(conn: &Connection, id: AppId) -> StoreResult<Option<App>> {
    let row = conn
        .prepare_cached(
            "SELECT id, owner_id, name, secret_hash, tier, created_at FROM apps WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([id.0], |r| {
                let hash: Vec<u8> = r.get(3)?;
                let tier: String = r.get(4)?;
                Ok((
                    AppId(r.get(0)?),
                    UserId(r.get(1)?),
                    r.get::<_, String>(2)?,
                    hash,
                    tier,
                    Timestamp(r.get(5)?),
                ))
            })
            .optional()
        })
        .map_err(backend)?;
    let Some((id, owner_id, name, hash, tier, created_at)) = row else {
        return Ok(None);
    };
    let redirect_uris = conn
        .prepare_cached("SELECT uri FROM app_redirect_uris WHERE app_id = ?1 ORDER BY position")
        .and_then(|mut s| {
            s.query_map([id.0], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(backend)?;
    Ok(Some(App {
        id,
        owner_id,
        name,
        secret_hash: hash_array(hash)?,
        redirect_uris,
        tier: Tier::parse(&tier).unwrap_or(Tier::Trial),
        created_at,
    }))
}

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

pub fn grant_app_feature(
    conn: &Connection,
    app: AppId,
    feature: &str,
    at: Timestamp,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO app_features (app_id, feature, granted_at) VALUES (?1, ?2, ?3)",
    )
    .and_then(|mut s| s.execute(params![app.0, feature, at.0]))
    .map_err(backend)?;
    Ok(())
}

pub fn revoke_app_feature(conn: &Connection, app: AppId, feature: &str) -> StoreResult<bool> {
    conn.prepare_cached("DELETE FROM app_features WHERE app_id = ?1 AND feature = ?2")
        .and_then(|mut s| s.execute(params![app.0, feature]))
        .map(|n| n > 0)
        .map_err(backend)
}

pub fn app_has_feature(conn: &Connection, app: AppId, feature: &str) -> StoreResult<bool> {
    conn.prepare_cached("SELECT 1 FROM app_features WHERE app_id = ?1 AND feature = ?2")
        .and_then(|mut s| s.query_row(params![app.0, feature], |_| Ok(())).optional())
        .map(|r| r.is_some())
        .map_err(backend)
}

#[async_trait]
impl AppStore for SqliteStore {
    async fn create_app(&self, app: NewApp) -> StoreResult<App> {
        self.engine.write(move |c| create_app(c, app)).await
    }

    async fn app(&self, id: AppId) -> StoreResult<Option<App>> {
        self.engine.read(move |c| app_by_id(c, id)).await
    }

    async fn grant_app_feature(&self, app: AppId, feature: &str, at: Timestamp) -> StoreResult<()> {
        let feature = feature.to_string();
        self.engine
            .write(move |c| grant_app_feature(c, app, &feature, at))
            .await
    }

    async fn revoke_app_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        let feature = feature.to_string();
        self.engine
            .write(move |c| revoke_app_feature(c, app, &feature))
            .await
    }

    async fn app_has_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        let feature = feature.to_string();
        self.engine
            .read(move |c| app_has_feature(c, app, &feature))
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
