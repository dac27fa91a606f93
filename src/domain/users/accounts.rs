//! What `GET /v5/user_account` shows: the user, what they own as the caller may see it, their
//! follow counts and their monthly views, gathered from the services that own each.

use crate::domain::analytics::Analytics;
use crate::domain::caller::Caller;
use crate::domain::follows::Follows;
use crate::domain::users::{User, Users};
use crate::error::Result;

/// The user account resource (`user_account/get`): a view over users, follows and analytics.
#[derive(Clone)]
pub struct Accounts {
    users: Users,
    follows: Follows,
    analytics: Analytics,
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

impl Accounts {
    pub fn new(users: Users, follows: Follows, analytics: Analytics) -> Accounts {
        Accounts {
            users,
            follows,
            analytics,
        }
    }

    /// The caller's account as `GET /v5/user_account` shows it.
    pub async fn view(&self, caller: &Caller) -> Result<AccountView> {
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
        let follows = self.follows.counts(id, caller.env).await?;
        Ok(AccountView {
            user,
            board_count,
            pin_count,
            follower_count: follows.followers,
            following_count: follows.following,
            monthly_views: self.analytics.monthly_views(caller).await?,
        })
    }
}
