//! The engagement log analytics are read from, in SQLite: single and batch writes, a Pin's
//! totals, and the rows of some Pins or of an account.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Row, params, params_from_iter};

use super::SqliteStore;
use crate::domain::engagement::{Day, EngagementRow, EngagementStore};
use crate::domain::env::Env;
use crate::domain::ids::{PinId, UserId};
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::errors::backend;
use async_trait::async_trait;

/// Adds `count` to one log row (pin, day, app type, metric), stamped with its Pin's owner and
/// environment (0 for a Pin that does not exist: such rows are never read by owner).
const ADD_ENGAGEMENT: &str =
    "INSERT INTO engagement (pin_id, owner_id, env, day, app_type, metric, count)
     VALUES (?1, COALESCE((SELECT owner_id FROM pins WHERE id = ?1), 0),
             COALESCE((SELECT env FROM pins WHERE id = ?1), 0), ?2, ?3, ?4, ?5)
     ON CONFLICT (pin_id, day, app_type, metric) DO UPDATE SET count = count + excluded.count";

pub fn add_engagement(
    conn: &Connection,
    pin: PinId,
    day: i64,
    app_type: &str,
    metric: &str,
    count: i64,
) -> StoreResult<()> {
    conn.prepare_cached(ADD_ENGAGEMENT)
        .and_then(|mut s| s.execute(params![pin.0, day, app_type, metric, count]))
        .map_err(backend)?;
    Ok(())
}

pub fn engagement_total(conn: &Connection, pin: PinId, metric: &str) -> StoreResult<i64> {
    conn.prepare_cached(
        "SELECT COALESCE(SUM(count), 0) FROM engagement WHERE pin_id = ?1 AND metric = ?2",
    )
    .and_then(|mut s| s.query_row(params![pin.0, metric], |r| r.get(0)))
    .map_err(backend)
}

/// Adds every row to the log; the caller's write runs them in one transaction.
pub fn add_engagement_rows(conn: &Connection, rows: &[EngagementRow]) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(ADD_ENGAGEMENT).map_err(backend)?;
    for r in rows {
        stmt.execute(params![
            r.pin.0,
            r.day,
            r.app_type.as_str(),
            r.metric.as_str(),
            r.count
        ])
        .map_err(backend)?;
    }
    Ok(())
}

pub fn engagement_rows(
    conn: &Connection,
    pins: &[PinId],
    from: Day,
    to: Day,
) -> StoreResult<Vec<EngagementRow>> {
    if pins.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; pins.len()].join(", ");
    let sql = format!(
        "SELECT pin_id, day, app_type, metric, count FROM engagement
         WHERE day >= ? AND day <= ? AND pin_id IN ({marks})
         ORDER BY pin_id, day, app_type, metric"
    );
    let mut args: Vec<SqlValue> = vec![from.into(), to.into()];
    args.extend(pins.iter().map(|p| SqlValue::from(p.0)));
    query(conn, &sql, args)
}

pub fn owner_engagement_rows(
    conn: &Connection,
    owner: UserId,
    env: Env,
    from: Day,
    to: Day,
    secret_pins: bool,
) -> StoreResult<Vec<EngagementRow>> {
    query(
        conn,
        // CROSS JOIN keeps the log as the outer loop: the account's rows by index, each checked
        // against a Pin that still exists and the privacy of its board now (secret Pins are
        // those on secret boards), each by its unique id.
        "SELECT e.pin_id, e.day, e.app_type, e.metric, e.count
         FROM engagement e CROSS JOIN pins p ON p.id = e.pin_id
              CROSS JOIN boards b ON b.id = p.board_id
         WHERE e.owner_id = ? AND e.env = ? AND e.day >= ? AND e.day <= ?
           AND (? OR b.privacy <> 'SECRET')
         ORDER BY e.pin_id, e.day, e.app_type, e.metric",
        vec![
            owner.0.into(),
            env.code().into(),
            from.into(),
            to.into(),
            secret_pins.into(),
        ],
    )
}

fn query(conn: &Connection, sql: &str, args: Vec<SqlValue>) -> StoreResult<Vec<EngagementRow>> {
    let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
    let rows = stmt
        .query_map(params_from_iter(args), raw_row)
        .map_err(backend)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(backend)?;
    rows.into_iter().map(to_row).collect()
}

type Raw = (i64, i64, String, String, i64);

fn raw_row(r: &Row) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

/// A stored row as the domain's; a value no version of pinbox writes is a backend error.
fn to_row((pin, day, app_type, metric, count): Raw) -> StoreResult<EngagementRow> {
    EngagementRow::from_stored(pin, day, &app_type, &metric, count).ok_or_else(|| {
        StoreError::Backend(anyhow::anyhow!(
            "engagement row with unknown app type '{app_type}' or metric '{metric}'"
        ))
    })
}

#[async_trait]
impl EngagementStore for SqliteStore {
    async fn add_engagement(
        &self,
        pin: PinId,
        day: i64,
        app_type: &str,
        metric: &str,
        count: i64,
    ) -> StoreResult<()> {
        let (app_type, metric) = (app_type.to_string(), metric.to_string());
        self.engine
            .write(move |c| add_engagement(c, pin, day, &app_type, &metric, count))
            .await
    }

    async fn engagement_total(&self, pin: PinId, metric: &str) -> StoreResult<i64> {
        let metric = metric.to_string();
        self.engine
            .read(move |c| engagement_total(c, pin, &metric))
            .await
    }

    async fn add_engagement_rows(&self, rows: Vec<EngagementRow>) -> StoreResult<()> {
        self.engine
            .write(move |c| add_engagement_rows(c, &rows))
            .await
    }

    async fn engagement_rows(
        &self,
        pins: Vec<PinId>,
        from: Day,
        to: Day,
    ) -> StoreResult<Vec<EngagementRow>> {
        self.engine
            .read(move |c| engagement_rows(c, &pins, from, to))
            .await
    }

    async fn owner_engagement_rows(
        &self,
        owner: UserId,
        env: Env,
        from: Day,
        to: Day,
        secret_pins: bool,
    ) -> StoreResult<Vec<EngagementRow>> {
        self.engine
            .read(move |c| owner_engagement_rows(c, owner, env, from, to, secret_pins))
            .await
    }
}
