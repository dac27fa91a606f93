//! The user account's social graph: who follows whom, which boards a user follows, and the
//! counts `GET /v5/user_account` shows. Follows belong to one environment, like boards and Pins.
//!
//! Following a board makes its owner an implicit followee (the spec's `explicit_following`):
//! `user_following/get` lists explicit and implicit followees unless asked for explicit ones only,
//! and `following_count` counts what it lists by default. `follower_count` counts the users who
//! follow the account itself.

mod store;
pub use store::*;

use std::sync::Arc;

use crate::clock::{Clock, Timestamp};
use crate::domain::boards::{Board, Boards};
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::page::{Cursor, ListKind, Pages};
use crate::domain::storage::StoreError;
use crate::domain::text::{TextKind, check_characters};
use crate::domain::users::Users;
use crate::domain::users::{AccountType, User};
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, Result};

/// Follows: users following users and public boards, their lists and counts.
#[derive(Clone)]
pub struct Follows {
    store: Arc<dyn FollowStore>,
    clock: Clock,
    pages: Pages,
    /// The public boards a user may follow.
    boards: Boards,
    /// The users one may follow, by username.
    users: Users,
}

/// A user in a follow list, with the position of the follow that put them there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowedUser {
    pub seq: i64,
    pub id: UserId,
    pub username: String,
    pub account_type: AccountType,
}

/// A board in a user's followed boards, with the position of the follow.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowedBoard {
    pub seq: i64,
    pub board: Board,
}

/// One page of a user's followees.
#[derive(Debug, Clone, Copy)]
pub struct FollowingQuery {
    pub user: UserId,
    pub env: Env,
    /// Only users followed as such, not owners of followed boards.
    pub explicit_only: bool,
    /// Only creators (business accounts), for the `CREATOR_ONLY` feed types.
    pub creators_only: bool,
    pub cursor: Cursor,
}

/// What the account counts for one user in one environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowCounts {
    pub followers: i64,
    pub following: i64,
}

/// The spec's `UserFollowingFeedType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedType {
    All,
    Ranked,
    CreatorOnly,
    RankedCreatorOnly,
}

impl FeedType {
    pub const NAMES: &'static [&'static str] =
        &["ALL", "RANKED", "CREATOR_ONLY", "RANKED_CREATOR_ONLY"];

    pub fn parse(s: &str) -> Option<FeedType> {
        match s {
            "ALL" => Some(FeedType::All),
            "RANKED" => Some(FeedType::Ranked),
            "CREATOR_ONLY" => Some(FeedType::CreatorOnly),
            "RANKED_CREATOR_ONLY" => Some(FeedType::RankedCreatorOnly),
            _ => None,
        }
    }

    fn creators_only(self) -> bool {
        matches!(self, FeedType::CreatorOnly | FeedType::RankedCreatorOnly)
    }
}

impl Follows {
    pub fn new(
        store: Arc<dyn FollowStore>,
        clock: Clock,
        pages: Pages,
        boards: Boards,
        users: Users,
    ) -> Follows {
        Follows {
            store,
            clock,
            pages,
            boards,
            users,
        }
    }

    /// Makes `follower` follow the user named `username` in `env` (again is fine):
    /// `follow_user/update` and `pinbox follow user`. Unknown users are Pinterest's 404 code 30;
    /// following yourself is refused.
    pub async fn follow_user(&self, follower: UserId, env: Env, username: &str) -> Result<User> {
        check_characters("username", username, TextKind::Name)?;
        let followee = self
            .users
            .find_named(username)
            .await?
            .ok_or_else(Error::user_not_found)?;
        if followee.id == follower {
            return Err(Error::invalid("You cannot follow yourself."));
        }
        self.store
            .follow_user(env, follower, followee.id, self.clock.now())
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => Error::user_not_found(),
                other => other.into(),
            })?;
        Ok(followee)
    }

    /// Makes `follower` follow a public board of another user in `env` (`pinbox follow board`).
    pub async fn follow_board(&self, follower: UserId, env: Env, board: BoardId) -> Result<Board> {
        let found = self
            .boards
            .public(env, board)
            .await?
            .ok_or_else(Error::board_not_found)?;
        if found.owner_id == follower {
            return Err(Error::invalid("You cannot follow your own board."));
        }
        let at: Timestamp = self.clock.now();
        self.store
            .follow_board(env, follower, board, at)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => Error::board_not_found(),
                other => other.into(),
            })?;
        Ok(found)
    }

    /// `followers/list`: the users who follow the caller, newest follow first.
    pub async fn list_followers(
        &self,
        caller: &Caller,
        page: PageRequest,
    ) -> Result<Listing<FollowedUser>> {
        let me = caller.user_id;
        self.pages
            .list(
                &page,
                ListKind::Followers,
                me.0,
                |cursor| async move { Ok(self.store.list_followers(me, caller.env, cursor).await?) },
                |u| u.seq,
            )
            .await
    }

    /// `user_following/get`: the users the caller follows, newest first.
    pub async fn list_following(
        &self,
        caller: &Caller,
        explicit_only: bool,
        feed: FeedType,
        page: PageRequest,
    ) -> Result<Listing<FollowedUser>> {
        let me = caller.user_id;
        // Each filter is its own list: a bookmark of one does not continue another.
        let context = me.0 ^ ((explicit_only as i64) << 1 | feed.creators_only() as i64);
        self.pages
            .list(
                &page,
                ListKind::Following,
                context,
                |cursor| async move {
                    let query = FollowingQuery {
                        user: me,
                        env: caller.env,
                        explicit_only,
                        creators_only: feed.creators_only(),
                        cursor,
                    };
                    Ok(self.store.list_following(query).await?)
                },
                |u| u.seq,
            )
            .await
    }

    /// `boards_user_follows/list`: the public boards the caller follows, newest follow first.
    /// Every board follow is explicit, so `explicit_following` changes nothing here.
    pub async fn list_boards(&self, caller: &Caller, page: PageRequest) -> Result<Listing<Board>> {
        let me = caller.user_id;
        let listing = self
            .pages
            .list(
                &page,
                ListKind::FollowingBoards,
                me.0,
                |cursor| async move {
                    Ok(self
                        .store
                        .list_followed_boards(me, caller.env, cursor)
                        .await?)
                },
                |f| f.seq,
            )
            .await?;
        Ok(listing.map(|f| f.board))
    }

    /// The account view with its exact follower and following counts.
    /// How many follow `user` in `env`, and how many `user` follows.
    pub async fn counts(&self, user: UserId, env: Env) -> Result<FollowCounts> {
        Ok(self.store.follow_counts(user, env).await?)
    }
}
