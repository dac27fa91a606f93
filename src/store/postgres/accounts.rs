//! Users, apps, tokens and shared secrets in PostgreSQL.

use deadpool_postgres::Client;
use tokio_postgres::Row;

use super::PgStore;
use crate::catalog::scope::Scopes;
use crate::clock::Timestamp;
use crate::domain::apps::{App, MAX_APPS_PER_DEVELOPER, NewApp, Tier};
use crate::domain::env::Env;
use crate::domain::ids::GrantId;
use crate::domain::ids::{AppId, TokenId, UserId, random_id};
use crate::domain::storage::{StoreError, StoreResult, VolumeLimit};
use crate::domain::tokens::TokenStore;
use crate::domain::tokens::{NewToken, Token, TokenHash, TokenKind};
use crate::domain::users::ContentCounts;
use crate::domain::users::UserStore;
use crate::domain::users::{AccountType, NewUser, User};
use crate::store::postgres::pg;
use async_trait::async_trait;

pub async fn shared_secret(client: &Client, name: &str) -> StoreResult<[u8; 32]> {
    let fresh: [u8; 32] = rand::random();
    client
        .execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&name, &&fresh[..]],
        )
        .await
        .map_err(pg)?;
    let stored: Vec<u8> = client
        .query_one("SELECT value FROM meta WHERE key = $1", &[&name])
        .await
        .map_err(pg)?
        .get(0);
    hash_array(stored)
}

pub(super) fn hash_array(v: Vec<u8>) -> StoreResult<[u8; 32]> {
    v.try_into().map_err(|_| {
        StoreError::Backend(anyhow::anyhow!("a stored hash or secret is not 32 bytes"))
    })
}

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

