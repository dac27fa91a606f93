//! Pins and the images they show in PostgreSQL. A Pin, its board's counters, its owner's totals
//! and its search index row change in one transaction that holds the board's row (and, for the
//! volume limit, the owner's counts row).

use deadpool_postgres::{Client, Transaction};

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, PinId, SectionId, UserId, random_id};
use crate::domain::page::Cursor;
use crate::domain::pins::{
    NewPin, Pin, PinChanges, PinFilter, PinMedia, PinScope, PinStore, StoredImage,
};
use crate::domain::storage::{StoreError, StoreResult, VolumeLimit};
use crate::store::postgres::args::{Args, params};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::counts::{add_counts, bump_board, lock_counts};
use crate::store::postgres::errors::pg;
use crate::store::postgres::pin_rows::{pin_by_id, pin_from_row};
use crate::store::postgres::search_index;
use crate::store::sql::pin_list;
use async_trait::async_trait;

fn media_json(media: &PinMedia) -> StoreResult<String> {
    serde_json::to_string(media).map_err(|e| StoreError::Backend(e.into()))
}

pub async fn image(client: &Client, key: &str) -> StoreResult<Option<StoredImage>> {
    let stmt = client
        .prepare_cached(
            "SELECT key, width, height, format, dominant_color, created_at FROM images WHERE key = $1",
        )
        .await
        .map_err(pg)?;
    Ok(client
        .query_opt(&stmt, &[&key])
        .await
        .map_err(pg)?
        .map(|r| StoredImage {
            key: r.get(0),
            width: r.get::<_, i32>(1) as u32,
            height: r.get::<_, i32>(2) as u32,
            format: r.get(3),
            dominant_color: r.get(4),
            created_at: Timestamp(r.get(5)),
        }))
}

pub async fn put_image(client: &Client, img: &StoredImage) -> StoreResult<()> {
    client
        .execute(
            "INSERT INTO images (key, width, height, format, dominant_color, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
            &[
                &img.key,
                &(img.width as i32),
                &(img.height as i32),
                &img.format,
                &img.dominant_color,
                &img.created_at.0,
            ],
        )
        .await
        .map_err(pg)?;
    Ok(())
}

/// Locks a board's row and returns its owner, if it exists in `env`.
async fn lock_board(tx: &Transaction<'_>, env: Env, board: BoardId) -> StoreResult<Option<UserId>> {
    Ok(tx
        .query_opt(
            "SELECT owner_id FROM boards WHERE id = $1 AND env = $2 FOR UPDATE",
            &[&board.0, &env_code(env)],
        )
        .await
        .map_err(pg)?
        .map(|r| UserId(r.get(0))))
}

async fn check_section(
    tx: &Transaction<'_>,
    board: BoardId,
    section: Option<SectionId>,
) -> StoreResult<()> {
    if let Some(section) = section {
        let found = tx
            .query_opt(
                "SELECT 1 FROM board_sections WHERE id = $1 AND board_id = $2",
                &[&section.0, &board.0],
            )
            .await
            .map_err(pg)?;
        if found.is_none() {
            return Err(StoreError::NotFound("section"));
        }
    }
    Ok(())
}

