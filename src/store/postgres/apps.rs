//! Managing developer apps in PostgreSQL: lists, redirect URIs, secret and tier.

use deadpool_postgres::Client;

use super::PgStore;
use crate::domain::apps::AppStore;
use crate::domain::apps::NewApp;
use crate::domain::apps::{App, Tier};
use crate::domain::ids::{AppId, UserId};
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::Timestamp;
use crate::store::postgres::accounts::app_by_id;
use crate::store::postgres::pg;
use async_trait::async_trait;

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

#[async_trait]
impl AppStore for PgStore {
    async fn create_app(&self, app: NewApp) -> StoreResult<App> {
        super::accounts::create_app(&mut self.client().await?, app).await
    }

    async fn app(&self, id: AppId) -> StoreResult<Option<App>> {
        super::accounts::app_by_id(&self.client().await?, id).await
    }

    async fn grant_app_feature(&self, app: AppId, feature: &str, at: Timestamp) -> StoreResult<()> {
        super::media::grant_app_feature(&self.client().await?, app, feature, at).await
    }

    async fn revoke_app_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        super::media::revoke_app_feature(&self.client().await?, app, feature).await
    }

    async fn app_has_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        super::media::app_has_feature(&self.client().await?, app, feature).await
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
