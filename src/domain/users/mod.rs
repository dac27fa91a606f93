//! Users: accounts, their passwords, and what `GET /v5/user_account` shows.

mod store;
pub use store::*;

mod accounts;
mod password;
mod user;

pub use accounts::*;
pub use password::*;
pub use user::*;

use std::sync::Arc;

use crate::clock::Clock;
use crate::domain::env::Env;
use crate::domain::ids::UserId;
use crate::domain::storage::{Conflict, StoreError};
use crate::domain::text::{TextKind, check_characters};
use crate::error::{Error, Result};

/// Users: creating them, finding them by id or username, their passwords and what they own.
#[derive(Clone)]
pub struct Users {
    store: Arc<dyn UserStore>,
    clock: Clock,
}

impl Users {
    pub fn new(store: Arc<dyn UserStore>, clock: Clock) -> Users {
        Users { store, clock }
    }

    pub async fn create(
        &self,
        username: &str,
        password: Option<&str>,
        account_type: AccountType,
    ) -> Result<User> {
        let username = Username::parse(username)?;
        let password_hash = match password {
            Some(p) if p.len() < 8 => {
                return Err(Error::invalid(
                    "The password must be at least 8 characters long.",
                ));
            }
            Some(p) => Some(hash_password(p)?),
            None => None,
        };
        let user = NewUser {
            id: UserId::random(),
            username: username.as_str().to_string(),
            account_type,
            business_name: (account_type == AccountType::Business)
                .then(|| username.as_str().to_string()),
            password_hash,
            created_at: self.clock.now(),
        };
        self.store.create_user(user).await.map_err(|e| match e {
            StoreError::Conflict(Conflict::Username) => Error::conflict(
                409,
                format!(
                    "The username '{}' is taken. Choose another.",
                    username.as_str()
                ),
            ),
            other => other.into(),
        })
    }

    /// The user with this id, or Pinterest's "User not found".
    pub async fn get(&self, id: UserId) -> Result<User> {
        self.find(id).await?.ok_or_else(Error::user_not_found)
    }

    /// The user with this id, if there is one.
    pub async fn find(&self, id: UserId) -> Result<Option<User>> {
        Ok(self.store.user(id).await?)
    }

    /// The user with this username, or an error that names it.
    pub async fn named(&self, username: &str) -> Result<User> {
        self.find_named(username).await?.ok_or_else(|| {
            Error::not_found(
                30,
                format!("User not found: no user is named '{username}'."),
            )
        })
    }

    /// The user with this username, if there is one.
    pub async fn find_named(&self, username: &str) -> Result<Option<User>> {
        Ok(self.store.user_by_username(username).await?)
    }

    /// How many users there are, in every environment.
    pub async fn count(&self) -> Result<i64> {
        Ok(self.store.user_count().await?)
    }

    /// Boards and Pins a user owns in one environment, by board privacy: what a caller may see
    /// of them is the caller's rule to apply.
    pub async fn content_counts(&self, id: UserId, env: Env) -> Result<ContentCounts> {
        Ok(self.store.content_counts(id, env).await?)
    }

    /// The user whose username and password these are, or `None`. Unknown users cost the same
    /// time as a wrong password, so the form does not tell which usernames exist.
    pub async fn check_password(&self, username: &str, password: &str) -> Result<Option<User>> {
        let user = if username.is_empty()
            || username.len() > 64
            || check_characters("username", username, TextKind::Name).is_err()
        {
            None
        } else {
            self.store.user_by_username(username).await?
        };
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(stored.as_deref(), &password))
            .await
            .map_err(|e| Error::internal(anyhow::anyhow!("checking a password: {e}")))?;
        Ok(user.filter(|_| ok))
    }

    /// Changes a user's password; every token of theirs is revoked and their sessions end
    /// (seed 002). Returns how many tokens were revoked.
    pub async fn set_password(&self, username: &str, password: &str) -> Result<u64> {
        let user = self.named(username).await?;
        if password.chars().count() < 8 {
            return Err(Error::invalid(
                "The password must be at least 8 characters long.",
            ));
        }
        let hash = {
            let password = password.to_string();
            tokio::task::spawn_blocking(move || hash_password(&password))
                .await
                .map_err(|e| Error::internal(anyhow::anyhow!("hashing a password: {e}")))??
        };
        Ok(self
            .store
            .set_password(user.id, hash, self.clock.now())
            .await?)
    }
}
