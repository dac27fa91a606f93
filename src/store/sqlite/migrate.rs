//! Versioned schema migrations for SQLite, applied in order at open, each in its own transaction
//! and recorded as `sql::migrations` keeps them. `BEGIN IMMEDIATE` makes a server and a CLI
//! opening the same file at once take turns.

use rusqlite::{Connection, OptionalExtension};

use crate::domain::storage::StoreResult;
use crate::store::sql::dialect::Sqlite;
use crate::store::sql::migrations::{self, Migration};
use crate::store::sqlite::errors::backend;

/// Every migration, in order. Never edit a released one: add the next.
pub const MIGRATIONS: &[Migration] = &[
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
    (14, "websites", include_str!("migrations/0014_websites.sql")),
    (
        15,
        "ads_entities",
        include_str!("migrations/0015_ads_entities.sql"),
    ),
    (
        16,
        "conversion_events",
        include_str!("migrations/0016_conversion_events.sql"),
    ),
    (
        17,
        "ads_reports",
        include_str!("migrations/0017_ads_reports.sql"),
    ),
    (18, "agents", include_str!("migrations/0018_agents.sql")),
];

pub fn migrate(conn: &mut Connection, now_ms: i64) -> StoreResult<()> {
    conn.execute_batch(&migrations::create_table::<Sqlite>())
        .map_err(backend)?;
    let (applied, record) = (
        migrations::applied::<Sqlite>(),
        migrations::record::<Sqlite>(),
    );
    for (version, name, sql) in MIGRATIONS {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let done: Option<i64> = tx
            .query_row(&applied, [version], |r| r.get(0))
            .optional()
            .map_err(backend)?;
        if done.is_none() {
            tx.execute_batch(sql)
                .map_err(|e| migrations::failed(*version, name, e))?;
            tx.execute(&record, rusqlite::params![version, name, now_ms])
                .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
    }
    let newest_applied: i64 = conn
        .query_row(migrations::NEWEST_APPLIED, [], |r| r.get(0))
        .map_err(backend)?;
    migrations::check_not_newer(
        newest_applied,
        MIGRATIONS,
        "the data dir was written by",
        "upgrade pinbox or use another data dir",
    )
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::migrate;
    use crate::domain::storage::StoreError;

    #[test]
    fn a_data_dir_migrated_by_a_newer_pinbox_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, 0).expect("a fresh database migrates");
        migrate(&mut conn, 0).expect("migrating again changes nothing");
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)",
            [],
        )
        .unwrap();
        match migrate(&mut conn, 0) {
            Err(StoreError::Unavailable(message)) => assert!(
                message
                    .starts_with("the data dir was written by a newer pinbox (schema version 9999")
                    && message.ends_with("upgrade pinbox or use another data dir"),
                "{message}"
            ),
            other => panic!("a newer schema was not refused: {other:?}"),
        }
    }
}
