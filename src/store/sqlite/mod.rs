//! The embedded SQLite store, pinbox's default: one file in the data dir, WAL, durable commits.

mod accounts;
mod ad_accounts;
mod analytics;
mod apps;
mod auth_cache;
mod boards;
mod counts;
pub mod engine;
mod follows;
mod media;
pub mod migrate;
mod oauth;
mod pins;
pub mod quotas;
mod readers;
mod search;
pub mod serve_lock;
mod shared_counter;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::storage::{Store, StoreError, StoreResult};
use crate::store::sqlite::engine::{Durability, Engine};

pub const DB_FILE: &str = "pinbox.sqlite3";

pub struct SqliteStore {
    engine: Arc<Engine>,
    auth: auth_cache::AuthCache,
    /// Rate-limit windows: in memory, as one server process serves a data dir.
    quotas: quotas::MemoryQuotas,
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
            search::backfill(conn)
        })?;
        Ok(SqliteStore {
            engine,
            auth: open_auth_cache(data_dir)?,
            quotas: quotas::MemoryQuotas::new(),
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
            search::backfill(conn)
        })?;
        Ok(SqliteStore {
            engine,
            auth: open_auth_cache(dir.path())?,
            quotas: quotas::MemoryQuotas::new(),
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

/// Whether `e` is a UNIQUE violation whose message names `column` (`table.column`).
pub(crate) fn is_unique_violation(e: &rusqlite::Error, column: &str) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(err, Some(msg)) => {
            (err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
                && msg.contains(column)
        }
        _ => false,
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn shared_secret(&self, name: &str) -> StoreResult<[u8; 32]> {
        let name = name.to_string();
        self.engine
            .write(move |c| accounts::shared_secret(c, &name))
            .await
    }

    async fn close(&self) -> StoreResult<()> {
        let engine = Arc::clone(&self.engine);
        tokio::task::spawn_blocking(move || engine.close())
            .await
            .map_err(|e| StoreError::Backend(anyhow::anyhow!("closing the store: {e}")))?
    }
}
