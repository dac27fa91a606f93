//! The social graph in PostgreSQL: `follows` rows for users and boards (migration 0009),
//! mirroring src/store/sqlite/follows.rs. Counts are `COUNT`s over indexed ranges, exact at
//! every commit; uniqueness comes from partial unique indexes, so concurrent follows of the same
//! user or board insert one row.

use deadpool_postgres::Client;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::follows::FollowStore;
use crate::domain::follows::{FollowCounts, FollowedBoard, FollowedUser, FollowingQuery};
use crate::domain::ids::{BoardId, UserId};
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::users::AccountType;
use crate::store::postgres::boards;
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

async fn user_exists(client: &Client, id: UserId) -> StoreResult<bool> {
    Ok(client
        .query_opt("SELECT 1 FROM users WHERE id = $1", &[&id.0])
        .await
        .map_err(pg)?
        .is_some())
}

pub async fn follow_user(
    client: &Client,
    env: Env,
    follower: UserId,
    followee: UserId,
    at: Timestamp,
) -> StoreResult<bool> {
    if !user_exists(client, follower).await? || !user_exists(client, followee).await? {
        return Err(StoreError::NotFound("user"));
    }
    let n = client
        .execute(
            "INSERT INTO follows (env, follower_id, followee_id, board_id, created_at)
             VALUES ($1, $2, $3, NULL, $4)
             ON CONFLICT (env, follower_id, followee_id) WHERE board_id IS NULL DO NOTHING",
            &[&env_code(env), &follower.0, &followee.0, &at.0],
        )
        .await
        .map_err(pg)?;
    Ok(n == 1)
}

pub async fn follow_board(
    client: &Client,
    env: Env,
    follower: UserId,
    board: BoardId,
    at: Timestamp,
) -> StoreResult<bool> {
    if !user_exists(client, follower).await? {
        return Err(StoreError::NotFound("user"));
    }
    // One statement: a board deleted meanwhile inserts nothing instead of failing its key.
    let inserted = client
        .query(
            "WITH board AS (SELECT owner_id FROM boards WHERE id = $3 AND env = $1)
             INSERT INTO follows (env, follower_id, followee_id, board_id, created_at)
             SELECT $1, $2, owner_id, $3, $4 FROM board
             ON CONFLICT (follower_id, board_id) WHERE board_id IS NOT NULL DO NOTHING
             RETURNING seq",
            &[&env_code(env), &follower.0, &board.0, &at.0],
        )
        .await
        .map_err(pg)?;
    if !inserted.is_empty() {
        return Ok(true);
    }
    let exists = client
        .query_opt(
            "SELECT 1 FROM boards WHERE id = $1 AND env = $2",
            &[&board.0, &env_code(env)],
        )
        .await
        .map_err(pg)?;
    match exists {
        Some(_) => Ok(false),
        None => Err(StoreError::NotFound("board")),
    }
}

fn followed_user(r: &Row) -> FollowedUser {
    FollowedUser {
        seq: r.get(0),
        id: UserId(r.get(1)),
        username: r.get(2),
        account_type: AccountType::parse(r.get::<_, &str>(3)).unwrap_or(AccountType::Pinner),
    }
}

