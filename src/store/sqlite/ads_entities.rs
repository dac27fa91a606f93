//! Ads entities in SQLite: every kind in `ads_entities`, fields as JSON text.

use rusqlite::types::{Type, Value as SqlValue};
use rusqlite::{Connection, Row, params, params_from_iter};
use serde_json::{Map, Value};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::ads::{AdsEntityStore, Entity, EntityChange, EntityQuery, KindId, NewEntity};
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;
use crate::domain::page::Cursor;
use crate::domain::storage::StoreResult;
use crate::store::sql::ads_entities::{ENTITY_COLUMNS, page};
use crate::store::sqlite::errors::backend;
use async_trait::async_trait;

fn from_row(r: &Row<'_>) -> rusqlite::Result<Entity> {
    let kind: i64 = r.get(1)?;
    let fields: String = r.get(7)?;
    let fields: Map<String, Value> = serde_json::from_str(&fields)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(7, Type::Text, Box::new(e)))?;
    Ok(Entity {
        id: r.get(0)?,
        kind: KindId::from_code(kind).ok_or(rusqlite::Error::IntegralValueOutOfRange(1, kind))?,
        ad_account_id: AdAccountId(r.get(2)?),
        env: Env::from_code(r.get(3)?),
        parent_id: r.get(4)?,
        root_id: r.get(5)?,
        status: r.get(6)?,
        fields,
        created_at: Timestamp(r.get(8)?),
        updated_at: Timestamp(r.get(9)?),
    })
}

fn by_id(conn: &Connection, id: i64) -> StoreResult<Entity> {
    conn.prepare_cached(&format!(
        "SELECT {ENTITY_COLUMNS} FROM ads_entities WHERE id = ?1"
    ))
    .and_then(|mut s| s.query_row(params![id], from_row))
    .map_err(backend)
}

fn insert(conn: &Connection, entities: Vec<NewEntity>) -> StoreResult<Vec<Entity>> {
    let mut out = Vec::with_capacity(entities.len());
    for e in entities {
        conn.prepare_cached(
            "INSERT INTO ads_entities (kind, ad_account_id, env, parent_id, root_id, status,
                 fields, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )
        .and_then(|mut s| {
            s.execute(params![
                e.kind.code(),
                e.ad_account_id.0,
                e.env.code(),
                e.parent_id,
                e.root_id,
                e.status,
                Value::Object(e.fields).to_string(),
                e.created_at.0
            ])
        })
        .map_err(backend)?;
        out.push(by_id(conn, conn.last_insert_rowid())?);
    }
    Ok(out)
}

fn update(conn: &Connection, changes: Vec<EntityChange>) -> StoreResult<Vec<Entity>> {
    let mut out = Vec::with_capacity(changes.len());
    for c in changes {
        let n = conn
            .prepare_cached(
                "UPDATE ads_entities SET status = ?2, fields = ?3, updated_at = ?4 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    c.id,
                    c.status,
                    Value::Object(c.fields).to_string(),
                    c.updated_at.0
                ])
            })
            .map_err(backend)?;
        if n > 0 {
            out.push(by_id(conn, c.id)?);
        }
    }
    Ok(out)
}

fn list(conn: &Connection, query: &EntityQuery, cursor: Cursor) -> StoreResult<Vec<Entity>> {
    let mut args: Vec<SqlValue> = Vec::new();
    let sql = page(&mut args, query, cursor);
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_map(params_from_iter(args), from_row)?.collect())
        .map_err(backend)
}

#[async_trait]
impl AdsEntityStore for SqliteStore {
    async fn insert_entities(&self, entities: Vec<NewEntity>) -> StoreResult<Vec<Entity>> {
        if entities.is_empty() {
            return Ok(Vec::new());
        }
        self.engine.write(move |c| insert(c, entities)).await
    }

    async fn update_entities(&self, changes: Vec<EntityChange>) -> StoreResult<Vec<Entity>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        self.engine.write(move |c| update(c, changes)).await
    }

    async fn list_entities(&self, query: EntityQuery, cursor: Cursor) -> StoreResult<Vec<Entity>> {
        self.engine.read(move |c| list(c, &query, cursor)).await
    }
}
