//! Users, developer apps and access tokens: creating them, and authenticating a bearer token.

use crate::catalog::scope::Scopes;
use crate::domain::Pinbox;
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, TokenId, UserId};
use crate::domain::tokens::{self, NewToken, Token, TokenKind, TokenStatus};
use crate::domain::users::User;
use crate::error::{Error, Result};

/// A token as issued: the record, and its secret in clear text, shown once.
pub struct IssuedToken {
    pub token: Token,
    pub secret: String,
}

/// The user account as `GET /v5/user_account` shows it to one caller.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub user: User,
    pub board_count: i64,
    pub pin_count: i64,
    pub follower_count: i64,
    pub following_count: i64,
    pub monthly_views: i64,
}

impl Pinbox {
    /// Issues an access token for a user of an app, valid for the configured lifetime.
    pub async fn issue_access_token(
        &self,
        user: Option<UserId>,
        app: AppId,
        scopes: Scopes,
        env: Env,
    ) -> Result<IssuedToken> {
        let secret = tokens::mint(TokenKind::Access);
        let now = self.clock.now();
        let token = self
            .store
            .create_token(NewToken {
                id: TokenId::random(),
                hash: secret.hash,
                kind: TokenKind::Access,
                user_id: user,
                app_id: app,
                scopes,
                env,
                created_at: now,
                expires_at: now.plus(self.limits.access_token_ttl),
            })
            .await?;
        Ok(IssuedToken {
            token,
            secret: secret.text,
        })
    }

    /// Resolves a bearer token into a caller for one environment, or Pinterest's 401.
    pub async fn authenticate(&self, bearer: &str, env: Env) -> Result<Caller> {
        if !bearer.starts_with("pina_") {
            return Err(Error::unauthenticated());
        }
        let hash = tokens::hash_secret(bearer);
        let token = self
            .store
            .token_by_hash(&hash)
            .await?
            .filter(|t| tokens::hashes_match(&hash, &t.hash) && t.kind == TokenKind::Access)
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
        })
    }

    pub async fn account_view(&self, caller: &Caller) -> Result<AccountView> {
        let id = caller.user_id;
        let user = self.users.get(id).await?;
        let counts = self.users.content_counts(id, caller.env).await?;
        let mut board_count = counts.public_boards + counts.protected_boards;
        if caller.reads_secret_boards() {
            board_count += counts.secret_boards;
        }
        let mut pin_count = counts.pins_on_public + counts.pins_on_protected;
        if caller.reads_secret_pins() {
            pin_count += counts.pins_on_secret;
        }
        Ok(AccountView {
            user,
            board_count,
            pin_count,
            follower_count: 0,
            following_count: 0,
            monthly_views: self.monthly_views(caller).await?,
        })
    }
}
