//! Versioned schema migrations for PostgreSQL, beside SQLite's with the same numbers and recorded
//! as `sql::migrations` keeps them. Replicas starting at once take turns on an advisory lock, so
//! each migration runs exactly once.

use deadpool_postgres::Client;

use crate::domain::storage::StoreResult;
use crate::store::postgres::errors::pg;
use crate::store::sql::dialect::Postgres;
use crate::store::sql::migrations::{self, Migration};

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
        7,
        "rate_limits",
        include_str!("migrations/0007_rate_limits.sql"),
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
        "search_gin",
        include_str!("migrations/0011_search_gin.sql"),
    ),
    (
        12,
        "engagement_owner",
        include_str!("migrations/0012_engagement_owner.sql"),
    ),
    (
        13,
        "rate_windows_unlogged",
        include_str!("migrations/0013_rate_windows_unlogged.sql"),
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

/// An arbitrary constant naming pinbox's migration lock.
const LOCK_KEY: i64 = 0x70_69_6e_62_6f_78; // "pinbox"

pub async fn migrate(client: &mut Client, now_ms: i64) -> StoreResult<()> {
    client
        .query_one("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(pg)?;
    let result = apply(client, now_ms).await;
    let unlocked = client
        .query_one("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await
        .map_err(pg);
    result.and(unlocked.map(|_| ()))
}

async fn apply(client: &mut Client, now_ms: i64) -> StoreResult<()> {
    client
        .batch_execute(&migrations::create_table::<Postgres>())
        .await
        .map_err(pg)?;
    let (applied, record) = (
        migrations::applied::<Postgres>(),
        migrations::record::<Postgres>(),
    );
    for (version, name, sql) in MIGRATIONS {
        let tx = client.transaction().await.map_err(pg)?;
        let done = tx
            .query_opt(applied.as_str(), &[version])
            .await
            .map_err(pg)?;
        if done.is_none() {
            tx.batch_execute(sql)
                .await
                .map_err(|e| migrations::failed(*version, name, e))?;
            tx.execute(record.as_str(), &[version, name, &now_ms])
                .await
                .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)?;
    }
    let newest_applied: i64 = client
        .query_one(migrations::NEWEST_APPLIED, &[])
        .await
        .map_err(pg)?
        .get(0);
    migrations::check_not_newer(
        newest_applied,
        MIGRATIONS,
        "the database was migrated by",
        "upgrade pinbox",
    )
}
