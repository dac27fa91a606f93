//! Users, apps, tokens and shared secrets in SQLite.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::catalog::scope::Scopes;
use crate::clock::Timestamp;
use crate::domain::apps::{App, MAX_APPS_PER_DEVELOPER, NewApp, Tier};
use crate::domain::env::Env;
use crate::domain::ids::GrantId;
use crate::domain::ids::{AppId, TokenId, UserId, random_id};
use crate::domain::storage::{Conflict, StoreError, StoreResult, VolumeLimit};
use crate::domain::tokens::TokenStore;
use crate::domain::tokens::{NewToken, Token, TokenHash, TokenKind};
use crate::domain::users::ContentCounts;
use crate::domain::users::UserStore;
use crate::domain::users::{AccountType, NewUser, User};
use crate::store::sqlite::engine::backend;
use crate::store::sqlite::is_unique_violation;
use async_trait::async_trait;

pub fn shared_secret(conn: &Connection, name: &str) -> StoreResult<[u8; 32]> {
    let fresh: [u8; 32] = rand::random();
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
        params![name, &fresh[..]],
    )
    .map_err(backend)?;
    let stored: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [name], |r| {
            r.get(0)
        })
        .map_err(backend)?;
    stored
        .try_into()
        .map_err(|_| StoreError::Backend(anyhow::anyhow!("meta secret {name} is not 32 bytes")))
}

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

pub fn create_app(conn: &Connection, app: NewApp) -> StoreResult<App> {
    // The writer thread runs one write at a time, so counting then inserting cannot race.
    let owned: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM apps WHERE owner_id = ?1",
            [app.owner_id.0],
            |r| r.get(0),
        )
        .map_err(backend)?;
    if owned >= i64::from(MAX_APPS_PER_DEVELOPER) {
        return Err(StoreError::LimitReached(VolumeLimit::Apps));
    }
    let mut id = app.id;
    let mut inserted = false;
    for _ in 0..5 {
        match conn.execute(
            "INSERT INTO apps (id, owner_id, name, secret_hash, tier, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id.0, app.owner_id.0, app.name, &app.secret_hash[..], app.tier.as_str(), app.created_at.0],
        ) {
            Ok(_) => {
                inserted = true;
                break;
            }
            Err(e) if is_unique_violation(&e, "apps.id") => id = AppId(random_id()),
            Err(e) => return Err(backend(e)),
        }
    }
    if !inserted {
        return Err(StoreError::Backend(anyhow::anyhow!(
            "could not find a free app id"
        )));
    }
    for (position, uri) in app.redirect_uris.iter().enumerate() {
        conn.execute(
            "INSERT OR IGNORE INTO app_redirect_uris (app_id, position, uri) VALUES (?1, ?2, ?3)",
            params![id.0, position as i64, uri],
        )
        .map_err(backend)?;
    }
    app_by_id(conn, id)?.ok_or(StoreError::NotFound("app"))
}

