//! Pins and the images they show in SQLite. A Pin's board counters, its owner's totals and its
//! search index entry change in the same transaction as the Pin.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, PinId, SectionId, UserId, random_id};
use crate::domain::page::Cursor;
use crate::domain::pins::{
    NewPin, Pin, PinChanges, PinFilter, PinMedia, PinScope, PinStore, StoredImage,
};
use crate::domain::storage::{StoreError, StoreResult, VolumeLimit};
use crate::store::sql::pin_list;
use crate::store::sqlite::counts::{self, bump_board};
use crate::store::sqlite::errors::{backend, is_unique_violation};
use crate::store::sqlite::pin_rows::{pin_by_id, pin_by_id_memo, pin_from_row};
use crate::store::sqlite::search_index;
use async_trait::async_trait;

fn media_json(media: &PinMedia) -> StoreResult<String> {
    serde_json::to_string(media).map_err(|e| StoreError::Backend(e.into()))
}

pub fn image(conn: &Connection, key: &str) -> StoreResult<Option<StoredImage>> {
    conn.prepare_cached(
        "SELECT key, width, height, format, dominant_color, created_at FROM images WHERE key = ?1",
    )
    .and_then(|mut s| {
        s.query_row([key], |r| {
            Ok(StoredImage {
                key: r.get(0)?,
                width: r.get(1)?,
                height: r.get(2)?,
                format: r.get(3)?,
                dominant_color: r.get(4)?,
                created_at: Timestamp(r.get(5)?),
            })
        })
        .optional()
    })
    .map_err(backend)
}

pub fn put_image(conn: &Connection, img: &StoredImage) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO images (key, width, height, format, dominant_color, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            img.key,
            img.width,
            img.height,
            img.format,
            img.dominant_color,
            img.created_at.0
        ])
    })
    .map_err(backend)?;
    Ok(())
}

/// Checks that the board exists in `env` for `owner` and the section (if any) is on it.
fn check_place(
    conn: &Connection,
    env: Env,
    owner: UserId,
    board: BoardId,
    section: Option<SectionId>,
) -> StoreResult<()> {
    let board_owner: Option<i64> = conn
        .prepare_cached("SELECT owner_id FROM boards WHERE id = ?1 AND env = ?2")
        .and_then(|mut s| {
            s.query_row(params![board.0, env.code()], |r| r.get(0))
                .optional()
        })
        .map_err(backend)?;
    if board_owner != Some(owner.0) {
        return Err(StoreError::NotFound("board"));
    }
    if let Some(section) = section {
        let on_board: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM board_sections WHERE id = ?1 AND board_id = ?2)",
            )
            .and_then(|mut s| s.query_row(params![section.0, board.0], |r| r.get(0)))
            .map_err(backend)?;
        if !on_board {
            return Err(StoreError::NotFound("section"));
        }
    }
    Ok(())
}

pub fn create_pin(conn: &Connection, pin: NewPin, max_pins: u32) -> StoreResult<Pin> {
    check_place(conn, pin.env, pin.owner_id, pin.board_id, pin.section_id)?;
    if counts::totals(conn, pin.owner_id, pin.env)?.1 >= max_pins as i64 {
        return Err(StoreError::LimitReached(VolumeLimit::Pins));
    }
    let media = media_json(&pin.media)?;
    let mut id = pin.id;
    for _ in 0..5 {
        let inserted = conn
            .prepare_cached(
                "INSERT INTO pins (id, owner_id, env, app_id, board_id, section_id, title,
                     description, link, alt_text, dominant_color, creative_type, is_standard,
                     is_removable, parent_pin_id, media, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id.0,
                    pin.owner_id.0,
                    pin.env.code(),
                    pin.app_id.map(|a| a.0),
                    pin.board_id.0,
                    pin.section_id.map(|s| s.0),
                    pin.title,
                    pin.description,
                    pin.link,
                    pin.alt_text,
                    pin.dominant_color,
                    pin.creative_type.as_str(),
                    pin.is_standard,
                    pin.is_removable,
                    pin.parent_pin_id.map(|p| p.0),
                    media,
                    pin.created_at.0
                ])
            });
        match inserted {
            Ok(_) => {
                let seq = conn.last_insert_rowid();
                search_index::index_pin(
                    conn,
                    seq,
                    pin.owner_id,
                    pin.env,
                    pin.title.as_deref(),
                    pin.description.as_deref(),
                    pin.alt_text.as_deref(),
                )?;
                bump_board(conn, pin.board_id, 1, pin.created_at)?;
                counts::add(conn, pin.owner_id, pin.env, 0, 1)?;
                return pin_by_id(conn, pin.env, id)?.ok_or(StoreError::NotFound("pin"));
            }
            Err(e) if is_unique_violation(&e, "pins.id") => id = PinId(random_id()),
            Err(e) => return Err(backend(e)),
        }
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free Pin id"
    )))
}

