//! Boards in SQLite, with what their Pins make of them (count, cover, thumbnails), and the ad-only
//! board an owner may have.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::boards::{
    Board, BoardChanges, BoardQuery, BoardStore, NewBoard, Privacy, name_key,
};
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId, random_id};
use crate::domain::pins::{PinImage, PinMedia, owner_sees_pins_on};
use crate::domain::storage::{Conflict, StoreError, StoreResult, VolumeLimit};
use crate::store::sqlite::counts;
use crate::store::sqlite::errors::{backend, is_unique_violation};
use async_trait::async_trait;

/// How many Pins' images a board shows as thumbnails.
const THUMBNAILS: i64 = 5;

const BOARD_SELECT: &str =
    "SELECT b.seq, b.id, b.owner_id, u.username, b.env, b.name, b.description,
        b.privacy, b.is_ads_only, b.created_at, b.pins_modified_at, b.pin_count
     FROM boards b JOIN users u ON u.id = b.owner_id";

fn board_from_row(r: &Row<'_>) -> rusqlite::Result<Board> {
    let privacy: String = r.get(7)?;
    Ok(Board {
        seq: r.get(0)?,
        id: BoardId(r.get(1)?),
        owner_id: UserId(r.get(2)?),
        owner_username: r.get(3)?,
        env: Env::from_code(r.get(4)?),
        name: r.get(5)?,
        description: r.get(6)?,
        privacy: Privacy::parse(&privacy).unwrap_or(Privacy::Secret),
        is_ads_only: r.get(8)?,
        created_at: Timestamp(r.get(9)?),
        pins_modified_at: Timestamp(r.get(10)?),
        pin_count: r.get(11)?,
        follower_count: 0,
        collaborator_count: 0,
        cover: None,
        thumbnails: Vec::new(),
    })
}

pub fn create_board(conn: &Connection, board: NewBoard, max_boards: u32) -> StoreResult<Board> {
    let (existing, _) = counts::totals(conn, board.owner_id, board.env)?;
    if existing >= max_boards as i64 {
        return Err(StoreError::LimitReached(VolumeLimit::Boards));
    }
    let mut id = board.id;
    for _ in 0..5 {
        let inserted = conn
            .prepare_cached(
                "INSERT INTO boards (id, owner_id, env, name, name_key, description, privacy,
                     is_ads_only, created_at, pins_modified_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id.0,
                    board.owner_id.0,
                    board.env.code(),
                    board.name,
                    name_key(&board.name),
                    board.description,
                    board.privacy.as_str(),
                    board.is_ads_only,
                    board.created_at.0
                ])
            });
        match inserted {
            Ok(_) => {
                counts::add(conn, board.owner_id, board.env, 1, 0)?;
                // A new board has no Pins for anyone to see or not.
                return board_by_id(conn, board.env, id, true)?
                    .ok_or(StoreError::NotFound("board"));
            }
            Err(e) if is_unique_violation(&e, "boards.name_key") => {
                return Err(StoreError::Conflict(Conflict::BoardName));
            }
            Err(e) if is_unique_violation(&e, "boards.id") => id = BoardId(random_id()),
            Err(e) => return Err(backend(e)),
        }
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free board id"
    )))
}

pub fn board_by_id(
    conn: &Connection,
    env: Env,
    id: BoardId,
    secret_pins: bool,
) -> StoreResult<Option<Board>> {
    let board = conn
        .prepare_cached(&format!("{BOARD_SELECT} WHERE b.id = ?1 AND b.env = ?2"))
        .and_then(|mut s| {
            s.query_row(params![id.0, env.code()], board_from_row)
                .optional()
        })
        .map_err(backend)?;
    board.map(|b| with_pins(conn, b, secret_pins)).transpose()
}

/// The board with what its Pins make of it, read only when the reader sees them.
fn with_pins(conn: &Connection, mut board: Board, secret_pins: bool) -> StoreResult<Board> {
    if !owner_sees_pins_on(board.privacy, secret_pins) {
        return Ok(board.without_pins());
    }
    fill_board_media(conn, &mut board)?;
    Ok(board)
}

/// The cover and thumbnails of a board, from its newest Pins.
fn fill_board_media(conn: &Connection, board: &mut Board) -> StoreResult<()> {
    let mut stmt = conn
        .prepare_cached("SELECT media FROM pins WHERE board_id = ?1 ORDER BY seq DESC LIMIT ?2")
        .map_err(backend)?;
    let rows = stmt
        .query_map(params![board.id.0, THUMBNAILS], |r| r.get::<_, String>(0))
        .map_err(backend)?;
    let mut images: Vec<PinImage> = Vec::new();
    for row in rows {
        let text = row.map_err(backend)?;
        if let Ok(media) = serde_json::from_str::<PinMedia>(&text)
            && let Some(cover) = media.cover()
        {
            images.push(cover.clone());
        }
    }
    board.cover = images.first().cloned();
    board.thumbnails = images;
    Ok(())
}

