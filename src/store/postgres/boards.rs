//! Boards in PostgreSQL, with what their Pins make of them (count, cover and thumbnails in the
//! same query as the board), and the ad-only board an owner may have. A board's limit is checked
//! while its owner's counts row is locked, so replicas creating boards at once cannot pass it.

use deadpool_postgres::Client;
use tokio_postgres::Row;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::boards::{
    Board, BoardChanges, BoardQuery, BoardStore, NewBoard, Privacy, name_key,
};
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId, random_id};
use crate::domain::pins::{PinImage, PinMedia, owner_sees_pins_on};
use crate::domain::storage::{StoreError, StoreResult, VolumeLimit};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::counts::{add_counts, lock_counts};
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

/// Boards with their owner's name and the media of their five newest Pins, in one query. The
/// parameter numbered `secret_pins` says whether the reader sees the Pins on secret boards; when
/// not, a secret board's Pins are not read (`pin::owner_sees_pins_on`, [`shown`]).
fn board_select(secret_pins: &str) -> String {
    format!(
        "SELECT b.seq, b.id, b.owner_id, u.username, b.env, b.name, b.description,
            b.privacy, b.is_ads_only, b.created_at, b.pins_modified_at, b.pin_count,
            ARRAY(SELECT p.media FROM pins p
                  WHERE p.board_id = b.id AND ({secret_pins} OR b.privacy <> 'SECRET')
                  ORDER BY p.seq DESC LIMIT 5) AS medias
         FROM boards b JOIN users u ON u.id = b.owner_id"
    )
}

/// A board as a reader with (`secret_pins`) or without `pins:read_secret` is shown it.
fn shown(board: Board, secret_pins: bool) -> Board {
    if owner_sees_pins_on(board.privacy, secret_pins) {
        board
    } else {
        board.without_pins()
    }
}

fn board_from_row(r: &Row) -> Board {
    let privacy: String = r.get(7);
    let env: i16 = r.get(4);
    let medias: Vec<String> = r.get(12);
    let images: Vec<PinImage> = medias
        .iter()
        .filter_map(|m| serde_json::from_str::<PinMedia>(m).ok())
        .filter_map(|m| m.cover().cloned())
        .collect();
    Board {
        seq: r.get(0),
        id: BoardId(r.get(1)),
        owner_id: UserId(r.get(2)),
        owner_username: r.get(3),
        env: Env::from_code(env as i64),
        name: r.get(5),
        description: r.get(6),
        privacy: Privacy::parse(&privacy).unwrap_or(Privacy::Secret),
        is_ads_only: r.get(8),
        created_at: Timestamp(r.get(9)),
        pins_modified_at: Timestamp(r.get(10)),
        pin_count: r.get(11),
        follower_count: 0,
        collaborator_count: 0,
        cover: images.first().cloned(),
        thumbnails: images,
    }
}