pub fn import_pins(conn: &Connection, pins: &[NewPin]) -> StoreResult<()> {
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO pins (id, owner_id, env, app_id, board_id, section_id, title,
                 description, link, alt_text, dominant_color, creative_type, is_standard,
                 is_removable, parent_pin_id, media, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )
        .map_err(backend)?;
    let mut boards = std::collections::BTreeSet::new();
    let mut per_owner = std::collections::BTreeMap::new();
    for pin in pins {
        *per_owner.entry((pin.owner_id, pin.env)).or_insert(0i64) += 1;
        insert
            .execute(params![
                pin.id.0,
                pin.owner_id.0,
                pin.env.code(),
                pin.app_id.map(|a| a.0),
                pin.board_id.0,
                pin.section_id.map(|s| s.0),
                pin.title,
                pin.description,
                pin.link,
                pin.alt_text,
                pin.dominant_color,
                pin.creative_type.as_str(),
                pin.is_standard,
                pin.is_removable,
                pin.parent_pin_id.map(|p| p.0),
                media_json(&pin.media)?,
                pin.created_at.0
            ])
            .map_err(backend)?;
        let seq = conn.last_insert_rowid();
        search_index::index_pin(
            conn,
            seq,
            pin.owner_id,
            pin.env,
            pin.title.as_deref(),
            pin.description.as_deref(),
            pin.alt_text.as_deref(),
        )?;
        boards.insert(pin.board_id.0);
    }
    for board in boards {
        conn.execute(
            "UPDATE boards SET pin_count = (SELECT COUNT(*) FROM pins WHERE board_id = ?1),
                 pins_modified_at = MAX(pins_modified_at, COALESCE((SELECT MAX(created_at) FROM pins WHERE board_id = ?1), 0))
             WHERE id = ?1",
            [board],
        )
        .map_err(backend)?;
    }
    for ((owner, env), n) in per_owner {
        counts::add(conn, owner, env, 0, n)?;
    }
    Ok(())
}

