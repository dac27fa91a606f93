//! The storage port of ad accounts: what the domain asks of every engine. Ad accounts.

use async_trait::async_trait;

use crate::domain::ad_accounts::{AdAccount, NewAdAccount};
use crate::domain::env::Env;
use crate::domain::ids::{AdAccountId, UserId};
use crate::domain::page::Cursor;
use crate::domain::storage::StoreResult;

/// Ad accounts.
#[async_trait]
pub trait AdAccountStore: Send + Sync {
    /// Inserts an ad account (a clashing random id is replaced by another).
    async fn create_ad_account(&self, account: NewAdAccount) -> StoreResult<AdAccount>;

    async fn ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<Option<AdAccount>>;

    /// Up to `cursor.limit + 1` of an owner's ad accounts in one environment, newest first.
    async fn list_ad_accounts(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<AdAccount>>;

    /// Deletes an ad account and everything under it (`NotFound` if there is none).
    async fn delete_ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<()>;
}
