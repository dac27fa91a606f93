//! The embedded SQLite store, pinbox's default: one file in the data dir, WAL, durable commits.

// The engine's plumbing, which knows no port.
mod args;
mod auth_cache;
mod columns;
mod connection;
mod counts;
pub mod engine;
mod errors;
mod memo;
pub mod migrate;
mod pin_rows;
pub mod quota_windows;
mod readers;
mod search_index;
pub mod serve_lock;
mod shared_counter;

// One file per resource, each implementing that resource's port.
mod ad_accounts;
mod ads_entities;
mod analytics;
mod apps;
mod boards;
mod follows;
mod media_uploads;
mod oauth;
mod pins;
mod quotas;
mod search;
mod sections;
mod tokens;
mod users;
mod websites;
// conversions
mod conversions;
// ads reports
mod ads_reports;
mod agents;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use rusqlite::{Connection, params};

use crate::clock::Timestamp;
use crate::domain::storage::{Store, StoreError, StoreResult};
use crate::store::sqlite::connection::Durability;
use crate::store::sqlite::engine::Engine;
use crate::store::sqlite::errors::backend;

pub const DB_FILE: &str = "pinbox.sqlite3";

pub struct SqliteStore {
    engine: Arc<Engine>,
    auth: auth_cache::AuthCache,
    /// Rate-limit windows: in memory, as one server process serves a data dir.
    quotas: quota_windows::MemoryQuotas,
    /// Keeps an ephemeral store's directory alive until the store is dropped.
    _tempdir: Option<tempfile::TempDir>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir`, migrating it to this binary's schema.
    pub fn open(data_dir: &Path, now: Timestamp) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create the data dir {}: {e}",
                data_dir.display()
            ))
        })?;
        let path = data_dir.join(DB_FILE);
        let engine = Engine::open(&path, Durability::Full, |conn| {
            migrate::migrate(conn, now.0)?;
            search_index::backfill(conn)
        })?;
        Ok(SqliteStore {
            engine,
            auth: open_auth_cache(data_dir)?,
            quotas: quota_windows::MemoryQuotas::new(),
            _tempdir: None,
            path,
        })
    }

    /// A throwaway store in a temporary directory, removed when the store is dropped.
    pub fn ephemeral(now: Timestamp) -> StoreResult<SqliteStore> {
        let dir = tempfile::Builder::new()
            .prefix("pinbox-ephemeral-")
            .tempdir()
            .map_err(|e| StoreError::Unavailable(format!("cannot create a temporary dir: {e}")))?;
        let path = dir.path().join(DB_FILE);
        let engine = Engine::open(&path, Durability::None, |conn| {
            migrate::migrate(conn, now.0)?;
            search_index::backfill(conn)
        })?;
        Ok(SqliteStore {
            engine,
            auth: open_auth_cache(dir.path())?,
            quotas: quota_windows::MemoryQuotas::new(),
            _tempdir: Some(dir),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open_auth_cache(dir: &Path) -> StoreResult<auth_cache::AuthCache> {
    let path = dir.join("pinbox.auth-epoch");
    auth_cache::AuthCache::open(&path)
        .map_err(|e| StoreError::Unavailable(format!("cannot map {}: {e}", path.display())))
}

fn shared_secret(conn: &Connection, name: &str) -> StoreResult<[u8; 32]> {
    let fresh: [u8; 32] = rand::random();
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
        params![name, &fresh[..]],
    )
    .map_err(backend)?;
    let stored: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [name], |r| {
            r.get(0)
        })
        .map_err(backend)?;
    stored
        .try_into()
        .map_err(|_| StoreError::Backend(anyhow::anyhow!("meta secret {name} is not 32 bytes")))
}

#[async_trait]
impl Store for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn shared_secret(&self, name: &str) -> StoreResult<[u8; 32]> {
        let name = name.to_string();
        self.engine.write(move |c| shared_secret(c, &name)).await
    }

    async fn close(&self) -> StoreResult<()> {
        let engine = Arc::clone(&self.engine);
        tokio::task::spawn_blocking(move || engine.close())
            .await
            .map_err(|e| StoreError::Backend(anyhow::anyhow!("closing the store: {e}")))?
    }
}
