//! How SQLite's errors reach the domain: as `StoreError`, with unique violations told apart so
//! that each engine file can map them to the conflict they stand for.

use crate::domain::storage::StoreError;

pub fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(anyhow::Error::new(e))
}

/// Whether `e` is a UNIQUE violation whose message names `column` (`table.column`).
pub fn is_unique_violation(e: &rusqlite::Error, column: &str) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(err, Some(msg)) => {
            (err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
                && msg.contains(column)
        }
        _ => false,
    }
}
