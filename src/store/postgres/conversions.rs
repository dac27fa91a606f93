//! Conversions API events and advertiser-defined event names, in PostgreSQL. A request's events
//! go in as one statement over arrays (`UNNEST`), not one round trip per event.

use std::collections::HashSet;

use async_trait::async_trait;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::conversions::{
    ConversionEventStore, DailyConversions, NewConversionEvent, whole_seconds,
};
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;

#[async_trait]
impl ConversionEventStore for PgStore {
    async fn record_conversion_events(
        &self,
        account: AdAccountId,
        env: Env,
        events: Vec<NewConversionEvent>,
    ) -> StoreResult<Vec<bool>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        // Holds the account against a concurrent delete until the events are in.
        let account_row = tx
            .query_opt(
                "SELECT 1 FROM ad_accounts WHERE id = $1 AND env = $2 FOR SHARE",
                &[&account.0, &env_code(env)],
            )
            .await
            .map_err(pg)?;
        if account_row.is_none() {
            return Err(StoreError::NotFound("ad account"));
        }
        let ids: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
        let names: Vec<&str> = events.iter().map(|e| e.event_name.as_str()).collect();
        let sources: Vec<&str> = events.iter().map(|e| e.action_source.as_str()).collect();
        let times: Vec<i64> = events.iter().map(|e| e.event_time.seconds()).collect();
        let received: Vec<i64> = events.iter().map(|e| e.received_at.0).collect();
        let keys: Vec<&str> = events.iter().map(|e| e.match_keys.as_str()).collect();
        let clicks: Vec<Option<&str>> = events.iter().map(|e| e.click_id.as_deref()).collect();
        let currencies: Vec<&str> = events.iter().map(|e| e.currency.as_str()).collect();
        let values: Vec<Option<f64>> = events.iter().map(|e| e.value).collect();
        let items: Vec<Option<i64>> = events.iter().map(|e| e.num_items).collect();
        let orders: Vec<Option<&str>> = events.iter().map(|e| e.order_id.as_deref()).collect();
        // Arrival order is the events' order: WITH ORDINALITY numbers them, and the seq column
        // is drawn in that order.
        let rows = tx
            .query(
                "INSERT INTO conversion_events (ad_account_id, env, event_id, event_name,
                     action_source, event_time, received_at, match_keys, click_id, currency,
                     value, num_items, order_id)
                 SELECT $1, $2, e.id, e.name, e.source, e.time, e.received, e.keys, e.click,
                        e.currency, e.value, e.items, e.order_id
                 FROM UNNEST($3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[], $7::BIGINT[],
                             $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::DOUBLE PRECISION[],
                             $12::BIGINT[], $13::TEXT[])
                      WITH ORDINALITY AS e(id, name, source, time, received, keys, click,
                                           currency, value, items, order_id, n)
                 ORDER BY e.n
                 ON CONFLICT (ad_account_id, event_id) DO NOTHING
                 RETURNING event_id, seq",
                &[
                    &account.0,
                    &env_code(env),
                    &ids,
                    &names,
                    &sources,
                    &times,
                    &received,
                    &keys,
                    &clicks,
                    &currencies,
                    &values,
                    &items,
                    &orders,
                ],
            )
            .await
            .map_err(pg)?;
        let inserted: std::collections::HashMap<String, i64> =
            rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        let (mut keys, mut custom, mut seen) = (Vec::new(), Vec::new(), Vec::new());
        for e in events.iter().filter(|e| e.advertiser_defined) {
            if let Some(seq) = inserted.get(&e.event_id) {
                keys.push(e.event_name.to_lowercase());
                custom.push(e.event_name.as_str());
                seen.push(*seq);
            }
        }
        if !keys.is_empty() {
            tx.execute(
                "INSERT INTO advertiser_defined_events (ad_account_id, env, name_key, name,
                     first_seen)
                 SELECT $1, $2, n.key, n.name, n.seen
                 FROM UNNEST($3::TEXT[], $4::TEXT[], $5::BIGINT[]) AS n(key, name, seen)
                 ORDER BY n.seen
                 ON CONFLICT (ad_account_id, name_key) DO NOTHING",
                &[&account.0, &env_code(env), &keys, &custom, &seen],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)?;
        Ok(events
            .iter()
            .map(|e| inserted.contains_key(&e.event_id))
            .collect())
    }

    async fn existing_conversion_event_ids(
        &self,
        account: AdAccountId,
        env: Env,
        event_ids: Vec<String>,
    ) -> StoreResult<HashSet<String>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT event_id FROM conversion_events
                 WHERE ad_account_id = $1 AND env = $2 AND event_id = ANY($3::TEXT[])",
                &[&account.0, &env_code(env), &event_ids],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn advertiser_defined_event_names(
        &self,
        account: AdAccountId,
        env: Env,
        limit: u32,
    ) -> StoreResult<Vec<String>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT name FROM advertiser_defined_events WHERE ad_account_id = $1 AND env = $2
                 ORDER BY first_seen, name_key COLLATE \"C\" LIMIT $3",
                &[&account.0, &env_code(env), &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn daily_conversions(
        &self,
        account: AdAccountId,
        env: Env,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<DailyConversions>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT event_time / 86400 AS day, event_name, COUNT(*),
                        COALESCE(SUM(value), 0)::DOUBLE PRECISION
                 FROM conversion_events
                 WHERE ad_account_id = $1 AND env = $2 AND event_time >= $3 AND event_time < $4
                 GROUP BY day, event_name ORDER BY day, event_name COLLATE \"C\"",
                &[
                    &account.0,
                    &env_code(env),
                    &whole_seconds(from),
                    &whole_seconds(to),
                ],
            )
            .await
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| DailyConversions {
                day: r.get(0),
                event_name: r.get(1),
                count: r.get(2),
                value: r.get(3),
            })
            .collect())
    }
}
