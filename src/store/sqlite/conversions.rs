//! Conversions API events and advertiser-defined event names, in SQLite.

use std::collections::HashSet;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::conversions::{
    ConversionEventStore, DailyConversions, NewConversionEvent, whole_seconds,
};
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::errors::backend;

fn record(
    conn: &Connection,
    account: AdAccountId,
    env: Env,
    events: &[NewConversionEvent],
) -> StoreResult<Vec<bool>> {
    let exists: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM ad_accounts WHERE id = ?1 AND env = ?2")
        .and_then(|mut s| {
            s.query_row(params![account.0, env.code()], |r| r.get(0))
                .optional()
        })
        .map_err(backend)?;
    if exists.is_none() {
        return Err(StoreError::NotFound("ad account"));
    }
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO conversion_events (ad_account_id, env, event_id, event_name,
                 action_source, event_time, received_at, match_keys, click_id, currency, value,
                 num_items, order_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (ad_account_id, event_id) DO NOTHING",
        )
        .map_err(backend)?;
    let mut name = conn
        .prepare_cached(
            "INSERT INTO advertiser_defined_events (ad_account_id, env, name_key, name, first_seen)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (ad_account_id, name_key) DO NOTHING",
        )
        .map_err(backend)?;
    let mut new = Vec::with_capacity(events.len());
    for e in events {
        let inserted = insert
            .execute(params![
                account.0,
                env.code(),
                e.event_id,
                e.event_name,
                e.action_source.as_str(),
                e.event_time.seconds(),
                e.received_at.0,
                e.match_keys,
                e.click_id,
                e.currency,
                e.value,
                e.num_items,
                e.order_id,
            ])
            .map_err(backend)?
            > 0;
        if inserted && e.advertiser_defined {
            name.execute(params![
                account.0,
                env.code(),
                e.event_name.to_lowercase(),
                e.event_name,
                conn.last_insert_rowid()
            ])
            .map_err(backend)?;
        }
        new.push(inserted);
    }
    Ok(new)
}

fn existing(
    conn: &Connection,
    account: AdAccountId,
    env: Env,
    ids: &[String],
) -> StoreResult<HashSet<String>> {
    let mut s = conn
        .prepare_cached(
            "SELECT 1 FROM conversion_events
             WHERE ad_account_id = ?1 AND env = ?2 AND event_id = ?3",
        )
        .map_err(backend)?;
    let mut found = HashSet::new();
    for id in ids {
        if s.exists(params![account.0, env.code(), id])
            .map_err(backend)?
        {
            found.insert(id.clone());
        }
    }
    Ok(found)
}

fn names(
    conn: &Connection,
    account: AdAccountId,
    env: Env,
    limit: u32,
) -> StoreResult<Vec<String>> {
    conn.prepare_cached(
        "SELECT name FROM advertiser_defined_events WHERE ad_account_id = ?1 AND env = ?2
         ORDER BY first_seen, name_key LIMIT ?3",
    )
    .and_then(|mut s| {
        s.query_map(params![account.0, env.code(), limit], |r| r.get(0))?
            .collect()
    })
    .map_err(backend)
}

fn daily(
    conn: &Connection,
    account: AdAccountId,
    env: Env,
    from: Timestamp,
    to: Timestamp,
) -> StoreResult<Vec<DailyConversions>> {
    conn.prepare_cached(
        "SELECT event_time / 86400 AS day, event_name, COUNT(*), TOTAL(value)
         FROM conversion_events
         WHERE ad_account_id = ?1 AND env = ?2 AND event_time >= ?3 AND event_time < ?4
         GROUP BY day, event_name ORDER BY day, event_name",
    )
    .and_then(|mut s| {
        s.query_map(
            params![
                account.0,
                env.code(),
                whole_seconds(from),
                whole_seconds(to)
            ],
            |r| {
                Ok(DailyConversions {
                    day: r.get(0)?,
                    event_name: r.get(1)?,
                    count: r.get(2)?,
                    value: r.get(3)?,
                })
            },
        )?
        .collect()
    })
    .map_err(backend)
}

#[async_trait]
impl ConversionEventStore for SqliteStore {
    async fn record_conversion_events(
        &self,
        account: AdAccountId,
        env: Env,
        events: Vec<NewConversionEvent>,
    ) -> StoreResult<Vec<bool>> {
        self.engine
            .write(move |c| record(c, account, env, &events))
            .await
    }

    async fn existing_conversion_event_ids(
        &self,
        account: AdAccountId,
        env: Env,
        event_ids: Vec<String>,
    ) -> StoreResult<HashSet<String>> {
        self.engine
            .read(move |c| existing(c, account, env, &event_ids))
            .await
    }

    async fn advertiser_defined_event_names(
        &self,
        account: AdAccountId,
        env: Env,
        limit: u32,
    ) -> StoreResult<Vec<String>> {
        self.engine
            .read(move |c| names(c, account, env, limit))
            .await
    }

    async fn daily_conversions(
        &self,
        account: AdAccountId,
        env: Env,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<DailyConversions>> {
        self.engine
            .read(move |c| daily(c, account, env, from, to))
            .await
    }
}
