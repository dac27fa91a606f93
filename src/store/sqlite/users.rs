//! Users in SQLite: accounts, usernames, passwords (a change ends the user's tokens, sessions
//! and unused codes in the same transaction) and what a user owns by board privacy.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{UserId, random_id};
use crate::domain::storage::{Conflict, StoreError, StoreResult};
use crate::domain::users::{AccountType, ContentCounts, NewUser, User, UserStore};
use crate::store::sql::content_counts;
use crate::store::sql::dialect::Sqlite;
use crate::store::sqlite::errors::{backend, is_unique_violation};
use async_trait::async_trait;

const USER_COLUMNS: &str =
    "id, username, account_type, about, website_url, business_name, created_at, password_hash";

fn user_from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let account_type: String = r.get(2)?;
    Ok(User {
        id: UserId(r.get(0)?),
        username: r.get(1)?,
        account_type: AccountType::parse(&account_type).unwrap_or(AccountType::Pinner),
        about: r.get(3)?,
        website_url: r.get(4)?,
        business_name: r.get(5)?,
        created_at: Timestamp(r.get(6)?),
        password_hash: r.get(7)?,
    })
}

pub fn create_user(conn: &Connection, user: NewUser) -> StoreResult<User> {
    let mut id = user.id;
    for _ in 0..5 {
        let inserted = conn.execute(
            "INSERT INTO users (id, username, username_key, account_type, business_name, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.0,
                user.username,
                user.username.to_lowercase(),
                user.account_type.as_str(),
                user.business_name,
                user.password_hash,
                user.created_at.0
            ],
        );
        match inserted {
            Ok(_) => return user_by_id(conn, id)?.ok_or(StoreError::NotFound("user")),
            Err(e) if is_unique_violation(&e, "users.username_key") => {
                return Err(StoreError::Conflict(Conflict::Username));
            }
            Err(e) if is_unique_violation(&e, "users.id") => id = UserId(random_id()),
            Err(e) => return Err(backend(e)),
        }
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free user id"
    )))
}

pub fn user_by_id(conn: &Connection, id: UserId) -> StoreResult<Option<User>> {
    conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id.0], user_from_row).optional())
        .map_err(backend)
}

pub fn user_by_username(conn: &Connection, username: &str) -> StoreResult<Option<User>> {
    conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username_key = ?1"
    ))
    .and_then(|mut s| {
        s.query_row([username.to_lowercase()], user_from_row)
            .optional()
    })
    .map_err(backend)
}

pub fn user_count(conn: &Connection) -> StoreResult<i64> {
    conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .map_err(backend)
}

/// [`content_counts::query`] in SQLite; built once, as the statement cache is keyed by it.
static CONTENT_COUNTS: LazyLock<String> = LazyLock::new(content_counts::query::<Sqlite>);

pub fn content_counts(conn: &Connection, user: UserId, env: Env) -> StoreResult<ContentCounts> {
    let mut counts = ContentCounts::default();
    let mut stmt = conn.prepare_cached(&CONTENT_COUNTS).map_err(backend)?;
    let rows = stmt
        .query_map(params![user.0, env.code()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .map_err(backend)?;
    for row in rows {
        let (privacy, boards, pins) = row.map_err(backend)?;
        content_counts::add_row(&mut counts, &privacy, boards, pins);
    }
    Ok(counts)
}

pub fn set_password(
    conn: &Connection,
    user: UserId,
    password_hash: &str,
    at: Timestamp,
) -> StoreResult<u64> {
    let n = conn
        .execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![user.0, password_hash],
        )
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound("user"));
    }
    let revoked = conn
        .execute(
            "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
            params![user.0, at.0],
        )
        .map_err(backend)?;
    conn.execute("DELETE FROM oauth_sessions WHERE user_id = ?1", [user.0])
        .map_err(backend)?;
    // A code approved before the change must not bring new tokens after it.
    conn.execute(
        "UPDATE oauth_codes SET expires_at = ?2 WHERE user_id = ?1 AND used_at IS NULL AND expires_at > ?2",
        params![user.0, at.0],
    )
    .map_err(backend)?;
    Ok(revoked as u64)
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        self.engine.write(move |c| create_user(c, user)).await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        self.engine.read(move |c| user_by_id(c, id)).await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let username = username.to_string();
        self.engine
            .read(move |c| user_by_username(c, &username))
            .await
    }

    async fn user_count(&self) -> StoreResult<i64> {
        self.engine.read(user_count).await
    }

    async fn content_counts(&self, user: UserId, env: Env) -> StoreResult<ContentCounts> {
        self.engine
            .read(move |c| content_counts(c, user, env))
            .await
    }

    async fn set_password(
        &self,
        user: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> StoreResult<u64> {
        let result = self
            .engine
            .write(move |c| set_password(c, user, &password_hash, at))
            .await;
        self.auth.invalidate();
        result
    }
}
