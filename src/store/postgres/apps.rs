//! Developer apps in PostgreSQL: their secrets, redirect URIs, tiers and restricted features.
//! The app limit is counted while the owner's row is locked, so replicas cannot pass it.

use deadpool_postgres::Client;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::apps::{App, AppStore, MAX_APPS_PER_DEVELOPER, NewApp, Tier};
use crate::domain::ids::{AppId, UserId, random_id};
use crate::domain::storage::{StoreError, StoreResult, VolumeLimit};
use crate::store::postgres::columns::hash_array;
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

pub async fn create_app(client: &mut Client, app: NewApp) -> StoreResult<App> {
    let tx = client.transaction().await.map_err(pg)?;
    // The owner's row is the lock that makes counting and inserting one step across replicas.
    let owner = tx
        .query_opt(
            "SELECT id FROM users WHERE id = $1 FOR UPDATE",
            &[&app.owner_id.0],
        )
        .await
        .map_err(pg)?;
    if owner.is_none() {
        return Err(StoreError::NotFound("user"));
    }
    let owned: i64 = tx
        .query_one(
            "SELECT COUNT(*) FROM apps WHERE owner_id = $1",
            &[&app.owner_id.0],
        )
        .await
        .map_err(pg)?
        .get(0);
    if owned >= i64::from(MAX_APPS_PER_DEVELOPER) {
        return Err(StoreError::LimitReached(VolumeLimit::Apps));
    }
    let mut id = app.id;
    let mut inserted = false;
    for _ in 0..5 {
        let row = tx
            .query_opt(
                "INSERT INTO apps (id, owner_id, name, secret_hash, tier, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id",
                &[
                    &id.0,
                    &app.owner_id.0,
                    &app.name,
                    &&app.secret_hash[..],
                    &app.tier.as_str(),
                    &app.created_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if row.is_some() {
            inserted = true;
            break;
        }
        id = AppId(random_id());
    }
    if !inserted {
        return Err(StoreError::Backend(anyhow::anyhow!(
            "could not find a free app id"
        )));
    }
    for (position, uri) in app.redirect_uris.iter().enumerate() {
        tx.execute(
            "INSERT INTO app_redirect_uris (app_id, position, uri) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&id.0, &(position as i32), uri],
        )
        .await
        .map_err(pg)?;
    }
    tx.commit().await.map_err(pg)?;
    app_by_id(client, id)
        .await?
        .ok_or(StoreError::NotFound("app"))
}

pub async fn app_by_id(client: &Client, id: AppId) -> StoreResult<Option<App>> {
    let Some(row) = client
        .query_opt(
            "SELECT id, owner_id, name, secret_hash, tier, created_at FROM apps WHERE id = $1",
            &[&id.0],
        )
        .await
        .map_err(pg)?
    else {
        return Ok(None);
    };
    let uris = client
        .query(
            "SELECT uri FROM app_redirect_uris WHERE app_id = $1 ORDER BY position",
            &[&id.0],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    let tier: String = row.get(4);
    Ok(Some(App {
        id: AppId(row.get(0)),
        owner_id: UserId(row.get(1)),
        name: row.get(2),
        secret_hash: hash_array(row.get(3))?,
        redirect_uris: uris,
        tier: Tier::parse(&tier).unwrap_or(Tier::Trial),
        created_at: Timestamp(row.get(5)),
    }))
}

pub async fn apps(client: &Client, owner: Option<UserId>) -> StoreResult<Vec<App>> {
    let rows = client
        .query(
            "SELECT id FROM apps WHERE $1::BIGINT IS NULL OR owner_id = $1 ORDER BY created_at, id",
            &[&owner.map(|o| o.0)],
        )
        .await
        .map_err(pg)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(app) = app_by_id(client, AppId(r.get(0))).await? {
            out.push(app);
        }
    }
    Ok(out)
}

async fn existing(client: &Client, id: AppId) -> StoreResult<App> {
    app_by_id(client, id)
        .await?
        .ok_or(StoreError::NotFound("app"))
}

pub async fn add_redirect_uri(client: &Client, id: AppId, uri: &str) -> StoreResult<App> {
    existing(client, id).await?;
    client
        .execute(
            "INSERT INTO app_redirect_uris (app_id, position, uri)
             SELECT $1, COALESCE(MAX(position), -1) + 1, $2 FROM app_redirect_uris WHERE app_id = $1
             ON CONFLICT DO NOTHING",
            &[&id.0, &uri],
        )
        .await
        .map_err(pg)?;
    existing(client, id).await
}

pub async fn remove_redirect_uri(client: &Client, id: AppId, uri: &str) -> StoreResult<App> {
    existing(client, id).await?;
    let n = client
        .execute(
            "DELETE FROM app_redirect_uris WHERE app_id = $1 AND uri = $2",
            &[&id.0, &uri],
        )
        .await
        .map_err(pg)?;
    if n == 0 {
        return Err(StoreError::NotFound("redirect_uri"));
    }
    existing(client, id).await
}

pub async fn set_secret_hash(client: &Client, id: AppId, hash: &[u8; 32]) -> StoreResult<App> {
    let n = client
        .execute(
            "UPDATE apps SET secret_hash = $2 WHERE id = $1",
            &[&id.0, &&hash[..]],
        )
        .await
        .map_err(pg)?;
    if n == 0 {
        return Err(StoreError::NotFound("app"));
    }
    existing(client, id).await
}

pub async fn set_tier(client: &Client, id: AppId, tier: Tier) -> StoreResult<App> {
    let n = client
        .execute(
            "UPDATE apps SET tier = $2 WHERE id = $1",
            &[&id.0, &tier.as_str()],
        )
        .await
        .map_err(pg)?;
    if n == 0 {
        return Err(StoreError::NotFound("app"));
    }
    existing(client, id).await
}

pub async fn grant_app_feature(
    client: &Client,
    app: AppId,
    feature: &str,
    at: Timestamp,
) -> StoreResult<()> {
    client
        .execute(
            "INSERT INTO app_features (app_id, feature, granted_at) VALUES ($1, $2, $3)
             ON CONFLICT (app_id, feature) DO NOTHING",
            &[&app.0, &feature, &at.0],
        )
        .await
        .map_err(pg)?;
    Ok(())
}

pub async fn revoke_app_feature(client: &Client, app: AppId, feature: &str) -> StoreResult<bool> {
    let n = client
        .execute(
            "DELETE FROM app_features WHERE app_id = $1 AND feature = $2",
            &[&app.0, &feature],
        )
        .await
        .map_err(pg)?;
    Ok(n > 0)
}

pub async fn app_has_feature(client: &Client, app: AppId, feature: &str) -> StoreResult<bool> {
    let stmt = client
        .prepare_cached("SELECT 1 FROM app_features WHERE app_id = $1 AND feature = $2")
        .await
        .map_err(pg)?;
    Ok(client
        .query_opt(&stmt, &[&app.0, &feature])
        .await
        .map_err(pg)?
        .is_some())
}

#[async_trait]
impl AppStore for PgStore {
    async fn create_app(&self, app: NewApp) -> StoreResult<App> {
        create_app(&mut self.client().await?, app).await
    }

    async fn app(&self, id: AppId) -> StoreResult<Option<App>> {
        app_by_id(&self.client().await?, id).await
    }

    async fn grant_app_feature(&self, app: AppId, feature: &str, at: Timestamp) -> StoreResult<()> {
        grant_app_feature(&self.client().await?, app, feature, at).await
    }

    async fn revoke_app_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        revoke_app_feature(&self.client().await?, app, feature).await
    }

    async fn app_has_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        app_has_feature(&self.client().await?, app, feature).await
    }

    async fn apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>> {
        apps(&self.client().await?, owner).await
    }

    async fn add_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App> {
        add_redirect_uri(&self.client().await?, app, &uri).await
    }

    async fn remove_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App> {
        remove_redirect_uri(&self.client().await?, app, &uri).await
    }

    async fn set_app_secret_hash(&self, app: AppId, secret_hash: [u8; 32]) -> StoreResult<App> {
        set_secret_hash(&self.client().await?, app, &secret_hash).await
    }

    async fn set_app_tier(&self, app: AppId, tier: Tier) -> StoreResult<App> {
        set_tier(&self.client().await?, app, tier).await
    }
}
