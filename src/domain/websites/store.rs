//! The storage port of websites: the sites a user has claimed.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::ids::UserId;
use crate::domain::page::Cursor;
use crate::domain::storage::StoreResult;
use crate::domain::websites::{Website, WebsiteName};

/// The websites users have claimed.
#[async_trait]
pub trait WebsiteStore: Send + Sync {
    /// Records `website` as claimed by `user` at `at`; claiming it again keeps the first claim.
    async fn claim_website(
        &self,
        user: UserId,
        website: WebsiteName,
        at: Timestamp,
    ) -> StoreResult<Website>;

    /// Up to `cursor.limit + 1` of the user's websites after the cursor, newest claim first.
    async fn list_websites(&self, user: UserId, cursor: Cursor) -> StoreResult<Vec<Website>>;

    /// Forgets the claim; whether there was one.
    async fn unclaim_website(&self, user: UserId, website: WebsiteName) -> StoreResult<bool>;
}
