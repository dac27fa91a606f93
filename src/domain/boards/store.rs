//! The storage port of boards: what the domain asks of every engine. Boards, with what their Pins make of them.

use async_trait::async_trait;

use crate::domain::boards::{Board, BoardChanges, NewBoard, PrivacySet};
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::page::Cursor;
use crate::domain::storage::StoreResult;

/// Board lists: one owner's boards in one environment, newest first.
#[derive(Debug, Clone, Copy)]
pub struct BoardQuery {
    pub owner_id: UserId,
    pub env: Env,
    pub privacies: PrivacySet,
    /// Whether the reader sees the Pins on secret boards (see [`BoardStore::board`]).
    pub secret_pins: bool,
    pub cursor: Cursor,
}

/// Boards, with what their Pins make of them.
#[async_trait]
pub trait BoardStore: Send + Sync {
    /// Inserts a board unless its owner already has `max_boards` boards in that environment
    /// (`LimitReached(Boards)`) or one with the same name (`Conflict(BoardName)`).
    async fn create_board(&self, board: NewBoard, max_boards: u32) -> StoreResult<Board>;

    /// A board with what its Pins make of it (count, cover, thumbnails, `pins_modified_at`). A
    /// reader who does not see the Pins on secret boards (`secret_pins` false: no
    /// `pins:read_secret`, `pin::owner_sees_pins_on`) gets a secret board as
    /// `Board::without_pins` shows it, and its Pins are not read.
    async fn board(&self, env: Env, id: BoardId, secret_pins: bool) -> StoreResult<Option<Board>>;

    /// Up to `cursor.limit + 1` boards after the cursor, newest first, shown as
    /// [`BoardStore::board`] shows them.
    async fn list_boards(&self, query: BoardQuery) -> StoreResult<Vec<Board>>;

    /// Changes a board and answers it as [`BoardStore::board`] shows it.
    async fn update_board(
        &self,
        env: Env,
        id: BoardId,
        changes: BoardChanges,
        secret_pins: bool,
    ) -> StoreResult<Board>;

    /// Deletes the board with its sections and Pins.
    async fn delete_board(&self, env: Env, id: BoardId) -> StoreResult<()>;

    /// The owner's ad-only board in that environment, if it exists.
    async fn ad_only_board(&self, owner: UserId, env: Env) -> StoreResult<Option<Board>>;
}
