//! Pins, their images and the engagement log in SQLite. Board counters (`pin_count`,
//! `pins_modified_at`) change in the same transaction as the Pins they count.

use std::collections::HashMap;
use std::sync::LazyLock;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::boards::{Board, Privacy};
use crate::domain::env::Env;
use crate::domain::ids::{AppId, BoardId, PinId, SectionId, UserId, random_id};
use crate::domain::page::Cursor;
use crate::domain::pins::PinStore;
use crate::domain::pins::{
    CreativeType, NewPin, Pin, PinChanges, PinFilter, PinImage, PinMedia, PinScope, StoredImage,
};
use crate::domain::storage::{StoreError, StoreResult, VolumeLimit};
use crate::store::sqlite::engine::backend;
use crate::store::sqlite::{counts, is_unique_violation, search};
use async_trait::async_trait;

/// How many Pins' images a board shows as thumbnails.
const THUMBNAILS: i64 = 5;

const PIN_SELECT: &str = "SELECT p.seq, p.id, p.owner_id, u.username, p.env, p.app_id, p.board_id,
        b.privacy, p.section_id, p.title, p.description, p.link, p.alt_text, p.dominant_color,
        p.creative_type, p.is_standard, p.has_been_promoted, p.is_removable, p.parent_pin_id,
        p.media, p.created_at
     FROM pins p JOIN boards b ON b.id = p.board_id JOIN users u ON u.id = p.owner_id";

/// `PIN_SELECT` for one Pin by id and environment; built once, as the statement cache is keyed by it.
static PIN_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("{PIN_SELECT} WHERE p.id = ?1 AND p.env = ?2"));

static PIN_BY_SEQ: LazyLock<String> = LazyLock::new(|| format!("{PIN_SELECT} WHERE p.seq = ?1"));

/// One Pin by id and environment from its own row only, in `PIN_SELECT`'s columns: the owner's
/// username and the board's privacy are placeholders, filled from a [`JoinMemo`].
const PIN_ROW_BY_ID: &str = "SELECT p.seq, p.id, p.owner_id, '', p.env, p.app_id, p.board_id,
        'SECRET', p.section_id, p.title, p.description, p.link, p.alt_text, p.dominant_color,
        p.creative_type, p.is_standard, p.has_been_promoted, p.is_removable, p.parent_pin_id,
        p.media, p.created_at
     FROM pins p WHERE p.id = ?1 AND p.env = ?2";

/// Boards' privacy and owners' usernames as one reader's snapshot shows them, kept for as long as
/// that snapshot lasts (the same snapshot always gives the same answers, so nothing kept here
/// can be stale). Reading one Pin then touches the Pin's row only: the board and owner lookups
/// of the join were 4.6k of `GET /v5/pins/{id}`'s 73.6k instructions (callgrind).
#[derive(Default)]
pub struct JoinMemo {
    privacy: HashMap<i64, Privacy>,
    usernames: HashMap<i64, String>,
}

/// Past this many entries the memo starts over, so that a long snapshot cannot grow it unbounded.
const MEMO_ENTRIES: usize = 4_096;

impl JoinMemo {
    /// Forgets everything: the reader's snapshot ended.
    pub fn clear(&mut self) {
        self.privacy.clear();
        self.usernames.clear();
    }

    fn privacy(&mut self, conn: &Connection, board: BoardId) -> StoreResult<Option<Privacy>> {
        remembered(&mut self.privacy, board.0, || {
            conn.prepare_cached("SELECT privacy FROM boards WHERE id = ?1")
                .and_then(|mut s| {
                    s.query_row([board.0], |r| {
                        Ok(Privacy::parse(r.get_ref(0)?.as_str()?).unwrap_or(Privacy::Secret))
                    })
                    .optional()
                })
                .map_err(backend)
        })
    }

    fn username(&mut self, conn: &Connection, user: UserId) -> StoreResult<Option<String>> {
        remembered(&mut self.usernames, user.0, || {
            conn.prepare_cached("SELECT username FROM users WHERE id = ?1")
                .and_then(|mut s| s.query_row([user.0], |r| r.get(0)).optional())
                .map_err(backend)
        })
    }
}