pub async fn create_pin(client: &mut Client, pin: NewPin, max_pins: u32) -> StoreResult<Pin> {
    let media = media_json(&pin.media)?;
    let tx = client.transaction().await.map_err(pg)?;
    if lock_board(&tx, pin.env, pin.board_id).await? != Some(pin.owner_id) {
        return Err(StoreError::NotFound("board"));
    }
    check_section(&tx, pin.board_id, pin.section_id).await?;
    // The owner's counts row serializes creates so that the limit holds across replicas.
    let (_, total) = lock_counts(&tx, pin.owner_id, pin.env).await?;
    if total >= max_pins as i64 {
        return Err(StoreError::LimitReached(VolumeLimit::Pins));
    }
    let mut id = pin.id;
    let mut inserted = None;
    for _ in 0..5 {
        let row = tx
            .query_opt(
                "INSERT INTO pins (id, owner_id, env, app_id, board_id, section_id, title,
                     description, link, alt_text, dominant_color, creative_type, is_standard,
                     is_removable, parent_pin_id, media, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                 ON CONFLICT (id) DO NOTHING RETURNING seq",
                &[
                    &id.0,
                    &pin.owner_id.0,
                    &env_code(pin.env),
                    &pin.app_id.map(|a| a.0),
                    &pin.board_id.0,
                    &pin.section_id.map(|s| s.0),
                    &pin.title,
                    &pin.description,
                    &pin.link,
                    &pin.alt_text,
                    &pin.dominant_color,
                    &pin.creative_type.as_str(),
                    &pin.is_standard,
                    &pin.is_removable,
                    &pin.parent_pin_id.map(|p| p.0),
                    &media,
                    &pin.created_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if let Some(row) = row {
            inserted = Some(row.get::<_, i64>(0));
            break;
        }
        id = PinId(random_id());
    }
    let Some(seq) = inserted else {
        return Err(StoreError::Backend(anyhow::anyhow!(
            "could not find a free Pin id"
        )));
    };
    search_index::index_pin(
        &tx,
        seq,
        pin.owner_id,
        pin.env,
        pin.title.as_deref(),
        pin.description.as_deref(),
        pin.alt_text.as_deref(),
    )
    .await?;
    bump_board(&tx, pin.board_id, 1, pin.created_at).await?;
    add_counts(&tx, pin.owner_id, pin.env, 0, 1).await?;
    tx.commit().await.map_err(pg)?;
    pin_by_id(client, pin.env, id)
        .await?
        .ok_or(StoreError::NotFound("pin"))
}

pub async fn import_pins(client: &mut Client, pins: Vec<NewPin>) -> StoreResult<()> {
    let tx = client.transaction().await.map_err(pg)?;
    // Column arrays unnested into rows: one statement per chunk instead of one per Pin.
    for chunk in pins.chunks(5_000) {
        let col = |f: &dyn Fn(&NewPin) -> Option<String>| chunk.iter().map(f).collect::<Vec<_>>();
        let ids: Vec<i64> = chunk.iter().map(|p| p.id.0).collect();
        let owners: Vec<i64> = chunk.iter().map(|p| p.owner_id.0).collect();
        let envs: Vec<i16> = chunk.iter().map(|p| env_code(p.env)).collect();
        let apps: Vec<Option<i64>> = chunk.iter().map(|p| p.app_id.map(|a| a.0)).collect();
        let boards: Vec<i64> = chunk.iter().map(|p| p.board_id.0).collect();
        let sections: Vec<Option<i64>> = chunk.iter().map(|p| p.section_id.map(|s| s.0)).collect();
        let titles = col(&|p| p.title.clone());
        let descriptions = col(&|p| p.description.clone());
        let links = col(&|p| p.link.clone());
        let alts = col(&|p| p.alt_text.clone());
        let colors = col(&|p| p.dominant_color.clone());
        let types: Vec<&str> = chunk.iter().map(|p| p.creative_type.as_str()).collect();
        let standard: Vec<bool> = chunk.iter().map(|p| p.is_standard).collect();
        let removable: Vec<bool> = chunk.iter().map(|p| p.is_removable).collect();
        let parents: Vec<Option<i64>> =
            chunk.iter().map(|p| p.parent_pin_id.map(|x| x.0)).collect();
        let media = chunk
            .iter()
            .map(|p| media_json(&p.media))
            .collect::<StoreResult<Vec<_>>>()?;
        let created: Vec<i64> = chunk.iter().map(|p| p.created_at.0).collect();
        tx.execute(
            "INSERT INTO pins (id, owner_id, env, app_id, board_id, section_id, title, description,
                 link, alt_text, dominant_color, creative_type, is_standard, is_removable,
                 parent_pin_id, media, created_at)
             SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::SMALLINT[], $4::BIGINT[], $5::BIGINT[],
                 $6::BIGINT[], $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::TEXT[], $12::TEXT[],
                 $13::BOOLEAN[], $14::BOOLEAN[], $15::BIGINT[], $16::TEXT[], $17::BIGINT[])",
            &[
                &ids, &owners, &envs, &apps, &boards, &sections, &titles, &descriptions, &links,
                &alts, &colors, &types, &standard, &removable, &parents, &media, &created,
            ],
        )
        .await
        .map_err(pg)?;
        search_index::index_imported(&tx, chunk).await?;
    }
    let mut boards: Vec<i64> = pins.iter().map(|p| p.board_id.0).collect();
    boards.sort_unstable();
    boards.dedup();
    tx.execute(
        "UPDATE boards b SET pin_count = c.n, pins_modified_at = GREATEST(b.pins_modified_at, c.last)
         FROM (SELECT board_id, COUNT(*) AS n, MAX(created_at) AS last FROM pins
               WHERE board_id = ANY($1) GROUP BY board_id) c
         WHERE b.id = c.board_id",
        &[&boards],
    )
    .await
    .map_err(pg)?;
    let mut per_owner = std::collections::BTreeMap::new();
    for p in &pins {
        *per_owner.entry((p.owner_id, p.env)).or_insert(0i64) += 1;
    }
    for ((owner, env), n) in per_owner {
        add_counts(&tx, owner, env, 0, n).await?;
    }
    tx.commit().await.map_err(pg)?;
    // Fresh statistics of the search index, so that the planner knows common words from rare
    // ones at once rather than after autovacuum's next pass.
    client
        .execute("ANALYZE pin_search", &[])
        .await
        .map_err(pg)?;
    Ok(())
}