pub fn list_boards(conn: &Connection, q: BoardQuery) -> StoreResult<Vec<Board>> {
    let sql = format!(
        "{BOARD_SELECT}
         WHERE b.owner_id = ?1 AND b.env = ?2
           AND ((?3 AND b.privacy = 'PUBLIC') OR (?4 AND b.privacy = 'PROTECTED') OR (?5 AND b.privacy = 'SECRET'))
           AND (?6 IS NULL OR b.seq < ?6)
         ORDER BY b.seq DESC
         LIMIT ?7"
    );
    let boards: Vec<Board> = conn
        .prepare_cached(&sql)
        .and_then(|mut s| {
            s.query_map(
                params![
                    q.owner_id.0,
                    q.env.code(),
                    q.privacies.public,
                    q.privacies.protected,
                    q.privacies.secret,
                    q.cursor.after,
                    q.cursor.limit as i64 + 1
                ],
                board_from_row,
            )?
            .collect()
        })
        .map_err(backend)?;
    boards
        .into_iter()
        .map(|b| with_pins(conn, b, q.secret_pins))
        .collect()
}

pub fn update_board(
    conn: &Connection,
    env: Env,
    id: BoardId,
    changes: BoardChanges,
    secret_pins: bool,
) -> StoreResult<Board> {
    let current = board_by_id(conn, env, id, secret_pins)?.ok_or(StoreError::NotFound("board"))?;
    let name = changes.name.unwrap_or(current.name);
    let description = changes.description.unwrap_or(current.description);
    let privacy = changes.privacy.unwrap_or(current.privacy);
    let updated = conn.execute(
        "UPDATE boards SET name = ?3, name_key = ?4, description = ?5, privacy = ?6
         WHERE id = ?1 AND env = ?2",
        params![
            id.0,
            env.code(),
            name,
            name_key(&name),
            description,
            privacy.as_str()
        ],
    );
    match updated {
        Ok(_) => board_by_id(conn, env, id, secret_pins)?.ok_or(StoreError::NotFound("board")),
        Err(e) if is_unique_violation(&e, "boards.name_key") => {
            Err(StoreError::Conflict(Conflict::BoardName))
        }
        Err(e) => Err(backend(e)),
    }
}

pub fn delete_board(conn: &Connection, env: Env, id: BoardId) -> StoreResult<()> {
    let (owner, pins): (i64, i64) = conn
        .query_row(
            "SELECT owner_id, pin_count FROM boards WHERE id = ?1 AND env = ?2",
            params![id.0, env.code()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(backend)?
        .ok_or(StoreError::NotFound("board"))?;
    // Sections and Pins go with the board through ON DELETE CASCADE.
    conn.execute(
        "DELETE FROM boards WHERE id = ?1 AND env = ?2",
        params![id.0, env.code()],
    )
    .map_err(backend)?;
    counts::add(conn, UserId(owner), env, -1, -pins)
}

pub fn ad_only_board(conn: &Connection, owner: UserId, env: Env) -> StoreResult<Option<BoardId>> {
    conn.prepare_cached(
        "SELECT id FROM boards WHERE owner_id = ?1 AND env = ?2 AND is_ads_only = 1 ORDER BY seq LIMIT 1",
    )
    .and_then(|mut s| s.query_row(params![owner.0, env.code()], |r| r.get(0)).optional())
    .map(|id| id.map(BoardId))
    .map_err(backend)
}

#[async_trait]
impl BoardStore for SqliteStore {
    async fn create_board(&self, board: NewBoard, max_boards: u32) -> StoreResult<Board> {
        self.engine
            .write(move |c| create_board(c, board, max_boards))
            .await
    }

    async fn board(&self, env: Env, id: BoardId, secret_pins: bool) -> StoreResult<Option<Board>> {
        self.engine
            .read(move |c| board_by_id(c, env, id, secret_pins))
            .await
    }

    async fn list_boards(&self, query: BoardQuery) -> StoreResult<Vec<Board>> {
        self.engine.read(move |c| list_boards(c, query)).await
    }

    async fn update_board(
        &self,
        env: Env,
        id: BoardId,
        changes: BoardChanges,
        secret_pins: bool,
    ) -> StoreResult<Board> {
        self.engine
            .write(move |c| update_board(c, env, id, changes, secret_pins))
            .await
    }

    async fn delete_board(&self, env: Env, id: BoardId) -> StoreResult<()> {
        self.engine.write(move |c| delete_board(c, env, id)).await
    }

    async fn ad_only_board(&self, owner: UserId, env: Env) -> StoreResult<Option<Board>> {
        self.engine
            .read(move |c| match ad_only_board(c, owner, env)? {
                Some(id) => board_by_id(c, env, id, true),
                None => Ok(None),
            })
            .await
    }
}
