//! Developer apps: creating them, listing them, their redirect URIs, rotating the secret,
//! changing the access tier and granting restricted features. Every change is read from the
//! store on the next request.

mod store;
pub use store::*;

mod app;
mod features;

pub use app::*;
pub use features::*;

use std::sync::Arc;

use crate::clock::Clock;
use crate::domain::ids::AppId;
use crate::domain::storage::{StoreError, VolumeLimit};
use crate::domain::users::{User, Users};
use crate::error::{Error, Result};

/// Apps: creating and reading them, and what an operator changes on them afterwards.
#[derive(Clone)]
pub struct Apps {
    store: Arc<dyn AppStore>,
    clock: Clock,
    /// Apps are listed by their owner's username.
    users: Users,
}

/// An app as created: the record, and its secret in clear text, shown once.
pub struct CreatedApp {
    pub app: App,
    pub secret: String,
}

/// The answer to a sixth app (seed 002's five-app limit).
fn app_limit_reached(e: StoreError) -> Error {
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

impl Apps {
    pub fn new(store: Arc<dyn AppStore>, clock: Clock, users: Users) -> Apps {
        Apps {
            store,
            clock,
            users,
        }
    }

    pub async fn create(
        &self,
        owner: &User,
        name: &str,
        redirect_uris: Vec<String>,
        tier: Tier,
    ) -> Result<CreatedApp> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid(
                "The app name must be 1 to 100 characters long.",
            ));
        }
        for uri in &redirect_uris {
            validate_redirect_uri(uri)?;
        }
        let secret = mint_app_secret();
        let app = self
            .store
            .create_app(NewApp {
                id: AppId::random(),
                owner_id: owner.id,
                name: name.to_string(),
                secret_hash: secret.hash,
                redirect_uris,
                tier,
                created_at: self.clock.now(),
            })
            .await
            .map_err(app_limit_reached)?;
        Ok(CreatedApp {
            app,
            secret: secret.text,
        })
    }

    /// The app with this id, or an error that names the id.
    pub async fn get(&self, id: AppId) -> Result<App> {
        self.find(id).await?.ok_or_else(|| app_not_found(id))
    }

    /// The app with this id, if there is one.
    pub async fn find(&self, id: AppId) -> Result<Option<App>> {
        Ok(self.store.app(id).await?)
    }

    /// Every app, or one developer's, oldest first.
    pub async fn of_owner(&self, owner: Option<&str>) -> Result<Vec<App>> {
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
    pub async fn rotate_secret(&self, app: AppId) -> Result<CreatedApp> {
        let secret = mint_app_secret();
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

    pub async fn set_tier(&self, app: AppId, tier: Tier) -> Result<App> {
        self.store
            .set_app_tier(app, tier)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => app_not_found(app),
                other => other.into(),
            })
    }
}

/// Redirect URIs are absolute http(s) URLs without fragments, matched exactly later.
pub fn validate_redirect_uri(uri: &str) -> Result<()> {
    let ok = (uri.starts_with("https://") || uri.starts_with("http://"))
        && !uri.contains('#')
        && !uri.chars().any(char::is_whitespace)
        && uri.len() <= 2048
        && uri
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty());
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "Invalid redirect URI '{uri}': use an absolute http:// or https:// URL without a fragment."
        )))
    }
}
