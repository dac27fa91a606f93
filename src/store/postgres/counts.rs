//! The counters kept beside the rows they count, changed in the same transaction: per-user board
//! and Pin totals (`user_counts`, whose row is also the lock that makes a volume limit's count
//! and insert one step across replicas), and each board's Pin count and `pins_modified_at`.

use deadpool_postgres::Transaction;

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::storage::StoreResult;
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;

/// Locks a user's counts row (creating it if needed) and returns (boards, Pins).
pub async fn lock_counts(tx: &Transaction<'_>, user: UserId, env: Env) -> StoreResult<(i64, i64)> {
    tx.execute(
        "INSERT INTO user_counts (user_id, env) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&user.0, &env_code(env)],
    )
    .await
    .map_err(pg)?;
    let row = tx
        .query_one(
            "SELECT boards, pins FROM user_counts WHERE user_id = $1 AND env = $2 FOR UPDATE",
            &[&user.0, &env_code(env)],
        )
        .await
        .map_err(pg)?;
    Ok((row.get(0), row.get(1)))
}

pub async fn add_counts(
    tx: &Transaction<'_>,
    user: UserId,
    env: Env,
    boards: i64,
    pins: i64,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO user_counts (user_id, env, boards, pins) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, env) DO UPDATE SET boards = user_counts.boards + EXCLUDED.boards,
             pins = user_counts.pins + EXCLUDED.pins",
        &[&user.0, &env_code(env), &boards, &pins],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Moves a board's Pin count by `delta` and its `pins_modified_at` up to `at`.
pub async fn bump_board(
    tx: &Transaction<'_>,
    board: BoardId,
    delta: i64,
    at: Timestamp,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE boards SET pin_count = pin_count + $2, pins_modified_at = GREATEST(pins_modified_at, $3)
         WHERE id = $1",
        &[&board.0, &delta, &at.0],
    )
    .await
    .map_err(pg)?;
    Ok(())
}
