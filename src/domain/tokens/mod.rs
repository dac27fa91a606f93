//! Access and refresh tokens: minting, hashing, issuing, authenticating, looking up, revoking
//! and inspecting them.

mod store;
pub use store::*;

mod inspect;
mod token;

pub use inspect::*;
pub use token::*;

use std::sync::Arc;
use std::time::Duration;

use crate::catalog::scope::Scopes;
use crate::clock::{Clock, Timestamp};
use crate::domain::apps::Apps;
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, GrantId, TokenId, UserId};
use crate::domain::secrets::hash_secret;
use crate::domain::secrets::hashes_match;
use crate::domain::users::Users;
use crate::error::{Error, Result};

/// Continuous refresh tokens last 60 days from each refresh (the spec's note on `oauth/token`).
pub const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(60 * 24 * 3600);

/// Tokens: issuing them, turning a bearer token into a caller, and what the OAuth grants need
/// of them (lookups, grants, revocation).
#[derive(Clone)]
pub struct Tokens {
    store: Arc<dyn TokenStore>,
    clock: Clock,
    /// The token debugger names the token's app and user.
    apps: Apps,
    users: Users,
    /// How long an access token lives.
    access_ttl: Duration,
}

/// A token as issued: the record, and its secret in clear text, shown once.
pub struct IssuedToken {
    pub token: Token,
    pub secret: String,
}

impl Tokens {
    pub fn new(
        store: Arc<dyn TokenStore>,
        clock: Clock,
        apps: Apps,
        users: Users,
        access_ttl: Duration,
    ) -> Tokens {
        Tokens {
            store,
            clock,
            apps,
            users,
            access_ttl,
        }
    }

    /// Issues an access token for a user of an app, valid for the configured lifetime.
    pub async fn issue(
        &self,
        user: Option<UserId>,
        app: AppId,
        scopes: Scopes,
        env: Env,
    ) -> Result<IssuedToken> {
        let (token, secret) = self.new_token(TokenKind::Access, user, app, scopes, env);
        let token = self.store.create_token(token).await?;
        Ok(IssuedToken { token, secret })
    }

    /// Resolves a bearer token into a caller for one environment, or Pinterest's 401.
    pub async fn authenticate(&self, bearer: &str, env: Env) -> Result<Caller> {
        if !bearer.starts_with("pina_") {
            return Err(Error::unauthenticated());
        }
        let token = self
            .lookup(bearer)
            .await?
            .filter(|t| t.kind == TokenKind::Access)
            .ok_or_else(Error::unauthenticated)?;
        match token.status(self.clock.now()) {
            TokenStatus::Valid => {}
            TokenStatus::Expired => {
                return Err(Error::unauthenticated_because(
                    "Authentication failed: the access token has expired. Refresh it or \
                     request a new one.",
                ));
            }
            TokenStatus::Revoked => {
                return Err(Error::unauthenticated_because(
                    "Authentication failed: the access token has been revoked. Request a new one.",
                ));
            }
        }
        if token.env != env {
            return Err(Error::unauthenticated_because(format!(
                "Authentication failed: this is a {} token and cannot be used in {}. Use a token \
                 issued for this environment.",
                token.env, env
            )));
        }
        Ok(Caller {
            token_id: token.id,
            user_id: token.user_id.unwrap_or(token.app_owner),
            app_token: token.user_id.is_none(),
            app_id: token.app_id,
            scopes: token.scopes,
            env: token.env,
            tier: token.app_tier,
            agent: None,
        })
    }

    /// A token ready to insert, valid for its kind's lifetime from now, and its secret.
    pub fn new_token(
        &self,
        kind: TokenKind,
        user: Option<UserId>,
        app: AppId,
        scopes: Scopes,
        env: Env,
    ) -> (NewToken, String) {
        let secret = mint(kind);
        let now = self.clock.now();
        let ttl = match kind {
            TokenKind::Access => self.access_ttl,
            TokenKind::Refresh => REFRESH_TOKEN_TTL,
        };
        (
            NewToken {
                id: TokenId::random(),
                hash: secret.hash,
                kind,
                user_id: user,
                app_id: app,
                scopes,
                env,
                created_at: now,
                expires_at: now.plus(ttl),
            },
            secret.text,
        )
    }

    /// The token whose secret this is, of any kind and status, if pinbox issued it.
    pub async fn lookup(&self, secret: &str) -> Result<Option<Token>> {
        let hash = hash_secret(secret);
        Ok(self
            .store
            .token_by_hash(&hash)
            .await?
            .filter(|t| hashes_match(&hash, &t.hash)))
    }

    /// Inserts tokens that belong to one grant (an access and a refresh token, from a refresh).
    pub async fn issue_in_grant(
        &self,
        grant: GrantId,
        tokens: Vec<NewToken>,
    ) -> Result<Vec<Token>> {
        Ok(self.store.create_grant_tokens(grant, tokens).await?)
    }

    /// The grant a token was issued under, if it came from the OAuth flow.
    pub async fn grant_of(&self, id: TokenId) -> Result<Option<GrantId>> {
        Ok(self.store.token_grant(id).await?)
    }

    pub async fn revoke(&self, id: TokenId, at: Timestamp) -> Result<()> {
        Ok(self.store.revoke_token(id, at).await?)
    }

    /// Revokes every token of a grant that is not revoked yet; returns how many.
    pub async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> Result<u64> {
        Ok(self.store.revoke_grant(grant, at).await?)
    }
}