pub async fn create_app(client: &mut Client, app: NewApp) -> StoreResult<App> {
    let tx = client.transaction().await.map_err(pg)?;
    // The owner's row is the lock that makes counting and inserting one step across replicas.
    let owner = tx
        .query_opt(
            "SELECT id FROM users WHERE id = $1 FOR UPDATE",
            &[&app.owner_id.0],
        )
        .await
        .map_err(pg)?;
    if owner.is_none() {
        return Err(StoreError::NotFound("user"));
    }
    let owned: i64 = tx
        .query_one(
            "SELECT COUNT(*) FROM apps WHERE owner_id = $1",
            &[&app.owner_id.0],
        )
        .await
        .map_err(pg)?
        .get(0);
    if owned >= i64::from(MAX_APPS_PER_DEVELOPER) {
        return Err(StoreError::LimitReached(VolumeLimit::Apps));
    }
    let mut id = app.id;
    let mut inserted = false;
    for _ in 0..5 {
        let row = tx
            .query_opt(
                "INSERT INTO apps (id, owner_id, name, secret_hash, tier, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id",
                &[
                    &id.0,
                    &app.owner_id.0,
                    &app.name,
                    &&app.secret_hash[..],
                    &app.tier.as_str(),
                    &app.created_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if row.is_some() {
            inserted = true;
            break;
        }
        id = AppId(random_id());
    }
    if !inserted {
        return Err(StoreError::Backend(anyhow::anyhow!(
            "could not find a free app id"
        )));
    }
    for (position, uri) in app.redirect_uris.iter().enumerate() {
        tx.execute(
            "INSERT INTO app_redirect_uris (app_id, position, uri) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&id.0, &(position as i32), uri],
        )
        .await
        .map_err(pg)?;
    }
    tx.commit().await.map_err(pg)?;
    app_by_id(client, id)
        .await?
        .ok_or(StoreError::NotFound("app"))
}

pub async fn app_by_id(client: &Client, id: AppId) -> StoreResult<Option<App>> {
    let Some(row) = client
        .query_opt(
            "SELECT id, owner_id, name, secret_hash, tier, created_at FROM apps WHERE id = $1",
            &[&id.0],
        )
        .await
        .map_err(pg)?
    else {
        return Ok(None);
    };
    let uris = client
        .query(
            "SELECT uri FROM app_redirect_uris WHERE app_id = $1 ORDER BY position",
            &[&id.0],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    let tier: String = row.get(4);
    Ok(Some(App {
        id: AppId(row.get(0)),
        owner_id: UserId(row.get(1)),
        name: row.get(2),
        secret_hash: hash_array(row.get(3))?,
        redirect_uris: uris,
        tier: Tier::parse(&tier).unwrap_or(Tier::Trial),
        created_at: Timestamp(row.get(5)),
    }))
}

pub(super) const TOKEN_COLUMNS: &str = "id, hash, kind, user_id, app_id, scopes, env, created_at, \
     expires_at, revoked_at, (SELECT tier FROM apps WHERE apps.id = tokens.app_id), \
     (SELECT owner_id FROM apps WHERE apps.id = tokens.app_id)";

pub(super) fn token_from_row(r: &Row) -> StoreResult<Token> {
    let kind: String = r.get(2);
    let env: i16 = r.get(6);
    Ok(Token {
        id: TokenId(r.get(0)),
        hash: hash_array(r.get(1))?,
        kind: TokenKind::parse(&kind).unwrap_or(TokenKind::Access),
        user_id: r.get::<_, Option<i64>>(3).map(UserId),
        app_id: AppId(r.get(4)),
        scopes: Scopes::from_bits(r.get::<_, i64>(5) as u32),
        env: Env::from_code(env as i64),
        created_at: Timestamp(r.get(7)),
        expires_at: Timestamp(r.get(8)),
        revoked_at: r.get::<_, Option<i64>>(9).map(Timestamp),
        app_tier: r
            .get::<_, Option<String>>(10)
            .and_then(|t| Tier::parse(&t))
            .unwrap_or(Tier::Trial),
        app_owner: UserId(r.get::<_, Option<i64>>(11).unwrap_or(0)),
    })
}

pub async fn create_token(client: &Client, token: NewToken) -> StoreResult<Token> {
    let mut id = token.id;
    for _ in 0..5 {
        let row = client
            .query_opt(
                "INSERT INTO tokens (id, hash, kind, user_id, app_id, scopes, env, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id",
                &[
                    &id.0,
                    &&token.hash[..],
                    &token.kind.as_str(),
                    &token.user_id.map(|u| u.0),
                    &token.app_id.0,
                    &(token.scopes.bits() as i64),
                    &(token.env.code() as i16),
                    &token.created_at.0,
                    &token.expires_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if row.is_some() {
            return token_by_hash(client, &token.hash)
                .await?
                .ok_or(StoreError::NotFound("token"));
        }
        id = TokenId(random_id());
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free token id"
    )))
}

pub async fn token_by_hash(client: &Client, hash: &TokenHash) -> StoreResult<Option<Token>> {
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = $1"
        ))
        .await
        .map_err(pg)?;
    client
        .query_opt(&stmt, &[&&hash[..]])
        .await
        .map_err(pg)?
        .map(|r| token_from_row(&r))
        .transpose()
}

pub async fn revoke_token(client: &Client, id: TokenId, at: Timestamp) -> StoreResult<()> {
    let row = client
        .query_opt(
            "UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING id",
            &[&id.0, &at.0],
        )
        .await
        .map_err(pg)?;
    match row {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound("token")),
    }
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
        super::boards::content_counts(&self.client().await?, user, env).await
    }

    async fn set_password(
        &self,
        user: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> StoreResult<u64> {
        super::oauth::set_password(&mut self.client().await?, user, &password_hash, at).await
    }
}

#[async_trait]
impl TokenStore for PgStore {
    async fn create_token(&self, token: NewToken) -> StoreResult<Token> {
        create_token(&self.client().await?, token).await
    }

    async fn token_by_hash(&self, hash: &TokenHash) -> StoreResult<Option<Token>> {
        token_by_hash(&self.client().await?, hash).await
    }

    async fn revoke_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()> {
        revoke_token(&self.client().await?, id, at).await
    }

    async fn create_grant_tokens(
        &self,
        grant: GrantId,
        tokens: Vec<NewToken>,
    ) -> StoreResult<Vec<Token>> {
        super::oauth::create_grant_tokens(&mut self.client().await?, grant, tokens).await
    }

    async fn token_grant(&self, id: TokenId) -> StoreResult<Option<GrantId>> {
        super::oauth::token_grant(&self.client().await?, id).await
    }

    async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> StoreResult<u64> {
        super::oauth::revoke_grant(&self.client().await?, grant, at).await
    }
}
