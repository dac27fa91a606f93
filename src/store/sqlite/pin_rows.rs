//! Reading Pin rows in SQLite: the Pin SELECT and its row reader, by id (with or without the
//! reader's memo) and by sequence number, for the Pin writes and reads and for search results.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::Timestamp;
use crate::domain::boards::Privacy;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, BoardId, PinId, SectionId, UserId};
use crate::domain::pins::{CreativeType, Pin, PinMedia};
use crate::domain::storage::StoreResult;
use crate::store::sql::pin_list::PIN_SELECT;
use crate::store::sqlite::errors::backend;
use crate::store::sqlite::memo::JoinMemo;

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

pub fn pin_from_row(r: &Row<'_>) -> rusqlite::Result<Pin> {
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
