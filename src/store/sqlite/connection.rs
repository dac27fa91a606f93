//! Opening a connection to pinbox's SQLite file: the settings every connection, the writer's
//! and each reader's, is opened with, and the process-wide SQLite configuration before the first.

use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::errors::backend;

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: an acknowledged write survives a crash of the process or the machine.
    Full,
    /// `synchronous=OFF`: for throwaway (ephemeral) stores only.
    None,
}

/// Turns off SQLite's memory statistics, once, before the first connection initialises SQLite.
/// With them on (the bundled build's default), every allocation SQLite makes takes one
/// process-wide mutex, which concurrent readers contend for on every query.
#[allow(unsafe_code)] // each block says why it is sound
fn configure_sqlite_once() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: called before any connection exists (this runs ahead of the first open), as
        // sqlite3_config requires; a refusal (SQLite already initialised) changes nothing.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

pub fn open_connection(
    path: &Path,
    durability: Durability,
    reader: bool,
) -> StoreResult<Connection> {
    configure_sqlite_once();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    // The writer keeps the larger cache; each reader a small one, as they share the OS page cache.
    let cache_kib = if reader { 4_000 } else { 16_000 };
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::None => "OFF",
    };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = {synchronous};
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{cache_kib};"
    ))
    .map_err(backend)?;
    if reader {
        // No `mmap_size`: mapping the file saves CPU on every read, but the mapped pages count
        // in RSS, which then grows with the data set (bench/results/get-pin-profile.md).
        conn.execute_batch("PRAGMA query_only = ON;")
            .map_err(backend)?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(unsafe_code)] // each block says why it is sound
    fn page_caches_are_separate() {
        // With this option, every connection's page cache shares one group behind a process-wide
        // mutex (`.cargo/config.toml` says why it is left out).
        super::configure_sqlite_once();
        // SAFETY: a query of SQLite's compile-time options, with a NUL-terminated name.
        let used = unsafe {
            rusqlite::ffi::sqlite3_compileoption_used(c"ENABLE_MEMORY_MANAGEMENT".as_ptr())
        };
        assert_eq!(
            used, 0,
            "SQLite was built with SQLITE_ENABLE_MEMORY_MANAGEMENT"
        );
    }
}
