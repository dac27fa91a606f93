//! Board sections in PostgreSQL; deleting one deletes its Pins and keeps the counters right, in
//! one transaction that holds the board's row.

use deadpool_postgres::Client;
use tokio_postgres::Row;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::boards::name_key;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, SectionId, UserId, random_id};
use crate::domain::page::Cursor;
use crate::domain::sections::{Section, SectionStore};
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::counts::add_counts;
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

const SECTION_SELECT: &str = "SELECT seq, id, board_id, name, created_at FROM board_sections";

fn section_from_row(r: &Row) -> Section {
    Section {
        seq: r.get(0),
        id: SectionId(r.get(1)),
        board_id: BoardId(r.get(2)),
        name: r.get(3),
        created_at: Timestamp(r.get(4)),
    }
}

pub async fn create_section(client: &Client, section: Section) -> StoreResult<Section> {
    let mut id = section.id;
    for _ in 0..5 {
        // The board may vanish between the domain's check and here: the foreign key says so.
        let row = client
            .query_opt(
                "INSERT INTO board_sections (id, board_id, name, name_key, created_at)
                 SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM boards WHERE id = $2)
                 ON CONFLICT (id) DO NOTHING RETURNING seq",
                &[
                    &id.0,
                    &section.board_id.0,
                    &section.name,
                    &name_key(&section.name),
                    &section.created_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if row.is_some() {
            return section_by_id(client, section.board_id, id)
                .await?
                .ok_or(StoreError::NotFound("section"));
        }
        let board_exists = client
            .query_opt("SELECT 1 FROM boards WHERE id = $1", &[&section.board_id.0])
            .await
            .map_err(pg)?
            .is_some();
        if !board_exists {
            return Err(StoreError::NotFound("board"));
        }
        id = SectionId(random_id());
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free section id"
    )))
}

pub async fn section_by_id(
    client: &Client,
    board: BoardId,
    id: SectionId,
) -> StoreResult<Option<Section>> {
    let stmt = client
        .prepare_cached(&format!("{SECTION_SELECT} WHERE id = $1 AND board_id = $2"))
        .await
        .map_err(pg)?;
    Ok(client
        .query_opt(&stmt, &[&id.0, &board.0])
        .await
        .map_err(pg)?
        .map(|r| section_from_row(&r)))
}

pub async fn list_sections(
    client: &Client,
    board: BoardId,
    cursor: Cursor,
) -> StoreResult<Vec<Section>> {
    let stmt = client
        .prepare_cached(&format!(
            "{SECTION_SELECT} WHERE board_id = $1 AND ($2::BIGINT IS NULL OR seq > $2) ORDER BY seq LIMIT $3"
        ))
        .await
        .map_err(pg)?;
    let rows = client
        .query(
            &stmt,
            &[&board.0, &cursor.after, &(cursor.limit as i64 + 1)],
        )
        .await
        .map_err(pg)?;
    Ok(rows.iter().map(section_from_row).collect())
}

pub async fn rename_section(
    client: &Client,
    board: BoardId,
    id: SectionId,
    name: String,
) -> StoreResult<Section> {
    let row = client
        .query_opt(
            "UPDATE board_sections SET name = $3, name_key = $4 WHERE id = $1 AND board_id = $2 RETURNING seq",
            &[&id.0, &board.0, &name, &name_key(&name)],
        )
        .await
        .map_err(pg)?;
    if row.is_none() {
        return Err(StoreError::NotFound("section"));
    }
    section_by_id(client, board, id)
        .await?
        .ok_or(StoreError::NotFound("section"))
}

pub async fn delete_section(client: &mut Client, board: BoardId, id: SectionId) -> StoreResult<()> {
    let tx = client.transaction().await.map_err(pg)?;
    let owner = tx
        .query_opt(
            "SELECT owner_id, env FROM boards WHERE id = $1 FOR UPDATE",
            &[&board.0],
        )
        .await
        .map_err(pg)?
        .map(|r| (UserId(r.get(0)), Env::from_code(r.get::<_, i16>(1) as i64)));
    let removed = tx
        .execute(
            "DELETE FROM pins WHERE section_id = $1 AND board_id = $2",
            &[&id.0, &board.0],
        )
        .await
        .map_err(pg)? as i64;
    if removed > 0 {
        tx.execute(
            "UPDATE boards SET pin_count = pin_count - $2 WHERE id = $1",
            &[&board.0, &removed],
        )
        .await
        .map_err(pg)?;
        if let Some((user, env)) = owner {
            add_counts(&tx, user, env, 0, -removed).await?;
        }
    }
    let n = tx
        .execute(
            "DELETE FROM board_sections WHERE id = $1 AND board_id = $2",
            &[&id.0, &board.0],
        )
        .await
        .map_err(pg)?;
    if n == 0 {
        return Err(StoreError::NotFound("section"));
    }
    tx.commit().await.map_err(pg)
}

#[async_trait]
impl SectionStore for PgStore {
    async fn create_section(&self, section: Section) -> StoreResult<Section> {
        create_section(&self.client().await?, section).await
    }

    async fn section(&self, board: BoardId, id: SectionId) -> StoreResult<Option<Section>> {
        section_by_id(&self.client().await?, board, id).await
    }

    async fn list_sections(&self, board: BoardId, cursor: Cursor) -> StoreResult<Vec<Section>> {
        list_sections(&self.client().await?, board, cursor).await
    }

    async fn rename_section(
        &self,
        board: BoardId,
        id: SectionId,
        name: String,
    ) -> StoreResult<Section> {
        rename_section(&self.client().await?, board, id, name).await
    }

    async fn delete_section(&self, board: BoardId, id: SectionId) -> StoreResult<()> {
        delete_section(&mut self.client().await?, board, id).await
    }
}