pub async fn update_pin(
    client: &mut Client,
    env: Env,
    id: PinId,
    changes: PinChanges,
    at: Timestamp,
) -> StoreResult<Pin> {
    let current = pin_by_id(client, env, id)
        .await?
        .ok_or(StoreError::NotFound("pin"))?;
    let board = changes.board_id.unwrap_or(current.board_id);
    let section = match changes.section_id {
        Some(s) => s,
        None if board != current.board_id => None,
        None => current.section_id,
    };
    let tx = client.transaction().await.map_err(pg)?;
    // Lock both boards in id order, so two moves in opposite directions cannot deadlock.
    let mut boards = vec![current.board_id, board];
    boards.sort_by_key(|b| b.0);
    boards.dedup();
    for b in &boards {
        let owner = lock_board(&tx, env, *b).await?;
        if owner != Some(current.owner_id) {
            return Err(StoreError::NotFound("board"));
        }
    }
    check_section(&tx, board, section).await?;
    // Re-read under the locks: another replica may have moved or deleted it meanwhile.
    let row = tx
        .query_opt(
            "SELECT board_id FROM pins WHERE id = $1 FOR UPDATE",
            &[&id.0],
        )
        .await
        .map_err(pg)?
        .ok_or(StoreError::NotFound("pin"))?;
    let locked_board = BoardId(row.get(0));
    if !boards.contains(&locked_board) {
        return Err(StoreError::Backend(anyhow::anyhow!(
            "the Pin moved to another board meanwhile; retry"
        )));
    }
    let media = match &changes.media {
        Some(m) => media_json(m)?,
        None => media_json(&current.media)?,
    };
    let text_changed =
        changes.title.is_some() || changes.description.is_some() || changes.alt_text.is_some();
    tx.execute(
        "UPDATE pins SET board_id = $2, section_id = $3, title = $4, description = $5, link = $6,
             alt_text = $7, media = $8
         WHERE id = $1",
        &[
            &id.0,
            &board.0,
            &section.map(|s| s.0),
            &changes.title.unwrap_or(current.title),
            &changes.description.unwrap_or(current.description),
            &changes.link.unwrap_or(current.link),
            &changes.alt_text.unwrap_or(current.alt_text),
            &media,
        ],
    )
    .await
    .map_err(pg)?;
    if text_changed {
        let row = tx
            .query_one(
                "SELECT seq, owner_id, title, description, alt_text FROM pins WHERE id = $1",
                &[&id.0],
            )
            .await
            .map_err(pg)?;
        let (title, description, alt): (Option<String>, Option<String>, Option<String>) =
            (row.get(2), row.get(3), row.get(4));
        search_index::index_pin(
            &tx,
            row.get(0),
            UserId(row.get(1)),
            env,
            title.as_deref(),
            description.as_deref(),
            alt.as_deref(),
        )
        .await?;
    }
    if board != locked_board {
        bump_board(&tx, locked_board, -1, at).await?;
        bump_board(&tx, board, 1, at).await?;
    } else {
        bump_board(&tx, board, 0, at).await?;
    }
    tx.commit().await.map_err(pg)?;
    pin_by_id(client, env, id)
        .await?
        .ok_or(StoreError::NotFound("pin"))
}

