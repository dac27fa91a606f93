//! The social graph in SQLite: `follows` rows for users and boards (migration 0009). Counts are
//! read with `COUNT` over indexed ranges, so they are exact whatever writes ran before.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::follows::FollowStore;
use crate::domain::follows::{FollowCounts, FollowedBoard, FollowedUser, FollowingQuery};
use crate::domain::ids::{BoardId, UserId};
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::users::AccountType;
use crate::store::sqlite::boards;
use crate::store::sqlite::errors::backend;
use async_trait::async_trait;

fn user_exists(conn: &Connection, id: UserId) -> StoreResult<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)")
        .and_then(|mut s| s.query_row([id.0], |r| r.get(0)))
        .map_err(backend)
}

pub fn follow_user(
    conn: &Connection,
    env: Env,
    follower: UserId,
    followee: UserId,
    at: Timestamp,
) -> StoreResult<bool> {
    if !user_exists(conn, follower)? || !user_exists(conn, followee)? {
        return Err(StoreError::NotFound("user"));
    }
    let n = conn
        .prepare_cached(
            "INSERT INTO follows (env, follower_id, followee_id, board_id, created_at)
             VALUES (?1, ?2, ?3, NULL, ?4)
             ON CONFLICT (env, follower_id, followee_id) WHERE board_id IS NULL DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![env.code(), follower.0, followee.0, at.0]))
        .map_err(backend)?;
    Ok(n == 1)
}

