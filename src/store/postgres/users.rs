//! Users in PostgreSQL: accounts, usernames, passwords (a change ends the user's tokens, sessions
//! and unused codes in the same transaction) and what a user owns by board privacy.

use std::sync::LazyLock;

use deadpool_postgres::Client;
use tokio_postgres::Row;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{UserId, random_id};
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::users::{AccountType, ContentCounts, NewUser, User, UserStore};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;
use crate::store::sql::content_counts;
use crate::store::sql::dialect::Postgres;
use async_trait::async_trait;

const USER_COLUMNS: &str =
    "id, username, account_type, about, website_url, business_name, created_at, password_hash";

fn user_from_row(r: &Row) -> User {
    let account_type: String = r.get(2);
    User {
        id: UserId(r.get(0)),
        username: r.get(1),
        account_type: AccountType::parse(&account_type).unwrap_or(AccountType::Pinner),
        about: r.get(3),
        website_url: r.get(4),
        business_name: r.get(5),
        created_at: Timestamp(r.get(6)),
        password_hash: r.get(7),
    }
}

pub async fn create_user(client: &Client, user: NewUser) -> StoreResult<User> {
    let mut id = user.id;
    for _ in 0..5 {
        let inserted = client
            .query_opt(
                "INSERT INTO users (id, username, username_key, account_type, business_name, password_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id",
                &[
                    &id.0,
                    &user.username,
                    &user.username.to_lowercase(),
                    &user.account_type.as_str(),
                    &user.business_name,
                    &user.password_hash,
                    &user.created_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if inserted.is_some() {
            return user_by_id(client, id)
                .await?
                .ok_or(StoreError::NotFound("user"));
        }
        id = UserId(random_id());
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free user id"
    )))
}

pub async fn user_by_id(client: &Client, id: UserId) -> StoreResult<Option<User>> {
    let stmt = client
        .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .await
        .map_err(pg)?;
    Ok(client
        .query_opt(&stmt, &[&id.0])
        .await
        .map_err(pg)?
        .map(|r| user_from_row(&r)))
}

pub async fn user_by_username(client: &Client, username: &str) -> StoreResult<Option<User>> {
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username_key = $1"
        ))
        .await
        .map_err(pg)?;
    Ok(client
        .query_opt(&stmt, &[&username.to_lowercase()])
        .await
        .map_err(pg)?
        .map(|r| user_from_row(&r)))
}

pub async fn user_count(client: &Client) -> StoreResult<i64> {
    Ok(client
        .query_one("SELECT COUNT(*) FROM users", &[])
        .await
        .map_err(pg)?
        .get(0))
}

/// [`content_counts::query`] in PostgreSQL, built once.
static CONTENT_COUNTS: LazyLock<String> = LazyLock::new(content_counts::query::<Postgres>);

pub async fn content_counts(client: &Client, user: UserId, env: Env) -> StoreResult<ContentCounts> {
    let stmt = client.prepare_cached(&CONTENT_COUNTS).await.map_err(pg)?;
    let mut counts = ContentCounts::default();
    for row in client
        .query(&stmt, &[&user.0, &env_code(env)])
        .await
        .map_err(pg)?
    {
        let privacy: String = row.get(0);
        content_counts::add_row(&mut counts, &privacy, row.get(1), row.get(2));
    }
    Ok(counts)
}

pub async fn set_password(
    client: &mut Client,
    user: UserId,
    password_hash: &str,
    at: Timestamp,
) -> StoreResult<u64> {
    let tx = client.transaction().await.map_err(pg)?;
    let n = tx
        .execute(
            "UPDATE users SET password_hash = $2 WHERE id = $1",
            &[&user.0, &password_hash],
        )
        .await
        .map_err(pg)?;
    if n == 0 {
        return Err(StoreError::NotFound("user"));
    }
    let revoked = tx
        .execute(
            "UPDATE tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            &[&user.0, &at.0],
        )
        .await
        .map_err(pg)?;
    tx.execute("DELETE FROM oauth_sessions WHERE user_id = $1", &[&user.0])
        .await
        .map_err(pg)?;
    // A code approved before the change must not bring new tokens after it.
    tx.execute(
        "UPDATE oauth_codes SET expires_at = $2 WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2",
        &[&user.0, &at.0],
    )
    .await
    .map_err(pg)?;
    tx.commit().await.map_err(pg)?;
    Ok(revoked)
}

#[async_trait]
impl UserStore for PgStore {
    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        create_user(&self.client().await?, user).await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        user_by_id(&self.client().await?, id).await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        user_by_username(&self.client().await?, username).await
    }

    async fn user_count(&self) -> StoreResult<i64> {
        user_count(&self.client().await?).await
    }

    async fn content_counts(&self, user: UserId, env: Env) -> StoreResult<ContentCounts> {
        content_counts(&self.client().await?, user, env).await
    }

    async fn set_password(
        &self,
        user: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> StoreResult<u64> {
        set_password(&mut self.client().await?, user, &password_hash, at).await
    }
}