pub async fn delete_pin(
    client: &mut Client,
    env: Env,
    id: PinId,
    at: Timestamp,
) -> StoreResult<()> {
    let tx = client.transaction().await.map_err(pg)?;
    let row = tx
        .query_opt(
            "DELETE FROM pins WHERE id = $1 AND env = $2 RETURNING board_id, owner_id",
            &[&id.0, &env_code(env)],
        )
        .await
        .map_err(pg)?
        .ok_or(StoreError::NotFound("pin"))?;
    bump_board(&tx, BoardId(row.get(0)), -1, at).await?;
    add_counts(&tx, UserId(row.get(1)), env, 0, -1).await?;
    tx.commit().await.map_err(pg)
}

pub async fn list_pins(
    client: &Client,
    scope: PinScope,
    filter: &PinFilter,
    cursor: Cursor,
) -> StoreResult<Vec<Pin>> {
    let mut args: Args = Vec::new();
    let sql = pin_list::page(&mut args, scope, filter, cursor);
    let stmt = client.prepare_cached(&sql).await.map_err(pg)?;
    client
        .query(&stmt, &params(&args))
        .await
        .map_err(pg)?
        .iter()
        .map(pin_from_row)
        .collect()
}

#[async_trait]
impl PinStore for PgStore {
    async fn image(&self, key: &str) -> StoreResult<Option<StoredImage>> {
        image(&self.client().await?, key).await
    }

    async fn put_image(&self, image: StoredImage) -> StoreResult<()> {
        put_image(&self.client().await?, &image).await
    }

    async fn create_pin(&self, pin: NewPin, max_pins: u32) -> StoreResult<Pin> {
        create_pin(&mut self.client().await?, pin, max_pins).await
    }

    async fn import_pins(&self, pins: Vec<NewPin>) -> StoreResult<()> {
        import_pins(&mut self.client().await?, pins).await
    }

    async fn pin(&self, env: Env, id: PinId) -> StoreResult<Option<Pin>> {
        pin_by_id(&self.client().await?, env, id).await
    }

    async fn update_pin(
        &self,
        env: Env,
        id: PinId,
        changes: PinChanges,
        at: Timestamp,
    ) -> StoreResult<Pin> {
        update_pin(&mut self.client().await?, env, id, changes, at).await
    }

    async fn delete_pin(&self, env: Env, id: PinId, at: Timestamp) -> StoreResult<()> {
        delete_pin(&mut self.client().await?, env, id, at).await
    }

    async fn list_pins(
        &self,
        scope: PinScope,
        filter: PinFilter,
        cursor: Cursor,
    ) -> StoreResult<Vec<Pin>> {
        list_pins(&self.client().await?, scope, &filter, cursor).await
    }
}
