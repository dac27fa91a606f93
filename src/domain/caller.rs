//! The authenticated caller of an operation: whose token, for which app, with which scopes,
//! in which environment. Visibility rules read it.

use crate::domain::app::Tier;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, TokenId, UserId};
use crate::domain::scope::{Scope, Scopes};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Caller {
    pub token_id: TokenId,
    /// `None` for an app-context token from the client-credentials grant.
    pub user_id: Option<UserId>,
    pub app_id: AppId,
    pub scopes: Scopes,
    pub env: Env,
    /// The app's access tier as of this request (rate limits depend on it).
    pub tier: Tier,
}

impl Caller {
    /// The user the operation acts for; app-context tokens have none and are refused.
    pub fn user(&self) -> Result<crate::domain::ids::UserId> {
        self.user_id.ok_or_else(|| {
            Error::forbidden(
                29,
                "You are not permitted to access that resource. This operation acts on a user's \
                 account; use a token from the authorization-code flow, not client credentials.",
            )
        })
    }

    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(scope)
    }

    pub fn reads_secret_boards(&self) -> bool {
        self.has(Scope::BoardsReadSecret)
    }

    pub fn writes_secret_boards(&self) -> bool {
        self.has(Scope::BoardsWriteSecret)
    }

    pub fn reads_secret_pins(&self) -> bool {
        self.has(Scope::PinsReadSecret)
    }

    pub fn writes_secret_pins(&self) -> bool {
        self.has(Scope::PinsWriteSecret)
    }
}
