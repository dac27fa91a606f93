//! Ad accounts in SQLite.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::ad_accounts::AdAccountStore;
use crate::domain::ad_accounts::{AdAccount, NewAdAccount};
use crate::domain::env::Env;
use crate::domain::ids::{AdAccountId, UserId};
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::errors::backend;
use crate::store::sqlite::errors::is_unique_violation;
use async_trait::async_trait;

const SELECT: &str = "SELECT a.seq, a.id, a.owner_id, u.username, a.env, a.name, a.country,
        a.currency, a.created_at, a.updated_at
     FROM ad_accounts a JOIN users u ON u.id = a.owner_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AdAccount> {
    Ok(AdAccount {
        seq: r.get(0)?,
        id: AdAccountId(r.get(1)?),
        owner_id: UserId(r.get(2)?),
        owner_username: r.get(3)?,
        env: Env::from_code(r.get(4)?),
        name: r.get(5)?,
        country: r.get(6)?,
        currency: r.get(7)?,
        created_at: Timestamp(r.get(8)?),
        updated_at: Timestamp(r.get(9)?),
    })
}

pub fn create(conn: &Connection, account: NewAdAccount) -> StoreResult<AdAccount> {
    let mut id = account.id;
    for _ in 0..5 {
        match conn.execute(
            "INSERT INTO ad_accounts (id, owner_id, env, name, country, currency, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                id.0,
                account.owner_id.0,
                account.env.code(),
                account.name,
                account.country,
                account.currency,
                account.created_at.0
            ],
        ) {
            Ok(_) => return by_id(conn, account.env, id)?.ok_or(StoreError::NotFound("ad account")),
            Err(e) if is_unique_violation(&e, "ad_accounts.id") => id = AdAccountId::random_short(),
            Err(e) => return Err(backend(e)),
        }
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free ad account id"
    )))
}

pub fn by_id(conn: &Connection, env: Env, id: AdAccountId) -> StoreResult<Option<AdAccount>> {
    conn.prepare_cached(&format!("{SELECT} WHERE a.id = ?1 AND a.env = ?2"))
        .and_then(|mut s| s.query_row(params![id.0, env.code()], from_row).optional())
        .map_err(backend)
}

pub fn list(
    conn: &Connection,
    owner: UserId,
    env: Env,
    cursor: Cursor,
) -> StoreResult<Vec<AdAccount>> {
    conn.prepare_cached(&format!(
        "{SELECT} WHERE a.owner_id = ?1 AND a.env = ?2 AND (?3 IS NULL OR a.seq < ?3)
         ORDER BY a.seq DESC LIMIT ?4"
    ))
    .and_then(|mut s| {
        s.query_map(
            params![owner.0, env.code(), cursor.after, cursor.limit as i64 + 1],
            from_row,
        )?
        .collect()
    })
    .map_err(backend)
}

pub fn delete(conn: &Connection, env: Env, id: AdAccountId) -> StoreResult<()> {
    let n = conn
        .execute(
            "DELETE FROM ad_accounts WHERE id = ?1 AND env = ?2",
            params![id.0, env.code()],
        )
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound("ad account"));
    }
    Ok(())
}

#[async_trait]
impl AdAccountStore for SqliteStore {
    async fn create_ad_account(&self, account: NewAdAccount) -> StoreResult<AdAccount> {
        self.engine.write(move |c| create(c, account)).await
    }

    async fn ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<Option<AdAccount>> {
        self.engine.read(move |c| by_id(c, env, id)).await
    }

    async fn list_ad_accounts(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<AdAccount>> {
        self.engine.read(move |c| list(c, owner, env, cursor)).await
    }

    async fn delete_ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<()> {
        self.engine.write(move |c| delete(c, env, id)).await
    }
}
