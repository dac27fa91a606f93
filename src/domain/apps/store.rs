//! The storage port of apps: what the domain asks of every engine. Apps: their secrets, redirect URIs, tiers and restricted features.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::apps::{App, NewApp, Tier};
use crate::domain::ids::{AppId, UserId};
use crate::domain::storage::StoreResult;

/// Apps: their secrets, redirect URIs, tiers and restricted features.
#[async_trait]
pub trait AppStore: Send + Sync {
    /// Inserts an app unless its owner already has `app::MAX_APPS_PER_DEVELOPER` apps
    /// (`LimitReached(Apps)`).
    async fn create_app(&self, app: NewApp) -> StoreResult<App>;

    async fn app(&self, id: AppId) -> StoreResult<Option<App>>;

    /// Apps of one owner (or of everyone), oldest first.
    async fn apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>>;

    /// Registers a redirect URI (kept if already there); `NotFound("app")` for an unknown app.
    async fn add_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App>;

    /// Unregisters a redirect URI; `NotFound("redirect_uri")` when it was not registered.
    async fn remove_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App>;

    async fn set_app_secret_hash(&self, app: AppId, secret_hash: [u8; 32]) -> StoreResult<App>;

    async fn set_app_tier(&self, app: AppId, tier: Tier) -> StoreResult<App>;

    /// Grants `feature` to the app; granting it again changes nothing.
    async fn grant_app_feature(&self, app: AppId, feature: &str, at: Timestamp) -> StoreResult<()>;

    /// Takes `feature` back; whether the app had it.
    async fn revoke_app_feature(&self, app: AppId, feature: &str) -> StoreResult<bool>;

    async fn app_has_feature(&self, app: AppId, feature: &str) -> StoreResult<bool>;
}
