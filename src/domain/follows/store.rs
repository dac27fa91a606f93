//! The storage port of follows: what the domain asks of every engine. Users following users and boards.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::follows::{FollowCounts, FollowedBoard, FollowedUser, FollowingQuery};
use crate::domain::ids::{BoardId, UserId};
use crate::domain::page::Cursor;
use crate::domain::storage::StoreResult;

/// Users following users and boards.
#[async_trait]
pub trait FollowStore: Send + Sync {
    /// `follower` follows `followee` in `env`; whether the follow is new (following again changes
    /// nothing). `NotFound("user")` if either user does not exist.
    async fn follow_user(
        &self,
        env: Env,
        follower: UserId,
        followee: UserId,
        at: Timestamp,
    ) -> StoreResult<bool>;

    /// `follower` follows a board in `env`, which makes its owner an implicit followee; whether
    /// the follow is new. `NotFound("board")` if the board is not in `env`.
    async fn follow_board(
        &self,
        env: Env,
        follower: UserId,
        board: BoardId,
        at: Timestamp,
    ) -> StoreResult<bool>;

    /// Up to `cursor.limit + 1` users who follow `user` in `env`, newest follow first.
    async fn list_followers(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedUser>>;

    /// Up to `cursor.limit + 1` users `query.user` follows, explicitly or through a public board
    /// of theirs, each once at the position of their first follow, newest first.
    async fn list_following(&self, query: FollowingQuery) -> StoreResult<Vec<FollowedUser>>;

    /// Up to `cursor.limit + 1` public boards `user` follows in `env`, newest follow first.
    async fn list_followed_boards(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedBoard>>;

    /// Exact follower and following counts (following: what `list_following` lists unfiltered).
    async fn follow_counts(&self, user: UserId, env: Env) -> StoreResult<FollowCounts>;
}