/// The value `memo` keeps for `key`, or what `fetch` reads, kept when there is one.
fn remembered<V: Clone>(
    memo: &mut HashMap<i64, V>,
    key: i64,
    fetch: impl FnOnce() -> StoreResult<Option<V>>,
) -> StoreResult<Option<V>> {
    if let Some(v) = memo.get(&key) {
        return Ok(Some(v.clone()));
    }
    let found = fetch()?;
    if let Some(v) = &found {
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert(key, v.clone());
    }
    Ok(found)
}

fn pin_from_row(r: &Row<'_>) -> rusqlite::Result<Pin> {
    // Borrowed, not copied: every Pin read goes through here.
    let privacy = r.get_ref(7)?.as_str()?;
    let creative = r.get_ref(14)?.as_str()?;
    let media = serde_json::from_slice::<PinMedia>(r.get_ref(19)?.as_bytes()?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(19, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Pin {
        seq: r.get(0)?,
        id: PinId(r.get(1)?),
        owner_id: UserId(r.get(2)?),
        owner_username: r.get(3)?,
        env: Env::from_code(r.get(4)?),
        app_id: r.get::<_, Option<i64>>(5)?.map(AppId),
        board_id: BoardId(r.get(6)?),
        board_privacy: Privacy::parse(privacy).unwrap_or(Privacy::Secret),
        section_id: r.get::<_, Option<i64>>(8)?.map(SectionId),
        title: r.get(9)?,
        description: r.get(10)?,
        link: r.get(11)?,
        alt_text: r.get(12)?,
        dominant_color: r.get(13)?,
        creative_type: CreativeType::parse(creative).unwrap_or(CreativeType::Regular),
        is_standard: r.get(15)?,
        has_been_promoted: r.get(16)?,
        is_removable: r.get(17)?,
        parent_pin_id: r.get::<_, Option<i64>>(18)?.map(PinId),
        media,
        created_at: Timestamp(r.get(20)?),
    })
}

fn media_json(media: &PinMedia) -> StoreResult<String> {
    serde_json::to_string(media).map_err(|e| StoreError::Backend(e.into()))
}

/// The cover and thumbnails of a board, from its newest Pins.
pub fn fill_board_media(conn: &Connection, board: &mut Board) -> StoreResult<()> {
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

fn bump_board(conn: &Connection, board: BoardId, delta: i64, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE boards SET pin_count = pin_count + ?2, pins_modified_at = MAX(pins_modified_at, ?3)
         WHERE id = ?1",
    )
    .and_then(|mut s| s.execute(params![board.0, delta, at.0]))
    .map_err(backend)?;
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
                search::index_pin(
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
        search::index_pin(
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

pub fn pin_by_id(conn: &Connection, env: Env, id: PinId) -> StoreResult<Option<Pin>> {
    conn.prepare_cached(&PIN_BY_ID)
        .and_then(|mut s| {
            s.query_row(params![id.0, env.code()], pin_from_row)
                .optional()
        })
        .map_err(backend)
}

/// One Pin by id and environment, its board's privacy and owner's username from `memo` (what
/// `pin_by_id` reads with a join).
pub fn pin_by_id_memo(
    conn: &Connection,
    memo: &mut JoinMemo,
    env: Env,
    id: PinId,
) -> StoreResult<Option<Pin>> {
    let row = conn
        .prepare_cached(PIN_ROW_BY_ID)
        .and_then(|mut s| {
            s.query_row(params![id.0, env.code()], pin_from_row)
                .optional()
        })
        .map_err(backend)?;
    let Some(mut pin) = row else {
        return Ok(None);
    };
    // The join's rows or none: a Pin whose board or owner is gone is not there.
    let (Some(privacy), Some(username)) = (
        memo.privacy(conn, pin.board_id)?,
        memo.username(conn, pin.owner_id)?,
    ) else {
        return Ok(None);
    };
    pin.board_privacy = privacy;
    pin.owner_username = username;
    Ok(Some(pin))
}

/// One Pin by its list position (search results carry positions).
pub fn pin_by_seq(conn: &Connection, seq: i64) -> StoreResult<Option<Pin>> {
    conn.prepare_cached(&PIN_BY_SEQ)
        .and_then(|mut s| s.query_row([seq], pin_from_row).optional())
        .map_err(backend)
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
        search::index_pin(
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

/// Removes a section's Pins and keeps its board's counter right (the section row goes after).
pub fn delete_section_pins(
    conn: &Connection,
    board: BoardId,
    section: SectionId,
) -> StoreResult<()> {
    let n = conn
        .execute(
            "DELETE FROM pins WHERE section_id = ?1 AND board_id = ?2",
            params![section.0, board.0],
        )
        .map_err(backend)? as i64;
    if n > 0 {
        let (at, owner, env): (i64, i64, i64) = conn
            .query_row(
                "SELECT pins_modified_at, owner_id, env FROM boards WHERE id = ?1",
                [board.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(backend)?;
        bump_board(conn, board, -n, Timestamp(at))?;
        counts::add(conn, UserId(owner), Env::from_code(env), 0, -n)?;
    }
    Ok(())
}

pub fn list_pins(
    conn: &Connection,
    scope: PinScope,
    filter: &PinFilter,
    cursor: Cursor,
) -> StoreResult<Vec<Pin>> {
    let mut sql = String::from(PIN_SELECT);
    let mut args: Vec<SqlValue> = Vec::new();
    match scope {
        PinScope::Board(b) => {
            sql.push_str(" WHERE p.board_id = ?");
            args.push(b.0.into());
        }
        PinScope::Section(s) => {
            sql.push_str(" WHERE p.section_id = ?");
            args.push(s.0.into());
        }
        PinScope::Owner(owner, env) => {
            sql.push_str(" WHERE p.owner_id = ? AND p.env = ?");
            args.push(owner.0.into());
            args.push(env.code().into());
        }
    }
    if filter.only_secret {
        sql.push_str(" AND b.privacy = 'SECRET'");
    } else {
        sql.push_str(" AND (b.privacy = 'PUBLIC'");
        if filter.include_protected {
            sql.push_str(" OR b.privacy = 'PROTECTED'");
        }
        if filter.include_secret {
            sql.push_str(" OR b.privacy = 'SECRET'");
        }
        sql.push(')');
    }
    match filter.repins {
        Some(true) => sql.push_str(" AND p.parent_pin_id IS NOT NULL"),
        Some(false) => sql.push_str(" AND p.parent_pin_id IS NULL"),
        None => {}
    }
    if filter.only_promoted {
        sql.push_str(" AND p.has_been_promoted = 1");
    }
    if !filter.creative_types.is_empty() {
        match filter.as_of {
            // A video Pin shows REGULAR until its media's `ready_at` (see domain::pin::PinMedia).
            Some(now) => {
                sql.push_str(
                    " AND (CASE WHEN p.creative_type = 'VIDEO' \
                     AND json_extract(p.media, '$.ready_at') > ? \
                     THEN 'REGULAR' ELSE p.creative_type END) IN (",
                );
                args.push(now.0.into());
            }
            None => sql.push_str(" AND p.creative_type IN ("),
        }
        for (i, t) in filter.creative_types.iter().enumerate() {
            sql.push_str(if i == 0 { "?" } else { ", ?" });
            args.push(t.as_str().to_string().into());
        }
        sql.push(')');
    }
    if let Some(after) = cursor.after {
        sql.push_str(" AND p.seq < ?");
        args.push(after.into());
    }
    sql.push_str(" ORDER BY p.seq DESC LIMIT ?");
    args.push((cursor.limit as i64 + 1).into());
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_map(params_from_iter(args), pin_from_row)?.collect())
        .map_err(backend)
}

pub fn ad_only_board(conn: &Connection, owner: UserId, env: Env) -> StoreResult<Option<BoardId>> {
    conn.prepare_cached(
        "SELECT id FROM boards WHERE owner_id = ?1 AND env = ?2 AND is_ads_only = 1 ORDER BY seq LIMIT 1",
    )
    .and_then(|mut s| s.query_row(params![owner.0, env.code()], |r| r.get(0)).optional())
    .map(|id| id.map(BoardId))
    .map_err(backend)
}

pub fn add_engagement(
    conn: &Connection,
    pin: PinId,
    day: i64,
    app_type: &str,
    metric: &str,
    count: i64,
) -> StoreResult<()> {
    conn.prepare_cached(super::analytics::ADD_ENGAGEMENT)
        .and_then(|mut s| s.execute(params![pin.0, day, app_type, metric, count]))
        .map_err(backend)?;
    Ok(())
}

pub fn engagement_total(conn: &Connection, pin: PinId, metric: &str) -> StoreResult<i64> {
    conn.prepare_cached(
        "SELECT COALESCE(SUM(count), 0) FROM engagement WHERE pin_id = ?1 AND metric = ?2",
    )
    .and_then(|mut s| s.query_row(params![pin.0, metric], |r| r.get(0)))
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
