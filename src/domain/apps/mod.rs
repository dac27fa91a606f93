//! Managing developer apps after creation: listing them, their redirect URIs, rotating the
//! secret and changing the access tier. Every change is read from the store on the next request.

mod store;
pub use store::*;

mod app;
mod features;

pub use app::*;
pub use features::*;

use crate::domain::Pinbox;
use crate::domain::ids::AppId;
use crate::domain::storage::{StoreError, VolumeLimit};
use crate::domain::tokens;
use crate::domain::users::{CreatedApp, validate_redirect_uri};
use crate::error::{Error, Result};

/// The answer to a sixth app (seed 002's five-app limit).
pub(crate) fn app_limit_reached(e: StoreError) -> Error {
    match e {
        StoreError::LimitReached(VolumeLimit::Apps) => Error::forbidden(
            2016,
            format!(
                "App limit reached: a developer may own at most {MAX_APPS_PER_DEVELOPER} apps. \
                 Use one of your existing apps (`pinbox app list --owner <username>`)."
            ),
        ),
        other => other.into(),
    }
}

fn app_not_found(id: AppId) -> Error {
    Error::not_found(404, format!("App not found: no app has the id {id}."))
}

impl Pinbox {
    /// Every app, or one developer's, oldest first.
    pub async fn apps_of(&self, owner: Option<&str>) -> Result<Vec<App>> {
        let owner = match owner {
            Some(name) => Some(self.users.named(name).await?.id),
            None => None,
        };
        Ok(self.store.apps(owner).await?)
    }

    pub async fn add_redirect_uri(&self, app: AppId, uri: &str) -> Result<App> {
        validate_redirect_uri(uri)?;
        self.store
            .add_redirect_uri(app, uri.to_string())
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => app_not_found(app),
                other => other.into(),
            })
    }

    pub async fn remove_redirect_uri(&self, app: AppId, uri: &str) -> Result<App> {
        self.store
            .remove_redirect_uri(app, uri.to_string())
            .await
            .map_err(|e| match e {
                StoreError::NotFound("app") => app_not_found(app),
                StoreError::NotFound(_) => Error::not_found(
                    404,
                    format!(
                        "The redirect URI '{uri}' is not registered for app {app}; \
                         `pinbox app show {app}` lists them."
                    ),
                ),
                other => other.into(),
            })
    }

    /// A new app secret, shown once; the old one stops working at once. Tokens already issued
    /// keep working: they belong to users, not to the secret.
    pub async fn rotate_app_secret(&self, app: AppId) -> Result<CreatedApp> {
        let secret = tokens::mint_app_secret();
        let app = self
            .store
            .set_app_secret_hash(app, secret.hash)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => app_not_found(app),
                other => other.into(),
            })?;
        Ok(CreatedApp {
            app,
            secret: secret.text,
        })
    }

    pub async fn set_app_tier(&self, app: AppId, tier: Tier) -> Result<App> {
        self.store
            .set_app_tier(app, tier)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => app_not_found(app),
                other => other.into(),
            })
    }
}
