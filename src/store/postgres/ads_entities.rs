//! Ads entities in PostgreSQL: every kind in `ads_entities`, fields as JSON text; a batch is
//! one statement over arrays (`UNNEST`), one round trip.

use serde_json::{Map, Value};
use tokio_postgres::Row;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::ads::{AdsEntityStore, Entity, EntityChange, EntityQuery, KindId, NewEntity};
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::args::{Args, params};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;
use crate::store::sql::ads_entities::{ENTITY_COLUMNS, page};
use async_trait::async_trait;

fn from_row(r: &Row) -> StoreResult<Entity> {
    let kind: i64 = r.get(1);
    let env: i16 = r.get(3);
    let fields: String = r.get(7);
    let fields: Map<String, Value> = serde_json::from_str(&fields)
        .map_err(|e| StoreError::Backend(anyhow::anyhow!("ads entity fields: {e}")))?;
    Ok(Entity {
        id: r.get(0),
        kind: KindId::from_code(kind)
            .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("unknown ads kind {kind}")))?,
        ad_account_id: AdAccountId(r.get(2)),
        env: Env::from_code(env as i64),
        parent_id: r.get(4),
        root_id: r.get(5),
        status: r.get(6),
        fields,
        created_at: Timestamp(r.get(8)),
        updated_at: Timestamp(r.get(9)),
    })
}

fn sorted(rows: Vec<Row>) -> StoreResult<Vec<Entity>> {
    let mut out = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    out.sort_by_key(|e| e.id);
    Ok(out)
}

#[async_trait]
impl AdsEntityStore for PgStore {
    async fn insert_entities(&self, entities: Vec<NewEntity>) -> StoreResult<Vec<Entity>> {
        if entities.is_empty() {
            return Ok(Vec::new());
        }
        let kinds: Vec<i64> = entities.iter().map(|e| e.kind.code()).collect();
        let accounts: Vec<i64> = entities.iter().map(|e| e.ad_account_id.0).collect();
        let envs: Vec<i16> = entities.iter().map(|e| env_code(e.env)).collect();
        let parents: Vec<Option<i64>> = entities.iter().map(|e| e.parent_id).collect();
        let roots: Vec<Option<i64>> = entities.iter().map(|e| e.root_id).collect();
        let statuses: Vec<&str> = entities.iter().map(|e| e.status.as_str()).collect();
        let fields: Vec<String> = entities
            .iter()
            .map(|e| Value::Object(e.fields.clone()).to_string())
            .collect();
        let created: Vec<i64> = entities.iter().map(|e| e.created_at.0).collect();
        let client = self.client().await?;
        // Ids are drawn in the SELECT's order, so sorting what comes back by id restores the
        // batch's order.
        let rows = client
            .query(
                &format!(
                    "INSERT INTO ads_entities (kind, ad_account_id, env, parent_id, root_id,
                         status, fields, created_at, updated_at)
                     SELECT k, a, e, p, r, s, f, c, c
                     FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::SMALLINT[], $4::BIGINT[],
                                 $5::BIGINT[], $6::TEXT[], $7::TEXT[], $8::BIGINT[])
                          WITH ORDINALITY AS t(k, a, e, p, r, s, f, c, n)
                     ORDER BY n
                     RETURNING {ENTITY_COLUMNS}"
                ),
                &[
                    &kinds, &accounts, &envs, &parents, &roots, &statuses, &fields, &created,
                ],
            )
            .await
            .map_err(pg)?;
        sorted(rows)
    }

    async fn update_entities(&self, changes: Vec<EntityChange>) -> StoreResult<Vec<Entity>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = changes.iter().map(|c| c.id).collect();
        let statuses: Vec<&str> = changes.iter().map(|c| c.status.as_str()).collect();
        let fields: Vec<String> = changes
            .iter()
            .map(|c| Value::Object(c.fields.clone()).to_string())
            .collect();
        let updated: Vec<i64> = changes.iter().map(|c| c.updated_at.0).collect();
        let client = self.client().await?;
        let columns = ENTITY_COLUMNS
            .split(", ")
            .map(|c| format!("x.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = client
            .query(
                &format!(
                    "UPDATE ads_entities x SET status = u.s, fields = u.f, updated_at = u.t
                     FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[])
                          AS u(id, s, f, t)
                     WHERE x.id = u.id
                     RETURNING {columns}"
                ),
                &[&ids, &statuses, &fields, &updated],
            )
            .await
            .map_err(pg)?;
        sorted(rows)
    }

    async fn list_entities(&self, query: EntityQuery, cursor: Cursor) -> StoreResult<Vec<Entity>> {
        let mut args: Args = Vec::new();
        let sql = page(&mut args, &query, cursor);
        let client = self.client().await?;
        let stmt = client.prepare_cached(&sql).await.map_err(pg)?;
        client
            .query(&stmt, &params(&args))
            .await
            .map_err(pg)?
            .iter()
            .map(from_row)
            .collect()
    }
}
