//! Rate-limit windows in PostgreSQL, shared by every replica (migration 0007's `rate_windows`).
//!
//! A request is counted by one statement: an `INSERT ... ON CONFLICT DO UPDATE` over its quotas
//! whose update only happens while the row is under its limit (or its window has just begun),
//! `RETURNING` the rows it counted. The row lock the upsert takes makes each quota exact across
//! replicas: never more than its limit per window. When some quota refused, the ones that did
//! count are given back at once, one row per statement in the order they were taken (so the
//! give-back never waits on a lock in the opposite order of a concurrent upsert), and the
//! request is answered 429: a refused request leaves every count as it was.

use deadpool_postgres::Client;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::rate_limits::QuotaStore;
use crate::domain::rate_limits::{MAX_QUOTAS, Quota, QuotaKey, QuotaTake, WindowUse};
use crate::domain::storage::StoreResult;
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

const TAKE: &str = "
    INSERT INTO rate_windows AS w
        (app_id, user_id, env, scope, window_secs, window_start, used, quota, expires_at)
    SELECT $1, $2, $7, t.scope, t.window_secs, t.window_start, 1, t.quota,
           t.window_start + t.window_secs::BIGINT * 1000
    FROM unnest($3::SMALLINT[], $4::INTEGER[], $5::BIGINT[], $6::INTEGER[])
         WITH ORDINALITY AS t (scope, window_secs, window_start, quota, n)
    WHERE t.quota > 0
    ORDER BY t.n
    ON CONFLICT (app_id, user_id, env, scope, window_secs) DO UPDATE SET
        used = CASE WHEN EXCLUDED.window_start > w.window_start THEN 1 ELSE w.used + 1 END,
        window_start = GREATEST(w.window_start, EXCLUDED.window_start),
        expires_at = GREATEST(w.expires_at, EXCLUDED.expires_at),
        quota = EXCLUDED.quota
    WHERE EXCLUDED.window_start > w.window_start OR w.used < EXCLUDED.quota
    RETURNING scope, window_secs, window_start, used";

const GIVE_BACK: &str = "
    UPDATE rate_windows SET used = used - 1
    WHERE app_id = $1 AND user_id = $2 AND env = $6 AND scope = $3 AND window_secs = $4
      AND window_start = $5 AND used > 0";

pub async fn take_quota(
    client: &Client,
    key: QuotaKey,
    quotas: &[Quota],
    now: Timestamp,
) -> StoreResult<QuotaTake> {
    let quotas = &quotas[..quotas.len().min(MAX_QUOTAS)];
    let app = key.app.0;
    let user = key.user.map_or(0, |u| u.0);
    let env = key.env.code() as i16;
    let scopes: Vec<i16> = quotas.iter().map(|q| i16::from(q.scope.code())).collect();
    let windows: Vec<i32> = quotas.iter().map(window_secs).collect();
    let starts: Vec<i64> = quotas
        .iter()
        .map(|q| q.window_start(now).millis())
        .collect();
    let limits: Vec<i32> = quotas
        .iter()
        .map(|q| i32::try_from(q.limit).unwrap_or(i32::MAX))
        .collect();
    let stmt = client.prepare_cached(TAKE).await.map_err(pg)?;
    let rows = client
        .query(
            &stmt,
            &[&app, &user, &scopes, &windows, &starts, &limits, &env],
        )
        .await
        .map_err(pg)?;
    // (scope, window) -> (window start, used) for each quota that counted the request.
    let counted: Vec<(i16, i32, i64, i32)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let find = |i: usize| {
        counted
            .iter()
            .find(|c| c.0 == scopes[i] && c.1 == windows[i])
            .copied()
    };
    let admitted = (0..quotas.len()).all(|i| find(i).is_some());
    if !admitted {
        let give_back = client.prepare_cached(GIVE_BACK).await.map_err(pg)?;
        for i in 0..quotas.len() {
            if let Some((scope, window, start, _)) = find(i) {
                client
                    .execute(&give_back, &[&app, &user, &scope, &window, &start, &env])
                    .await
                    .map_err(pg)?;
            }
        }
    }
    let mut out = [WindowUse::NONE; MAX_QUOTAS];
    for (i, q) in quotas.iter().enumerate() {
        out[i] = match find(i) {
            Some((_, _, start, used)) => WindowUse {
                used: u32::try_from(used).unwrap_or(0) - u32::from(!admitted),
                resets_at: Timestamp(start + q.window_millis()),
            },
            // Not counted: this quota is the one (or one of those) at its limit.
            None => WindowUse {
                used: q.limit,
                resets_at: Timestamp(q.window_start(now).millis() + q.window_millis()),
            },
        };
    }
    Ok(QuotaTake {
        admitted,
        windows: out,
    })
}

fn window_secs(q: &Quota) -> i32 {
    i32::try_from(q.window_secs).unwrap_or(i32::MAX)
}

/// Deletes ended windows, skipping rows a request holds at that moment: the sweep never waits
/// for a request's row lock, so it can never be half of a deadlock with one (a returning key's
/// upsert locks its rows in quota order; the sweep would lock them in whatever order it scans).
pub async fn sweep_quotas(client: &Client, now: Timestamp) -> StoreResult<u64> {
    client
        .execute(
            "DELETE FROM rate_windows WHERE ctid IN (
                 SELECT ctid FROM rate_windows WHERE expires_at <= $1 FOR UPDATE SKIP LOCKED)",
            &[&now.millis()],
        )
        .await
        .map_err(pg)
}

#[async_trait]
impl QuotaStore for PgStore {
    async fn take_quota(
        &self,
        key: QuotaKey,
        quotas: &[Quota],
        now: Timestamp,
    ) -> StoreResult<QuotaTake> {
        take_quota(&self.client().await?, key, quotas, now).await
    }

    async fn sweep_quotas(&self, now: Timestamp) -> StoreResult<u64> {
        sweep_quotas(&self.client().await?, now).await
    }
}
