//! Versioned schema migrations for SQLite, applied in order at open, each in its own transaction.
//! `BEGIN IMMEDIATE` makes a server and a CLI opening the same file at once take turns.

use rusqlite::{Connection, OptionalExtension};

use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::errors::backend;

/// Every migration, in order. Never edit a released one: add the next.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "accounts_boards_sections",
        include_str!("migrations/0001_accounts_boards_sections.sql"),
    ),
    (
        2,
        "pins_images",
        include_str!("migrations/0002_pins_images.sql"),
    ),
    (
        3,
        "user_counts",
        include_str!("migrations/0003_user_counts.sql"),
    ),
    (4, "oauth", include_str!("migrations/0004_oauth.sql")),
    (
        5,
        "media_uploads",
        include_str!("migrations/0005_media_uploads.sql"),
    ),
    (
        8,
        "ad_accounts",
        include_str!("migrations/0008_ad_accounts.sql"),
    ),
    (
        9,
        "search_follows",
        include_str!("migrations/0009_search_follows.sql"),
    ),
    (
        11,
        "search_fts",
        include_str!("migrations/0011_search_fts.sql"),
    ),
    (
        12,
        "engagement_owner",
        include_str!("migrations/0012_engagement_owner.sql"),
    ),
];

pub fn migrate(conn: &mut Connection, now_ms: i64) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at INTEGER NOT NULL
         );",
    )
    .map_err(backend)?;
    let newest_known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    for (version, name, sql) in MIGRATIONS {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let applied: Option<i64> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()
            .map_err(backend)?;
        if applied.is_none() {
            tx.execute_batch(sql).map_err(|e| {
                StoreError::Backend(anyhow::anyhow!("migration {version} ({name}) failed: {e}"))
            })?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![version, name, now_ms],
            )
            .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
    }
    let newest_applied: i64 = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(backend)?;
    if newest_applied > newest_known {
        return Err(StoreError::Unavailable(format!(
            "the data dir was written by a newer pinbox (schema version {newest_applied}, this \
             binary knows up to {newest_known}); upgrade pinbox or use another data dir"
        )));
    }
    Ok(())
}
