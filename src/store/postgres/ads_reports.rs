//! Asynchronous ads reports, in PostgreSQL.

use async_trait::async_trait;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::ads_reports::{ReportStore, StoredReport};
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;

#[async_trait]
impl ReportStore for PgStore {
    async fn create_report(&self, r: StoredReport) -> StoreResult<()> {
        let client = self.client().await?;
        // One statement: the account's existence and the insert agree even against a
        // concurrent delete (the foreign key holds the row).
        let inserted = client
            .execute(
                "INSERT INTO ads_reports (token, ad_account_id, env, request, created_at,
                     ready_at, expires_at)
                 SELECT $1, id, env, $4, $5, $6, $7 FROM ad_accounts WHERE id = $2 AND env = $3",
                &[
                    &r.token,
                    &r.ad_account_id.0,
                    &env_code(r.env),
                    &r.request,
                    &r.created_at.0,
                    &r.ready_at.0,
                    &r.expires_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if inserted == 0 {
            return Err(StoreError::NotFound("ad account"));
        }
        Ok(())
    }

    async fn report(&self, token: String) -> StoreResult<Option<StoredReport>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT token, ad_account_id, env, request, created_at, ready_at, expires_at
                 FROM ads_reports WHERE token = $1",
                &[&token],
            )
            .await
            .map_err(pg)?;
        Ok(row.map(|r| StoredReport {
            token: r.get(0),
            ad_account_id: AdAccountId(r.get(1)),
            env: Env::from_code(i64::from(r.get::<_, i16>(2))),
            request: r.get(3),
            created_at: Timestamp(r.get(4)),
            ready_at: Timestamp(r.get(5)),
            expires_at: Timestamp(r.get(6)),
        }))
    }
}
