//! The storage port of users: what the domain asks of every engine. Users: accounts, usernames, passwords and what they own.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::UserId;
use crate::domain::storage::StoreResult;
use crate::domain::users::{ContentCounts, NewUser, User};

/// Users: accounts, usernames, passwords and what they own.
#[async_trait]
pub trait UserStore: Send + Sync {
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;

    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;

    async fn user_count(&self) -> StoreResult<i64>;

    /// Boards and Pins a user owns in one environment, by board privacy.
    async fn content_counts(&self, user: UserId, env: Env) -> StoreResult<ContentCounts>;

    /// Sets a new password hash and, in the same transaction, revokes every token of the user,
    /// ends their sign-in sessions and expires their unused codes at `at` (seed 002: a changed
    /// password logs the user out). Returns how many tokens it revoked.
    async fn set_password(
        &self,
        user: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> StoreResult<u64>;
}