pub fn update_pin(
    conn: &Connection,
    env: Env,
    id: PinId,
    changes: PinChanges,
    at: Timestamp,
) -> StoreResult<Pin> {
    let current = pin_by_id(conn, env, id)?.ok_or(StoreError::NotFound("pin"))?;
    let board = changes.board_id.unwrap_or(current.board_id);
    let section = match changes.section_id {
        Some(s) => s,
        // Moving to another board leaves the old board's section behind.
        None if board != current.board_id => None,
        None => current.section_id,
    };
    check_place(conn, env, current.owner_id, board, section)?;
    let text_changed =
        changes.title.is_some() || changes.description.is_some() || changes.alt_text.is_some();
    let media = match &changes.media {
        Some(m) => media_json(m)?,
        None => media_json(&current.media)?,
    };
    conn.prepare_cached(
        "UPDATE pins SET board_id = ?2, section_id = ?3, title = ?4, description = ?5, link = ?6,
             alt_text = ?7, media = ?8
         WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.execute(params![
            id.0,
            board.0,
            section.map(|s| s.0),
            changes.title.unwrap_or(current.title),
            changes.description.unwrap_or(current.description),
            changes.link.unwrap_or(current.link),
            changes.alt_text.unwrap_or(current.alt_text),
            media
        ])
    })
    .map_err(backend)?;
    if text_changed {
        let pin = pin_by_id(conn, env, id)?.ok_or(StoreError::NotFound("pin"))?;
        search_index::index_pin(
            conn,
            pin.seq,
            pin.owner_id,
            env,
            pin.title.as_deref(),
            pin.description.as_deref(),
            pin.alt_text.as_deref(),
        )?;
    }
    if board != current.board_id {
        bump_board(conn, current.board_id, -1, at)?;
        bump_board(conn, board, 1, at)?;
    } else {
        bump_board(conn, board, 0, at)?;
    }
    pin_by_id(conn, env, id)?.ok_or(StoreError::NotFound("pin"))
}

pub fn delete_pin(conn: &Connection, env: Env, id: PinId, at: Timestamp) -> StoreResult<()> {
    let row: Option<(i64, i64)> = conn
        .prepare_cached("SELECT board_id, owner_id FROM pins WHERE id = ?1 AND env = ?2")
        .and_then(|mut s| {
            s.query_row(params![id.0, env.code()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(backend)?;
    let Some((board, owner)) = row else {
        return Err(StoreError::NotFound("pin"));
    };
    conn.execute("DELETE FROM pins WHERE id = ?1", [id.0])
        .map_err(backend)?;
    bump_board(conn, BoardId(board), -1, at)?;
    counts::add(conn, UserId(owner), env, 0, -1)
}

pub fn list_pins(
    conn: &Connection,
    scope: PinScope,
    filter: &PinFilter,
    cursor: Cursor,
) -> StoreResult<Vec<Pin>> {
    let mut args: Vec<SqlValue> = Vec::new();
    let sql = pin_list::page(&mut args, scope, filter, cursor);
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_map(params_from_iter(args), pin_from_row)?.collect())
        .map_err(backend)
}

#[async_trait]
impl PinStore for SqliteStore {
    async fn image(&self, key: &str) -> StoreResult<Option<StoredImage>> {
        let key = key.to_string();
        self.engine.read(move |c| image(c, &key)).await
    }

    async fn put_image(&self, image: StoredImage) -> StoreResult<()> {
        self.engine.write(move |c| put_image(c, &image)).await
    }

    async fn create_pin(&self, pin: NewPin, max_pins: u32) -> StoreResult<Pin> {
        self.engine
            .write(move |c| create_pin(c, pin, max_pins))
            .await
    }

    async fn import_pins(&self, pins: Vec<NewPin>) -> StoreResult<()> {
        self.engine.write(move |c| import_pins(c, &pins)).await
    }

    async fn pin(&self, env: Env, id: PinId) -> StoreResult<Option<Pin>> {
        self.engine
            .read_with_memo(move |c, memo| pin_by_id_memo(c, memo, env, id))
            .await
    }

    async fn update_pin(
        &self,
        env: Env,
        id: PinId,
        changes: PinChanges,
        at: Timestamp,
    ) -> StoreResult<Pin> {
        self.engine
            .write(move |c| update_pin(c, env, id, changes, at))
            .await
    }

    async fn delete_pin(&self, env: Env, id: PinId, at: Timestamp) -> StoreResult<()> {
        self.engine.write(move |c| delete_pin(c, env, id, at)).await
    }

    async fn list_pins(
        &self,
        scope: PinScope,
        filter: PinFilter,
        cursor: Cursor,
    ) -> StoreResult<Vec<Pin>> {
        self.engine
            .read(move |c| list_pins(c, scope, &filter, cursor))
            .await
    }
}
