//! The bookkeeping of schema migrations, the same on both engines: the table of the versions
//! applied (`schema_migrations`), its statements, and the checks made around them. Each engine
//! keeps its own migration files and list, with the same numbers, and its own way of taking
//! turns with other processes migrating at once.

use std::fmt::Display;

use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sql::dialect::Dialect;

/// A migration: its version, its name and its SQL. Never edit a released one: add the next.
pub type Migration = (i64, &'static str, &'static str);

/// Creates the bookkeeping table if it is not there yet.
pub fn create_table<D: Dialect>() -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    {bigint} PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at {bigint} NOT NULL
         )",
        bigint = D::BIGINT
    )
}

/// A row when the version (argument 1) was applied, none when not.
pub fn applied<D: Dialect>() -> String {
    format!(
        "SELECT 1 FROM schema_migrations WHERE version = {}",
        D::placeholder(1)
    )
}

/// Records a version (argument 1) with its name (2) as applied at an instant (3).
pub fn record<D: Dialect>() -> String {
    format!(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ({}, {}, {})",
        D::placeholder(1),
        D::placeholder(2),
        D::placeholder(3)
    )
}

/// The newest version applied, 0 for none.
pub const NEWEST_APPLIED: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

/// A migration's SQL failed.
pub fn failed(version: i64, name: &str, e: impl Display) -> StoreError {
    StoreError::Backend(anyhow::anyhow!("migration {version} ({name}) failed: {e}"))
}

/// Refuses a schema newer than this binary's migrations: a newer pinbox wrote it, and this one
/// would misread it. `written` names who wrote it ("the data dir was written by"), `advice`
/// what to do.
pub fn check_not_newer(
    newest_applied: i64,
    migrations: &[Migration],
    written: &str,
    advice: &str,
) -> StoreResult<()> {
    let newest_known = migrations.last().map(|m| m.0).unwrap_or(0);
    if newest_applied > newest_known {
        return Err(StoreError::Unavailable(format!(
            "{written} a newer pinbox (schema version {newest_applied}, this binary knows up to \
             {newest_known}); {advice}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Migration, check_not_newer, create_table, record};
    use crate::store::sql::dialect::{Postgres, Sqlite};

    #[test]
    fn a_schema_newer_than_the_binary_is_refused_saying_what_to_do() {
        const KNOWN: &[Migration] = &[(1, "one", ""), (3, "three", "")];
        for applied in [0, 1, 3] {
            assert!(check_not_newer(applied, KNOWN, "written by", "upgrade").is_ok());
        }
        let refused = check_not_newer(4, KNOWN, "the database was migrated by", "upgrade pinbox")
            .expect_err("version 4 is newer than 3");
        assert_eq!(
            refused.to_string(),
            "store unavailable: the database was migrated by a newer pinbox (schema version 4, \
             this binary knows up to 3); upgrade pinbox"
        );
    }

    #[test]
    fn the_migrations_table_keys_versions_by_a_64_bit_integer_on_each_engine() {
        let squeeze = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            squeeze(create_table::<Sqlite>()),
            "CREATE TABLE IF NOT EXISTS schema_migrations ( version INTEGER PRIMARY KEY, \
             name TEXT NOT NULL, applied_at INTEGER NOT NULL )"
        );
        assert_eq!(
            squeeze(create_table::<Postgres>()),
            "CREATE TABLE IF NOT EXISTS schema_migrations ( version BIGINT PRIMARY KEY, \
             name TEXT NOT NULL, applied_at BIGINT NOT NULL )"
        );
        assert_eq!(
            record::<Sqlite>(),
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)"
        );
        assert_eq!(
            record::<Postgres>(),
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"
        );
    }
}