pub fn app_by_id(conn: &Connection, id: AppId) -> StoreResult<Option<App>> {
    let row = conn
        .prepare_cached(
            "SELECT id, owner_id, name, secret_hash, tier, created_at FROM apps WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([id.0], |r| {
                let hash: Vec<u8> = r.get(3)?;
                let tier: String = r.get(4)?;
                Ok((
                    AppId(r.get(0)?),
                    UserId(r.get(1)?),
                    r.get::<_, String>(2)?,
                    hash,
                    tier,
                    Timestamp(r.get(5)?),
                ))
            })
            .optional()
        })
        .map_err(backend)?;
    let Some((id, owner_id, name, hash, tier, created_at)) = row else {
        return Ok(None);
    };
    let redirect_uris = conn
        .prepare_cached("SELECT uri FROM app_redirect_uris WHERE app_id = ?1 ORDER BY position")
        .and_then(|mut s| {
            s.query_map([id.0], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(backend)?;
    Ok(Some(App {
        id,
        owner_id,
        name,
        secret_hash: hash_array(hash)?,
        redirect_uris,
        tier: Tier::parse(&tier).unwrap_or(Tier::Trial),
        created_at,
    }))
}

pub(super) fn hash_array(v: Vec<u8>) -> StoreResult<[u8; 32]> {
    v.try_into()
        .map_err(|_| StoreError::Backend(anyhow::anyhow!("a stored hash is not 32 bytes")))
}

const TOKEN_COLUMNS: &str = "id, hash, kind, user_id, app_id, scopes, env, created_at, expires_at, \
     revoked_at, (SELECT tier FROM apps WHERE apps.id = tokens.app_id), \
     (SELECT owner_id FROM apps WHERE apps.id = tokens.app_id)";

fn token_from_row(r: &Row<'_>) -> rusqlite::Result<(Token, Vec<u8>)> {
    let hash: Vec<u8> = r.get(1)?;
    let kind: String = r.get(2)?;
    Ok((
        Token {
            id: TokenId(r.get(0)?),
            hash: [0; 32],
            kind: TokenKind::parse(&kind).unwrap_or(TokenKind::Access),
            user_id: r.get::<_, Option<i64>>(3)?.map(UserId),
            app_id: AppId(r.get(4)?),
            scopes: Scopes::from_bits(r.get::<_, i64>(5)? as u32),
            env: Env::from_code(r.get(6)?),
            created_at: Timestamp(r.get(7)?),
            expires_at: Timestamp(r.get(8)?),
            revoked_at: r.get::<_, Option<i64>>(9)?.map(Timestamp),
            app_tier: r
                .get::<_, Option<String>>(10)?
                .and_then(|t| Tier::parse(&t))
                .unwrap_or(Tier::Trial),
            app_owner: UserId(r.get::<_, Option<i64>>(11)?.unwrap_or(0)),
        },
        hash,
    ))
}

fn with_hash((mut token, hash): (Token, Vec<u8>)) -> StoreResult<Token> {
    token.hash = hash_array(hash)?;
    Ok(token)
}

pub fn create_token(conn: &Connection, token: NewToken) -> StoreResult<Token> {
    let mut id = token.id;
    for _ in 0..5 {
        match conn.execute(
            "INSERT INTO tokens (id, hash, kind, user_id, app_id, scopes, env, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id.0,
                &token.hash[..],
                token.kind.as_str(),
                token.user_id.map(|u| u.0),
                token.app_id.0,
                token.scopes.bits() as i64,
                token.env.code(),
                token.created_at.0,
                token.expires_at.0
            ],
        ) {
            Ok(_) => {
                return token_by_hash(conn, &token.hash)?.ok_or(StoreError::NotFound("token"));
            }
            Err(e) if is_unique_violation(&e, "tokens.id") => id = TokenId(random_id()),
            Err(e) => return Err(backend(e)),
        }
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free token id"
    )))
}

pub fn token_by_hash(conn: &Connection, hash: &TokenHash) -> StoreResult<Option<Token>> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = ?1"
        ))
        .and_then(|mut s| s.query_row([&hash[..]], token_from_row).optional())
        .map_err(backend)?;
    row.map(with_hash).transpose()
}

pub fn revoke_token(conn: &Connection, id: TokenId, at: Timestamp) -> StoreResult<()> {
    let n = conn
        .execute(
            "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id.0, at.0],
        )
        .map_err(backend)?;
    if n == 0 {
        let exists: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM tokens WHERE id = ?1)",
                [id.0],
                |r| r.get(0),
            )
            .map_err(backend)?;
        if !exists {
            return Err(StoreError::NotFound("token"));
        }
    }
    Ok(())
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
            .read(move |c| super::boards::content_counts(c, user, env))
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
            .write(move |c| super::oauth::set_password(c, user, &password_hash, at))
            .await;
        self.auth.invalidate();
        result
    }
}

#[async_trait]
impl TokenStore for SqliteStore {
    async fn create_token(&self, token: NewToken) -> StoreResult<Token> {
        self.engine.write(move |c| create_token(c, token)).await
    }

    async fn token_by_hash(&self, hash: &TokenHash) -> StoreResult<Option<Token>> {
        if let Some(token) = self.auth.get(hash) {
            return Ok(Some(token));
        }
        let epoch = self.auth.epoch();
        let key = *hash;
        let (token, as_of) = self
            .engine
            .read_as_of(move |c| token_by_hash(c, &key))
            .await?;
        if let Some(t) = &token {
            self.auth.put(t.clone(), epoch, as_of);
        }
        Ok(token)
    }

    async fn revoke_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()> {
        let result = self.engine.write(move |c| revoke_token(c, id, at)).await;
        self.auth.invalidate();
        result
    }

    async fn create_grant_tokens(
        &self,
        grant: GrantId,
        tokens: Vec<NewToken>,
    ) -> StoreResult<Vec<Token>> {
        self.engine
            .write(move |c| super::oauth::create_grant_tokens(c, grant, tokens))
            .await
    }

    async fn token_grant(&self, id: TokenId) -> StoreResult<Option<GrantId>> {
        self.engine
            .read(move |c| super::oauth::token_grant(c, id))
            .await
    }

    async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> StoreResult<u64> {
        let result = self
            .engine
            .write(move |c| super::oauth::revoke_grant(c, grant, at))
            .await;
        self.auth.invalidate();
        result
    }
}
