//! Asynchronous ads reports, in SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::ads_reports::{ReportStore, StoredReport};
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::errors::backend;

fn create(conn: &Connection, r: &StoredReport) -> StoreResult<()> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM ad_accounts WHERE id = ?1 AND env = ?2")
        .and_then(|mut s| s.exists(params![r.ad_account_id.0, r.env.code()]))
        .map_err(backend)?;
    if !exists {
        return Err(StoreError::NotFound("ad account"));
    }
    conn.prepare_cached(
        "INSERT INTO ads_reports (token, ad_account_id, env, request, created_at, ready_at,
             expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            r.token,
            r.ad_account_id.0,
            r.env.code(),
            r.request,
            r.created_at.0,
            r.ready_at.0,
            r.expires_at.0
        ])
    })
    .map_err(backend)?;
    Ok(())
}

fn read(conn: &Connection, token: &str) -> StoreResult<Option<StoredReport>> {
    conn.prepare_cached(
        "SELECT token, ad_account_id, env, request, created_at, ready_at, expires_at
         FROM ads_reports WHERE token = ?1",
    )
    .and_then(|mut s| {
        s.query_row(params![token], |r| {
            Ok(StoredReport {
                token: r.get(0)?,
                ad_account_id: AdAccountId(r.get(1)?),
                env: Env::from_code(r.get(2)?),
                request: r.get(3)?,
                created_at: Timestamp(r.get(4)?),
                ready_at: Timestamp(r.get(5)?),
                expires_at: Timestamp(r.get(6)?),
            })
        })
        .optional()
    })
    .map_err(backend)
}

#[async_trait]
impl ReportStore for SqliteStore {
    async fn create_report(&self, report: StoredReport) -> StoreResult<()> {
        self.engine.write(move |c| create(c, &report)).await
    }

    async fn report(&self, token: String) -> StoreResult<Option<StoredReport>> {
        self.engine.read(move |c| read(c, &token)).await
    }
}
