//! The engagement log analytics are read from, in PostgreSQL: single and batch writes, a Pin's
//! totals, and the rows of some Pins or of an account.

use deadpool_postgres::Client;
use tokio_postgres::Row;

use super::PgStore;
use crate::domain::engagement::{Day, EngagementRow, EngagementStore};
use crate::domain::env::Env;
use crate::domain::ids::{PinId, UserId};
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

pub async fn add_engagement(
    client: &Client,
    pin: PinId,
    day: i64,
    app_type: &str,
    metric: &str,
    count: i64,
) -> StoreResult<()> {
    client
        .execute(
            "INSERT INTO engagement (pin_id, owner_id, env, day, app_type, metric, count)
             VALUES ($1, (SELECT owner_id FROM pins WHERE id = $1), (SELECT env FROM pins WHERE id = $1),
                     $2, $3, $4, $5)
             ON CONFLICT (pin_id, day, app_type, metric) DO UPDATE SET count = engagement.count + EXCLUDED.count",
            &[&pin.0, &day, &app_type, &metric, &count],
        )
        .await
        .map_err(pg)?;
    Ok(())
}

pub async fn engagement_total(client: &Client, pin: PinId, metric: &str) -> StoreResult<i64> {
    Ok(client
        .query_one(
            "SELECT COALESCE(SUM(count), 0)::BIGINT FROM engagement WHERE pin_id = $1 AND metric = $2",
            &[&pin.0, &metric],
        )
        .await
        .map_err(pg)?
        .get(0))
}

/// Adds every row to the log in one transaction: a batch of unnest()ed arrays, summed per key
/// first because one INSERT ... ON CONFLICT may not touch a row twice.
pub async fn add_engagement_rows(client: &mut Client, rows: &[EngagementRow]) -> StoreResult<()> {
    let tx = client.transaction().await.map_err(pg)?;
    for chunk in rows.chunks(5_000) {
        let pins: Vec<i64> = chunk.iter().map(|r| r.pin.0).collect();
        let days: Vec<i64> = chunk.iter().map(|r| r.day).collect();
        let apps: Vec<&str> = chunk.iter().map(|r| r.app_type.as_str()).collect();
        let metrics: Vec<&str> = chunk.iter().map(|r| r.metric.as_str()).collect();
        let counts: Vec<i64> = chunk.iter().map(|r| r.count).collect();
        tx.execute(
            "INSERT INTO engagement (pin_id, owner_id, env, day, app_type, metric, count)
             SELECT t.pin_id, p.owner_id, p.env, t.day, t.app_type, t.metric, SUM(t.count)::BIGINT
             FROM unnest($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[])
                  AS t(pin_id, day, app_type, metric, count)
             LEFT JOIN pins p ON p.id = t.pin_id
             GROUP BY t.pin_id, p.owner_id, p.env, t.day, t.app_type, t.metric
             ON CONFLICT (pin_id, day, app_type, metric)
             DO UPDATE SET count = engagement.count + EXCLUDED.count",
            &[&pins, &days, &apps, &metrics, &counts],
        )
        .await
        .map_err(pg)?;
    }
    tx.commit().await.map_err(pg)
}

pub async fn engagement_rows(
    client: &Client,
    pins: &[PinId],
    from: Day,
    to: Day,
) -> StoreResult<Vec<EngagementRow>> {
    let ids: Vec<i64> = pins.iter().map(|p| p.0).collect();
    let rows = client
        .query(
            "SELECT pin_id, day, app_type, metric, count FROM engagement
             WHERE pin_id = ANY($1) AND day >= $2 AND day <= $3
             ORDER BY pin_id, day, app_type, metric",
            &[&ids, &from, &to],
        )
        .await
        .map_err(pg)?;
    rows.iter().map(from_pg).collect()
}

pub async fn owner_engagement_rows(
    client: &Client,
    owner: UserId,
    env: Env,
    from: Day,
    to: Day,
    secret_pins: bool,
) -> StoreResult<Vec<EngagementRow>> {
    // Each row is checked against a Pin that still exists and the privacy of its board now
    // (secret Pins are those on secret boards), each by its unique id.
    let rows = client
        .query(
            "SELECT e.pin_id, e.day, e.app_type, e.metric, e.count
             FROM engagement e
             WHERE e.owner_id = $1 AND e.env = $2 AND e.day >= $3 AND e.day <= $4
               AND EXISTS (SELECT 1 FROM pins p JOIN boards b ON b.id = p.board_id
                           WHERE p.id = e.pin_id AND ($5 OR b.privacy <> 'SECRET'))
             ORDER BY e.pin_id, e.day, e.app_type, e.metric",
            &[&owner.0, &(env.code() as i16), &from, &to, &secret_pins],
        )
        .await
        .map_err(pg)?;
    rows.iter().map(from_pg).collect()
}

fn from_pg(r: &Row) -> StoreResult<EngagementRow> {
    let (app_type, metric): (&str, &str) = (r.get(2), r.get(3));
    EngagementRow::from_stored(r.get(0), r.get(1), app_type, metric, r.get(4)).ok_or_else(|| {
        StoreError::Backend(anyhow::anyhow!(
            "engagement row with unknown app type '{app_type}' or metric '{metric}'"
        ))
    })
}

#[async_trait]
impl EngagementStore for PgStore {
    async fn add_engagement(
        &self,
        pin: PinId,
        day: i64,
        app_type: &str,
        metric: &str,
        count: i64,
    ) -> StoreResult<()> {
        add_engagement(&self.client().await?, pin, day, app_type, metric, count).await
    }

    async fn engagement_total(&self, pin: PinId, metric: &str) -> StoreResult<i64> {
        engagement_total(&self.client().await?, pin, metric).await
    }

    async fn add_engagement_rows(&self, rows: Vec<EngagementRow>) -> StoreResult<()> {
        add_engagement_rows(&mut self.client().await?, &rows).await
    }

    async fn engagement_rows(
        &self,
        pins: Vec<PinId>,
        from: Day,
        to: Day,
    ) -> StoreResult<Vec<EngagementRow>> {
        engagement_rows(&self.client().await?, &pins, from, to).await
    }

    async fn owner_engagement_rows(
        &self,
        owner: UserId,
        env: Env,
        from: Day,
        to: Day,
        secret_pins: bool,
    ) -> StoreResult<Vec<EngagementRow>> {
        owner_engagement_rows(&self.client().await?, owner, env, from, to, secret_pins).await
    }
}
