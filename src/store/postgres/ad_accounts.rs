//! Ad accounts in PostgreSQL.

use deadpool_postgres::Client;
use tokio_postgres::Row;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::ad_accounts::AdAccountStore;
use crate::domain::ad_accounts::{AdAccount, NewAdAccount};
use crate::domain::env::Env;
use crate::domain::ids::{AdAccountId, UserId};
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

const SELECT: &str = "SELECT a.seq, a.id, a.owner_id, u.username, a.env, a.name, a.country,
        a.currency, a.created_at, a.updated_at
     FROM ad_accounts a JOIN users u ON u.id = a.owner_id";

fn from_row(r: &Row) -> AdAccount {
    let env: i16 = r.get(4);
    AdAccount {
        seq: r.get(0),
        id: AdAccountId(r.get(1)),
        owner_id: UserId(r.get(2)),
        owner_username: r.get(3),
        env: Env::from_code(env as i64),
        name: r.get(5),
        country: r.get(6),
        currency: r.get(7),
        created_at: Timestamp(r.get(8)),
        updated_at: Timestamp(r.get(9)),
    }
}

pub async fn create(client: &Client, account: NewAdAccount) -> StoreResult<AdAccount> {
    let mut id = account.id;
    for _ in 0..5 {
        let inserted = client
            .query_opt(
                "INSERT INTO ad_accounts (id, owner_id, env, name, country, currency, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                 ON CONFLICT (id) DO NOTHING RETURNING seq",
                &[
                    &id.0,
                    &account.owner_id.0,
                    &env_code(account.env),
                    &account.name,
                    &account.country,
                    &account.currency,
                    &account.created_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if inserted.is_some() {
            return by_id(client, account.env, id)
                .await?
                .ok_or(StoreError::NotFound("ad account"));
        }
        id = AdAccountId::random_short();
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free ad account id"
    )))
}

pub async fn by_id(client: &Client, env: Env, id: AdAccountId) -> StoreResult<Option<AdAccount>> {
    let stmt = client
        .prepare_cached(&format!("{SELECT} WHERE a.id = $1 AND a.env = $2"))
        .await
        .map_err(pg)?;
    Ok(client
        .query_opt(&stmt, &[&id.0, &env_code(env)])
        .await
        .map_err(pg)?
        .map(|r| from_row(&r)))
}

pub async fn list(
    client: &Client,
    owner: UserId,
    env: Env,
    cursor: Cursor,
) -> StoreResult<Vec<AdAccount>> {
    let stmt = client
        .prepare_cached(&format!(
            "{SELECT} WHERE a.owner_id = $1 AND a.env = $2 AND ($3::BIGINT IS NULL OR a.seq < $3)
             ORDER BY a.seq DESC LIMIT $4"
        ))
        .await
        .map_err(pg)?;
    let rows = client
        .query(
            &stmt,
            &[
                &owner.0,
                &env_code(env),
                &cursor.after,
                &(cursor.limit as i64 + 1),
            ],
        )
        .await
        .map_err(pg)?;
    Ok(rows.iter().map(from_row).collect())
}

pub async fn delete(client: &Client, env: Env, id: AdAccountId) -> StoreResult<()> {
    let n = client
        .execute(
            "DELETE FROM ad_accounts WHERE id = $1 AND env = $2",
            &[&id.0, &env_code(env)],
        )
        .await
        .map_err(pg)?;
    if n == 0 {
        return Err(StoreError::NotFound("ad account"));
    }
    Ok(())
}

#[async_trait]
impl AdAccountStore for PgStore {
    async fn create_ad_account(&self, account: NewAdAccount) -> StoreResult<AdAccount> {
        create(&self.client().await?, account).await
    }

    async fn ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<Option<AdAccount>> {
        by_id(&self.client().await?, env, id).await
    }

    async fn list_ad_accounts(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<AdAccount>> {
        list(&self.client().await?, owner, env, cursor).await
    }

    async fn delete_ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<()> {
        delete(&self.client().await?, env, id).await
    }
}
