//! The user lookups the content services' entry points need while users have no service of their
//! own: by name to follow someone, by name or id for the engagement command. They read the users'
//! port through `Pinbox`; once users is a service, Follows asks it for the followee and these go.

use crate::domain::Pinbox;
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::{UserId, parse_digits};
use crate::domain::text::{TextKind, check_characters};
use crate::domain::users::User;
use crate::error::{Error, Result};

impl Pinbox {
    /// `follow_user/update`: the caller follows `username` (again is fine). Unknown users are
    /// Pinterest's 404 code 30; following yourself is refused.
    pub async fn follow_user(&self, caller: &Caller, username: &str) -> Result<User> {
        let me = caller.user_id;
        self.follow_user_as(me, caller.env, username).await
    }

    /// Makes `follower` follow `username` in `env` (the API and `pinbox follow user`).
    pub async fn follow_user_as(&self, follower: UserId, env: Env, username: &str) -> Result<User> {
        check_characters("username", username, TextKind::Name)?;
        let followee = self
            .store
            .user_by_username(username)
            .await?
            .ok_or_else(Error::user_not_found)?;
        self.follows.follow_user(follower, env, followee).await
    }

    /// The user with this username, else the user with this id, if either exists.
    pub async fn user_by_name_or_id(&self, name_or_id: &str) -> Result<Option<User>> {
        if let Some(u) = self.store.user_by_username(name_or_id).await? {
            return Ok(Some(u));
        }
        match parse_digits(name_or_id) {
            Some(id) => Ok(self.store.user(UserId(id)).await?),
            None => Ok(None),
        }
    }
}
