//! The storage port of oauth: what the domain asks of every engine. Authorization codes and the consent pages' sign-in sessions.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::oauth::{CodeRedemption, OAuthCode, Session};
use crate::domain::secrets::TokenHash;
use crate::domain::storage::StoreResult;
use crate::domain::tokens::NewToken;

/// Authorization codes and the consent pages' sign-in sessions.
#[async_trait]
pub trait OAuthStore: Send + Sync {
    /// Stores a new code (by hash); expired codes are swept in the same write.
    async fn create_oauth_code(&self, code: OAuthCode) -> StoreResult<()>;

    async fn oauth_code(&self, hash: &TokenHash) -> StoreResult<Option<OAuthCode>>;

    /// In one transaction: a code not used yet is marked used at `at` and `tokens` are inserted
    /// under its grant (`Redeemed`); a code used before gets every token of its grant revoked
    /// instead (`AlreadyUsed`), so that a replayed code ends what it had granted.
    /// `NotFound("code")` for an unknown code.
    async fn redeem_oauth_code(
        &self,
        hash: &TokenHash,
        at: Timestamp,
        tokens: Vec<NewToken>,
    ) -> StoreResult<CodeRedemption>;

    /// Stores a new session (by hash); expired sessions are swept in the same write.
    async fn create_session(&self, session: Session) -> StoreResult<()>;

    async fn session(&self, hash: &TokenHash) -> StoreResult<Option<Session>>;

    async fn delete_session(&self, hash: &TokenHash) -> StoreResult<()>;
}