pub fn follow_board(
    conn: &Connection,
    env: Env,
    follower: UserId,
    board: BoardId,
    at: Timestamp,
) -> StoreResult<bool> {
    if !user_exists(conn, follower)? {
        return Err(StoreError::NotFound("user"));
    }
    let owner: Option<i64> = conn
        .prepare_cached("SELECT owner_id FROM boards WHERE id = ?1 AND env = ?2")
        .and_then(|mut s| {
            s.query_row(params![board.0, env.code()], |r| r.get(0))
                .optional()
        })
        .map_err(backend)?;
    let Some(owner) = owner else {
        return Err(StoreError::NotFound("board"));
    };
    let n = conn
        .prepare_cached(
            "INSERT INTO follows (env, follower_id, followee_id, board_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (follower_id, board_id) WHERE board_id IS NOT NULL DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![env.code(), follower.0, owner, board.0, at.0]))
        .map_err(backend)?;
    Ok(n == 1)
}

fn followed_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<FollowedUser> {
    Ok(FollowedUser {
        seq: r.get(0)?,
        id: UserId(r.get(1)?),
        username: r.get(2)?,
        account_type: AccountType::parse(r.get_ref(3)?.as_str()?).unwrap_or(AccountType::Pinner),
    })
}

pub fn list_followers(
    conn: &Connection,
    user: UserId,
    env: Env,
    cursor: Cursor,
) -> StoreResult<Vec<FollowedUser>> {
    conn.prepare_cached(
        "SELECT f.seq, u.id, u.username, u.account_type FROM follows f
         JOIN users u ON u.id = f.follower_id
         WHERE f.followee_id = ?1 AND f.env = ?2 AND f.board_id IS NULL AND f.seq < ?3
         ORDER BY f.seq DESC LIMIT ?4",
    )
    .and_then(|mut s| {
        s.query_map(
            params![
                user.0,
                env.code(),
                cursor.after.unwrap_or(i64::MAX),
                cursor.limit as i64 + 1
            ],
            followed_user,
        )?
        .collect()
    })
    .map_err(backend)
}

/// The follows that make someone a followee of `follower`: user follows, and follows of boards
/// that are still public.
const FOLLOWEES: &str = "FROM follows f LEFT JOIN boards b ON b.id = f.board_id
     WHERE f.follower_id = ?1 AND f.env = ?2 AND (f.board_id IS NULL OR b.privacy = 'PUBLIC')";

pub fn list_following(conn: &Connection, q: FollowingQuery) -> StoreResult<Vec<FollowedUser>> {
    let mut sql =
        format!("SELECT MIN(f.seq) AS first, u.id, u.username, u.account_type {FOLLOWEES}");
    // The user row joins after the follows so that FOLLOWEES' placeholders come first.
    sql = sql.replacen(
        "LEFT JOIN boards b",
        "JOIN users u ON u.id = f.followee_id LEFT JOIN boards b",
        1,
    );
    let mut args: Vec<SqlValue> = vec![q.user.0.into(), q.env.code().into()];
    if q.explicit_only {
        sql.push_str(" AND f.board_id IS NULL");
    }
    if q.creators_only {
        sql.push_str(" AND u.account_type = 'BUSINESS'");
    }
    sql.push_str(" GROUP BY u.id HAVING first < ? ORDER BY first DESC LIMIT ?");
    args.push(q.cursor.after.unwrap_or(i64::MAX).into());
    args.push((q.cursor.limit as i64 + 1).into());
    conn.prepare_cached(&sql)
        .and_then(|mut s| {
            s.query_map(params_from_iter(args), followed_user)?
                .collect()
        })
        .map_err(backend)
}

pub fn list_followed_boards(
    conn: &Connection,
    user: UserId,
    env: Env,
    cursor: Cursor,
) -> StoreResult<Vec<FollowedBoard>> {
    let rows: Vec<(i64, i64)> = conn
        .prepare_cached(
            "SELECT f.seq, f.board_id FROM follows f JOIN boards b ON b.id = f.board_id
             WHERE f.follower_id = ?1 AND f.env = ?2 AND b.privacy = 'PUBLIC' AND f.seq < ?3
             ORDER BY f.seq DESC LIMIT ?4",
        )
        .and_then(|mut s| {
            s.query_map(
                params![
                    user.0,
                    env.code(),
                    cursor.after.unwrap_or(i64::MAX),
                    cursor.limit as i64 + 1
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .collect()
        })
        .map_err(backend)?;
    let mut out = Vec::with_capacity(rows.len());
    for (seq, board) in rows {
        // Followed boards are public; a follower never sees another user's secret Pins.
        if let Some(board) = boards::board_by_id(conn, env, BoardId(board), false)? {
            out.push(FollowedBoard { seq, board });
        }
    }
    Ok(out)
}

pub fn follow_counts(conn: &Connection, user: UserId, env: Env) -> StoreResult<FollowCounts> {
    let followers: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM follows
             WHERE followee_id = ?1 AND env = ?2 AND board_id IS NULL",
        )
        .and_then(|mut s| s.query_row(params![user.0, env.code()], |r| r.get(0)))
        .map_err(backend)?;
    let following: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(DISTINCT f.followee_id) {FOLLOWEES}"))
        .and_then(|mut s| s.query_row(params![user.0, env.code()], |r| r.get(0)))
        .map_err(backend)?;
    Ok(FollowCounts {
        followers,
        following,
    })
}

#[async_trait]
impl FollowStore for SqliteStore {
    async fn follow_user(
        &self,
        env: Env,
        follower: UserId,
        followee: UserId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        self.engine
            .write(move |c| follow_user(c, env, follower, followee, at))
            .await
    }

    async fn follow_board(
        &self,
        env: Env,
        follower: UserId,
        board: BoardId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        self.engine
            .write(move |c| follow_board(c, env, follower, board, at))
            .await
    }

    async fn list_followers(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedUser>> {
        self.engine
            .read(move |c| list_followers(c, user, env, cursor))
            .await
    }

    async fn list_following(&self, query: FollowingQuery) -> StoreResult<Vec<FollowedUser>> {
        self.engine.read(move |c| list_following(c, query)).await
    }

    async fn list_followed_boards(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedBoard>> {
        self.engine
            .read(move |c| list_followed_boards(c, user, env, cursor))
            .await
    }

    async fn follow_counts(&self, user: UserId, env: Env) -> StoreResult<FollowCounts> {
        self.engine.read(move |c| follow_counts(c, user, env)).await
    }
}