pub async fn create_board(
    client: &mut Client,
    board: NewBoard,
    max_boards: u32,
) -> StoreResult<Board> {
    let tx = client.transaction().await.map_err(pg)?;
    // The owner's counts row is the lock that makes the count and the insert one step.
    let (existing, _) = lock_counts(&tx, board.owner_id, board.env).await?;
    if existing >= max_boards as i64 {
        return Err(StoreError::LimitReached(VolumeLimit::Boards));
    }
    let mut id = board.id;
    let mut inserted = false;
    for _ in 0..5 {
        let row = tx
            .query_opt(
                "INSERT INTO boards (id, owner_id, env, name, name_key, description, privacy,
                     is_ads_only, created_at, pins_modified_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
                 ON CONFLICT (id) DO NOTHING RETURNING seq",
                &[
                    &id.0,
                    &board.owner_id.0,
                    &env_code(board.env),
                    &board.name,
                    &name_key(&board.name),
                    &board.description,
                    &board.privacy.as_str(),
                    &board.is_ads_only,
                    &board.created_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if row.is_some() {
            inserted = true;
            break;
        }
        id = BoardId(random_id());
    }
    if !inserted {
        return Err(StoreError::Backend(anyhow::anyhow!(
            "could not find a free board id"
        )));
    }
    add_counts(&tx, board.owner_id, board.env, 1, 0).await?;
    tx.commit().await.map_err(pg)?;
    // A new board has no Pins for anyone to see or not.
    board_by_id(client, board.env, id, true)
        .await?
        .ok_or(StoreError::NotFound("board"))
}

pub async fn board_by_id(
    client: &Client,
    env: Env,
    id: BoardId,
    secret_pins: bool,
) -> StoreResult<Option<Board>> {
    let stmt = client
        .prepare_cached(&format!(
            "{} WHERE b.id = $1 AND b.env = $2",
            board_select("$3")
        ))
        .await
        .map_err(pg)?;
    Ok(client
        .query_opt(&stmt, &[&id.0, &env_code(env), &secret_pins])
        .await
        .map_err(pg)?
        .map(|r| shown(board_from_row(&r), secret_pins)))
}

pub async fn list_boards(client: &Client, q: BoardQuery) -> StoreResult<Vec<Board>> {
    let stmt = client
        .prepare_cached(&format!(
            "{}
             WHERE b.owner_id = $1 AND b.env = $2
               AND (($3 AND b.privacy = 'PUBLIC') OR ($4 AND b.privacy = 'PROTECTED') OR ($5 AND b.privacy = 'SECRET'))
               AND ($6::BIGINT IS NULL OR b.seq < $6)
             ORDER BY b.seq DESC
             LIMIT $7",
            board_select("$8")
        ))
        .await
        .map_err(pg)?;
    let rows = client
        .query(
            &stmt,
            &[
                &q.owner_id.0,
                &env_code(q.env),
                &q.privacies.public,
                &q.privacies.protected,
                &q.privacies.secret,
                &q.cursor.after,
                &(q.cursor.limit as i64 + 1),
                &q.secret_pins,
            ],
        )
        .await
        .map_err(pg)?;
    Ok(rows
        .iter()
        .map(|r| shown(board_from_row(r), q.secret_pins))
        .collect())
}

pub async fn update_board(
    client: &mut Client,
    env: Env,
    id: BoardId,
    changes: BoardChanges,
    secret_pins: bool,
) -> StoreResult<Board> {
    let tx = client.transaction().await.map_err(pg)?;
    let row = tx
        .query_opt(
            "SELECT name, description, privacy FROM boards WHERE id = $1 AND env = $2 FOR UPDATE",
            &[&id.0, &env_code(env)],
        )
        .await
        .map_err(pg)?
        .ok_or(StoreError::NotFound("board"))?;
    let current_privacy: String = row.get(2);
    let name = changes.name.unwrap_or_else(|| row.get(0));
    let description = changes.description.unwrap_or_else(|| row.get(1));
    let privacy = changes
        .privacy
        .map(|p| p.as_str().to_string())
        .unwrap_or(current_privacy);
    tx.execute(
        "UPDATE boards SET name = $3, name_key = $4, description = $5, privacy = $6
         WHERE id = $1 AND env = $2",
        &[
            &id.0,
            &env_code(env),
            &name,
            &name_key(&name),
            &description,
            &privacy,
        ],
    )
    .await
    .map_err(pg)?;
    tx.commit().await.map_err(pg)?;
    board_by_id(client, env, id, secret_pins)
        .await?
        .ok_or(StoreError::NotFound("board"))
}

pub async fn delete_board(client: &mut Client, env: Env, id: BoardId) -> StoreResult<()> {
    let tx = client.transaction().await.map_err(pg)?;
    // Sections and Pins go with the board through ON DELETE CASCADE.
    let row = tx
        .query_opt(
            "DELETE FROM boards WHERE id = $1 AND env = $2 RETURNING owner_id, pin_count",
            &[&id.0, &env_code(env)],
        )
        .await
        .map_err(pg)?
        .ok_or(StoreError::NotFound("board"))?;
    let pins: i64 = row.get(1);
    add_counts(&tx, UserId(row.get(0)), env, -1, -pins).await?;
    tx.commit().await.map_err(pg)
}

async fn ad_only_board(client: &Client, owner: UserId, env: Env) -> StoreResult<Option<BoardId>> {
    Ok(client
        .query_opt(
            "SELECT id FROM boards WHERE owner_id = $1 AND env = $2 AND is_ads_only ORDER BY seq LIMIT 1",
            &[&owner.0, &env_code(env)],
        )
        .await
        .map_err(pg)?
        .map(|r| BoardId(r.get(0))))
}

#[async_trait]
impl BoardStore for PgStore {
    async fn create_board(&self, board: NewBoard, max_boards: u32) -> StoreResult<Board> {
        create_board(&mut self.client().await?, board, max_boards).await
    }

    async fn board(&self, env: Env, id: BoardId, secret_pins: bool) -> StoreResult<Option<Board>> {
        board_by_id(&self.client().await?, env, id, secret_pins).await
    }

    async fn list_boards(&self, query: BoardQuery) -> StoreResult<Vec<Board>> {
        list_boards(&self.client().await?, query).await
    }

    async fn update_board(
        &self,
        env: Env,
        id: BoardId,
        changes: BoardChanges,
        secret_pins: bool,
    ) -> StoreResult<Board> {
        update_board(&mut self.client().await?, env, id, changes, secret_pins).await
    }

    async fn delete_board(&self, env: Env, id: BoardId) -> StoreResult<()> {
        delete_board(&mut self.client().await?, env, id).await
    }

    async fn ad_only_board(&self, owner: UserId, env: Env) -> StoreResult<Option<Board>> {
        let client = self.client().await?;
        match ad_only_board(&client, owner, env).await? {
            Some(id) => board_by_id(&client, env, id, true).await,
            None => Ok(None),
        }
    }
}
