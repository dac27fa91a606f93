//! The storage port of tokens: what the domain asks of every engine. Access and refresh tokens, by hash, and the grants they belong to.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::ids::{GrantId, TokenId};
use crate::domain::secrets::TokenHash;
use crate::domain::storage::StoreResult;
use crate::domain::tokens::{NewToken, Token};

/// Access and refresh tokens, by hash, and the grants they belong to.
#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn create_token(&self, token: NewToken) -> StoreResult<Token>;

    /// Engines may answer this from memory, so every method that revokes a token or changes what
    /// one may do must make such answers stale at once for every process and replica using the
    /// store (SQLite: the shared auth epoch; see `sqlite::auth_cache`).
    async fn token_by_hash(&self, hash: &TokenHash) -> StoreResult<Option<Token>>;

    async fn revoke_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()>;

    /// Inserts tokens that belong to one grant (an access and a refresh token, from a refresh).
    async fn create_grant_tokens(
        &self,
        grant: GrantId,
        tokens: Vec<NewToken>,
    ) -> StoreResult<Vec<Token>>;

    /// The grant a token was issued under, if it came from the OAuth flow.
    async fn token_grant(&self, id: TokenId) -> StoreResult<Option<GrantId>>;

    /// Revokes every token of a grant that is not revoked yet; returns how many.
    async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> StoreResult<u64>;
}