pub async fn list_followers(
    client: &Client,
    user: UserId,
    env: Env,
    cursor: Cursor,
) -> StoreResult<Vec<FollowedUser>> {
    let stmt = client
        .prepare_cached(
            "SELECT f.seq, u.id, u.username, u.account_type FROM follows f
             JOIN users u ON u.id = f.follower_id
             WHERE f.followee_id = $1 AND f.env = $2 AND f.board_id IS NULL AND f.seq < $3
             ORDER BY f.seq DESC LIMIT $4",
        )
        .await
        .map_err(pg)?;
    Ok(client
        .query(
            &stmt,
            &[
                &user.0,
                &env_code(env),
                &cursor.after.unwrap_or(i64::MAX),
                &(cursor.limit as i64 + 1),
            ],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(followed_user)
        .collect())
}

pub async fn list_following(client: &Client, q: FollowingQuery) -> StoreResult<Vec<FollowedUser>> {
    let mut sql = String::from(
        "SELECT MIN(f.seq), u.id, u.username, u.account_type FROM follows f
         JOIN users u ON u.id = f.followee_id LEFT JOIN boards b ON b.id = f.board_id
         WHERE f.follower_id = $1 AND f.env = $2 AND (f.board_id IS NULL OR b.privacy = 'PUBLIC')",
    );
    if q.explicit_only {
        sql.push_str(" AND f.board_id IS NULL");
    }
    if q.creators_only {
        sql.push_str(" AND u.account_type = 'BUSINESS'");
    }
    sql.push_str(
        " GROUP BY u.id, u.username, u.account_type HAVING MIN(f.seq) < $3
          ORDER BY MIN(f.seq) DESC LIMIT $4",
    );
    let after = q.cursor.after.unwrap_or(i64::MAX);
    let limit = q.cursor.limit as i64 + 1;
    let params: [&(dyn ToSql + Sync); 4] = [&q.user.0, &env_code(q.env), &after, &limit];
    let stmt = client.prepare_cached(&sql).await.map_err(pg)?;
    Ok(client
        .query(&stmt, &params)
        .await
        .map_err(pg)?
        .iter()
        .map(followed_user)
        .collect())
}

pub async fn list_followed_boards(
    client: &Client,
    user: UserId,
    env: Env,
    cursor: Cursor,
) -> StoreResult<Vec<FollowedBoard>> {
    let stmt = client
        .prepare_cached(
            "SELECT f.seq, f.board_id FROM follows f JOIN boards b ON b.id = f.board_id
             WHERE f.follower_id = $1 AND f.env = $2 AND b.privacy = 'PUBLIC' AND f.seq < $3
             ORDER BY f.seq DESC LIMIT $4",
        )
        .await
        .map_err(pg)?;
    let rows = client
        .query(
            &stmt,
            &[
                &user.0,
                &env_code(env),
                &cursor.after.unwrap_or(i64::MAX),
                &(cursor.limit as i64 + 1),
            ],
        )
        .await
        .map_err(pg)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        // Followed boards are public; a follower never sees another user's secret Pins.
        if let Some(board) = boards::board_by_id(client, env, BoardId(r.get(1)), false).await? {
            out.push(FollowedBoard {
                seq: r.get(0),
                board,
            });
        }
    }
    Ok(out)
}

pub async fn follow_counts(client: &Client, user: UserId, env: Env) -> StoreResult<FollowCounts> {
    let row = client
        .query_one(
            "SELECT
                 (SELECT COUNT(*) FROM follows
                  WHERE followee_id = $1 AND env = $2 AND board_id IS NULL),
                 (SELECT COUNT(DISTINCT f.followee_id) FROM follows f
                  LEFT JOIN boards b ON b.id = f.board_id
                  WHERE f.follower_id = $1 AND f.env = $2
                    AND (f.board_id IS NULL OR b.privacy = 'PUBLIC'))",
            &[&user.0, &env_code(env)],
        )
        .await
        .map_err(pg)?;
    Ok(FollowCounts {
        followers: row.get(0),
        following: row.get(1),
    })
}

#[async_trait]
impl FollowStore for PgStore {
    async fn follow_user(
        &self,
        env: Env,
        follower: UserId,
        followee: UserId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        follow_user(&self.client().await?, env, follower, followee, at).await
    }

    async fn follow_board(
        &self,
        env: Env,
        follower: UserId,
        board: BoardId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        follow_board(&self.client().await?, env, follower, board, at).await
    }

    async fn list_followers(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedUser>> {
        list_followers(&self.client().await?, user, env, cursor).await
    }

    async fn list_following(&self, query: FollowingQuery) -> StoreResult<Vec<FollowedUser>> {
        list_following(&self.client().await?, query).await
    }

    async fn list_followed_boards(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedBoard>> {
        list_followed_boards(&self.client().await?, user, env, cursor).await
    }

    async fn follow_counts(&self, user: UserId, env: Env) -> StoreResult<FollowCounts> {
        follow_counts(&self.client().await?, user, env).await
    }
}
