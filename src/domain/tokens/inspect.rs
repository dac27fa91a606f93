//! The token debugger: what a token is (app, user, scopes, environment, kind, times, status),
//! the counterpart of Pinterest's Token Debugger. Possessing the token is the authorization;
//! no stored hash or secret is ever part of the answer.

use crate::domain::apps::App;
use crate::domain::tokens::{Token, TokenStatus, Tokens};
use crate::domain::users::User;
use crate::error::{Error, Result};

/// What pinbox knows about one token.
#[derive(Debug, Clone)]
pub struct TokenReport {
    pub token: Token,
    pub status: TokenStatus,
    /// `None` only if the app was removed from under the token.
    pub app: Option<App>,
    /// `None` for an app-context (client credentials) token.
    pub user: Option<User>,
}

impl TokenStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Valid => "valid",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }
}

impl Tokens {
    pub async fn inspect(&self, secret: &str) -> Result<TokenReport> {
        let secret = secret.trim();
        let token = self.lookup(secret).await?.ok_or_else(|| {
            Error::not_found(
                2,
                "Token not found: pinbox never issued this token (or it belongs to another \
                     pinbox). Access tokens start with pina_, refresh tokens with pinr_.",
            )
        })?;
        let app = self.apps.find(token.app_id).await?;
        let user = match token.user_id {
            Some(id) => self.users.find(id).await?,
            None => None,
        };
        Ok(TokenReport {
            status: token.status(self.clock.now()),
            token,
            app,
            user,
        })
    }
}
