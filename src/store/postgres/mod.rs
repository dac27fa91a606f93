//! The PostgreSQL store, for several pinbox replicas sharing one database. Uniqueness, volume
//! limits and counters are enforced inside the database's transactions, so replicas agree without
//! sharing any memory.

// The engine's plumbing, which knows no port.
mod args;
mod columns;
mod counts;
mod errors;
pub mod migrate;
mod pin_rows;
mod search_index;

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

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Client, Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use crate::clock::Timestamp;
use crate::domain::storage::{Store, StoreError, StoreResult};
use crate::store::postgres::columns::hash_array;
use crate::store::postgres::errors::pg;

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct PgOptions {
    pub url: String,
    /// Connections this process keeps open at most.
    pub pool_size: usize,
    /// Use (and create) this schema instead of the default; tests isolate themselves with it.
    pub schema: Option<String>,
}

impl PgOptions {
    pub fn new(url: &str) -> PgOptions {
        PgOptions {
            url: url.to_string(),
            pool_size: 16,
            schema: None,
        }
    }
}

pub struct PgStore {
    pool: Pool,
}

/// The URL with its password replaced, safe to print.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(a connection string without a scheme)".to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl PgStore {
    /// Connects, checks the database answers, and brings its schema up to date (one replica at a
    /// time: migrations run under an advisory lock).
    pub async fn connect(options: PgOptions, now: Timestamp) -> StoreResult<PgStore> {
        let shown = redact(&options.url);
        let mut config = tokio_postgres::Config::from_str(&options.url).map_err(|e| {
            StoreError::Unavailable(format!(
                "the database URL {shown} is not a valid PostgreSQL connection string ({e}); \
                 use postgres://user:password@host:port/database"
            ))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if let Some(schema) = &options.schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(StoreError::Unavailable(format!(
                    "bad schema name {schema:?}"
                )));
            }
            config.options(format!("-c search_path={schema}"));
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .wait_timeout(Some(Duration::from_secs(30)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Unavailable(format!("building the connection pool: {e}")))?;
        let mut client = pool.get().await.map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot connect to PostgreSQL at {shown}: {}; check that the server runs and the \
                 URL's host, port, user, password and database are right",
                error_chain(&e)
            ))
        })?;
        if let Some(schema) = &options.schema {
            client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .await
                .map_err(pg)?;
        }
        migrate::migrate(&mut client, now.0).await?;
        search_index::backfill(&mut client).await?;
        drop(client);
        Ok(PgStore { pool })
    }

    async fn client(&self) -> StoreResult<deadpool_postgres::Client> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Unavailable(format!("no database connection: {e}")))
    }
}

/// An error and its causes on one line: pool errors hide the cause that says what went wrong.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

async fn shared_secret(client: &Client, name: &str) -> StoreResult<[u8; 32]> {
    let fresh: [u8; 32] = rand::random();
    client
        .execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&name, &&fresh[..]],
        )
        .await
        .map_err(pg)?;
    let stored: Vec<u8> = client
        .query_one("SELECT value FROM meta WHERE key = $1", &[&name])
        .await
        .map_err(pg)?
        .get(0);
    hash_array(stored)
}

#[async_trait]
impl Store for PgStore {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    async fn shared_secret(&self, name: &str) -> StoreResult<[u8; 32]> {
        shared_secret(&self.client().await?, name).await
    }

    async fn close(&self) -> StoreResult<()> {
        self.pool.close();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/pinbox"),
            "postgres://app:***@db:5432/pinbox"
        );
        assert_eq!(
            redact("postgres://app@db/pinbox"),
            "postgres://app@db/pinbox"
        );
        assert!(!redact("host=db password=x").contains("x"));
    }
}
