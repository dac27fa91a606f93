//! The counters kept beside the rows they count, changed in the same transaction: per-user board
//! and Pin totals (`user_counts`), so that volume limits are checked in constant time, and each
//! board's Pin count and `pins_modified_at`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::storage::StoreResult;
use crate::store::sqlite::errors::backend;

/// (boards, Pins) a user has in one environment.
pub fn totals(conn: &Connection, user: UserId, env: Env) -> StoreResult<(i64, i64)> {
    Ok(conn
        .prepare_cached("SELECT boards, pins FROM user_counts WHERE user_id = ?1 AND env = ?2")
        .and_then(|mut s| {
            s.query_row(params![user.0, env.code()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(backend)?
        .unwrap_or((0, 0)))
}

pub fn add(conn: &Connection, user: UserId, env: Env, boards: i64, pins: i64) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO user_counts (user_id, env, boards, pins) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, env) DO UPDATE SET boards = boards + excluded.boards,
             pins = pins + excluded.pins",
    )
    .and_then(|mut s| s.execute(params![user.0, env.code(), boards, pins]))
    .map_err(backend)?;
    Ok(())
}

/// Moves a board's Pin count by `delta` and its `pins_modified_at` up to `at`.
pub fn bump_board(conn: &Connection, board: BoardId, delta: i64, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE boards SET pin_count = pin_count + ?2, pins_modified_at = MAX(pins_modified_at, ?3)
         WHERE id = ?1",
    )
    .and_then(|mut s| s.execute(params![board.0, delta, at.0]))
    .map_err(backend)?;
    Ok(())
}
