//! What `GET /v5/user_account` shows: the user, what they own as the caller may see it, and
//! their monthly views; the follow counts are added by `Pinbox::with_follow_counts`.

use crate::domain::Pinbox;
use crate::domain::caller::Caller;
use crate::domain::users::User;
use crate::error::Result;

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
