//! The authenticated caller of an operation: whose token, for which app, acting for which user,
//! with which scopes, in which environment. Visibility rules read it.

use std::sync::Arc;

use crate::catalog::scope::{Scope, Scopes};
use crate::domain::agents::grants::Grants;
use crate::domain::apps::Tier;
use crate::domain::env::Env;
use crate::domain::ids::{AgentId, AppId, TokenId, UserId};

/// The agent behind a call made with an agent key: who it is and what it may do.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentRef {
    pub id: AgentId,
    pub name: String,
    pub grants: Grants,
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub token_id: TokenId,
    /// The user the operation acts for (the spec's "operation user_account"): the token's user,
    /// or for an app token its app's owner.
    pub user_id: UserId,
    /// An app-context token from the client-credentials grant. It has no user of its own and
    /// acts as its app's owner, as on Pinterest; the auth layer admits it only to operations
    /// whose spec lists `client_credentials`.
    pub app_token: bool,
    pub app_id: AppId,
    pub scopes: Scopes,
    pub env: Env,
    /// The app's access tier as of this request (rate limits depend on it).
    pub tier: Tier,
    /// Set when an agent key made the call: its grants limit every operation.
    pub agent: Option<Arc<AgentRef>>,
}

impl Caller {
    /// The user the token itself belongs to: `None` for an app token. Per-user quotas count
    /// against it, so app tokens count against their app alone.
    pub fn token_user(&self) -> Option<UserId> {
        (!self.app_token).then_some(self.user_id)
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
