//! Board sections in SQLite; deleting one deletes its Pins and keeps the counters right.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::boards::name_key;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, SectionId, UserId, random_id};
use crate::domain::page::Cursor;
use crate::domain::sections::{Section, SectionStore};
use crate::domain::storage::{Conflict, StoreError, StoreResult};
use crate::store::sqlite::counts;
use crate::store::sqlite::errors::{backend, is_unique_violation};
use async_trait::async_trait;

const SECTION_SELECT: &str = "SELECT seq, id, board_id, name, created_at FROM board_sections";

fn section_from_row(r: &Row<'_>) -> rusqlite::Result<Section> {
    Ok(Section {
        seq: r.get(0)?,
        id: SectionId(r.get(1)?),
        board_id: BoardId(r.get(2)?),
        name: r.get(3)?,
        created_at: Timestamp(r.get(4)?),
    })
}

pub fn create_section(conn: &Connection, section: Section) -> StoreResult<Section> {
    let board_exists: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM boards WHERE id = ?1)",
            [section.board_id.0],
            |r| r.get(0),
        )
        .map_err(backend)?;
    if !board_exists {
        return Err(StoreError::NotFound("board"));
    }
    let mut id = section.id;
    for _ in 0..5 {
        let inserted = conn.execute(
            "INSERT INTO board_sections (id, board_id, name, name_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.0, section.board_id.0, section.name, name_key(&section.name), section.created_at.0],
        );
        match inserted {
            Ok(_) => {
                return section_by_id(conn, section.board_id, id)?
                    .ok_or(StoreError::NotFound("section"));
            }
            Err(e) if is_unique_violation(&e, "board_sections.name_key") => {
                return Err(StoreError::Conflict(Conflict::SectionName));
            }
            Err(e) if is_unique_violation(&e, "board_sections.id") => id = SectionId(random_id()),
            Err(e) => return Err(backend(e)),
        }
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free section id"
    )))
}

pub fn section_by_id(
    conn: &Connection,
    board: BoardId,
    id: SectionId,
) -> StoreResult<Option<Section>> {
    conn.prepare_cached(&format!("{SECTION_SELECT} WHERE id = ?1 AND board_id = ?2"))
        .and_then(|mut s| {
            s.query_row(params![id.0, board.0], section_from_row)
                .optional()
        })
        .map_err(backend)
}

pub fn list_sections(
    conn: &Connection,
    board: BoardId,
    cursor: Cursor,
) -> StoreResult<Vec<Section>> {
    conn.prepare_cached(&format!(
        "{SECTION_SELECT} WHERE board_id = ?1 AND (?2 IS NULL OR seq > ?2) ORDER BY seq LIMIT ?3"
    ))
    .and_then(|mut s| {
        s.query_map(
            params![board.0, cursor.after, cursor.limit as i64 + 1],
            section_from_row,
        )?
        .collect()
    })
    .map_err(backend)
}

pub fn rename_section(
    conn: &Connection,
    board: BoardId,
    id: SectionId,
    name: String,
) -> StoreResult<Section> {
    let updated = conn.execute(
        "UPDATE board_sections SET name = ?3, name_key = ?4 WHERE id = ?1 AND board_id = ?2",
        params![id.0, board.0, name, name_key(&name)],
    );
    match updated {
        Ok(0) => Err(StoreError::NotFound("section")),
        Ok(_) => section_by_id(conn, board, id)?.ok_or(StoreError::NotFound("section")),
        Err(e) if is_unique_violation(&e, "board_sections.name_key") => {
            Err(StoreError::Conflict(Conflict::SectionName))
        }
        Err(e) => Err(backend(e)),
    }
}

pub fn delete_section(conn: &Connection, board: BoardId, id: SectionId) -> StoreResult<()> {
    delete_section_pins(conn, board, id)?;
    let n = conn
        .execute(
            "DELETE FROM board_sections WHERE id = ?1 AND board_id = ?2",
            params![id.0, board.0],
        )
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound("section"));
    }
    Ok(())
}

/// Removes a section's Pins and keeps its board's counter right (the section row goes after).
fn delete_section_pins(conn: &Connection, board: BoardId, section: SectionId) -> StoreResult<()> {
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
        counts::bump_board(conn, board, -n, Timestamp(at))?;
        counts::add(conn, UserId(owner), Env::from_code(env), 0, -n)?;
    }
    Ok(())
}

#[async_trait]
impl SectionStore for SqliteStore {
    async fn create_section(&self, section: Section) -> StoreResult<Section> {
        self.engine.write(move |c| create_section(c, section)).await
    }

    async fn section(&self, board: BoardId, id: SectionId) -> StoreResult<Option<Section>> {
        self.engine.read(move |c| section_by_id(c, board, id)).await
    }

    async fn list_sections(&self, board: BoardId, cursor: Cursor) -> StoreResult<Vec<Section>> {
        self.engine
            .read(move |c| list_sections(c, board, cursor))
            .await
    }

    async fn rename_section(
        &self,
        board: BoardId,
        id: SectionId,
        name: String,
    ) -> StoreResult<Section> {
        self.engine
            .write(move |c| rename_section(c, board, id, name))
            .await
    }

    async fn delete_section(&self, board: BoardId, id: SectionId) -> StoreResult<()> {
        self.engine
            .write(move |c| delete_section(c, board, id))
            .await
    }
}
