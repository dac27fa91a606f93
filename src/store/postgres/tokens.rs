//! Access and refresh tokens in PostgreSQL, by hash, and the grants they belong to.

use deadpool_postgres::{Client, GenericClient};
use tokio_postgres::Row;

use super::PgStore;
use crate::catalog::scope::Scopes;
use crate::clock::Timestamp;
use crate::domain::apps::Tier;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, GrantId, TokenId, UserId, random_id};
use crate::domain::secrets::TokenHash;
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::tokens::{NewToken, Token, TokenKind, TokenStore};
use crate::store::postgres::columns::hash_array;
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

const TOKEN_COLUMNS: &str = "id, hash, kind, user_id, app_id, scopes, env, created_at, \
     expires_at, revoked_at, (SELECT tier FROM apps WHERE apps.id = tokens.app_id), \
     (SELECT owner_id FROM apps WHERE apps.id = tokens.app_id)";

fn token_from_row(r: &Row) -> StoreResult<Token> {
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

/// Inserts one token of a grant, replacing a clashing random id.
pub async fn insert_grant_token(
    db: &impl GenericClient,
    t: &NewToken,
    grant: GrantId,
) -> StoreResult<Token> {
    let mut id = t.id;
    for _ in 0..5 {
        let row = db
            .query_opt(
                &format!(
                    "INSERT INTO tokens (id, hash, kind, user_id, app_id, scopes, env, created_at, expires_at, grant_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING
                     RETURNING {TOKEN_COLUMNS}"
                ),
                &[
                    &id.0,
                    &&t.hash[..],
                    &t.kind.as_str(),
                    &t.user_id.map(|u| u.0),
                    &t.app_id.0,
                    &(t.scopes.bits() as i64),
                    &(t.env.code() as i16),
                    &t.created_at.0,
                    &t.expires_at.0,
                    &grant.0,
                ],
            )
            .await
            .map_err(pg)?;
        if let Some(row) = row {
            return token_from_row(&row);
        }
        id = TokenId(random_id());
    }
    Err(StoreError::Backend(anyhow::anyhow!(
        "could not find a free token id"
    )))
}

pub async fn create_grant_tokens(
    client: &mut Client,
    grant: GrantId,
    tokens: Vec<NewToken>,
) -> StoreResult<Vec<Token>> {
    let tx = client.transaction().await.map_err(pg)?;
    let mut out = Vec::with_capacity(tokens.len());
    for t in &tokens {
        out.push(insert_grant_token(&tx, t, grant).await?);
    }
    tx.commit().await.map_err(pg)?;
    Ok(out)
}

pub async fn token_grant(client: &Client, id: TokenId) -> StoreResult<Option<GrantId>> {
    let row = client
        .query_opt("SELECT grant_id FROM tokens WHERE id = $1", &[&id.0])
        .await
        .map_err(pg)?;
    Ok(row.and_then(|r| r.get::<_, Option<i64>>(0)).map(GrantId))
}

/// Revokes every token of a grant not revoked yet, inside `db`'s transaction if it is one.
pub async fn revoke_grant_in(
    db: &impl GenericClient,
    grant: GrantId,
    at: Timestamp,
) -> StoreResult<u64> {
    db.execute(
        "UPDATE tokens SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL",
        &[&grant.0, &at.0],
    )
    .await
    .map_err(pg)
}

pub async fn revoke_grant(client: &Client, grant: GrantId, at: Timestamp) -> StoreResult<u64> {
    revoke_grant_in(client, grant, at).await
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
        create_grant_tokens(&mut self.client().await?, grant, tokens).await
    }

    async fn token_grant(&self, id: TokenId) -> StoreResult<Option<GrantId>> {
        token_grant(&self.client().await?, id).await
    }

    async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> StoreResult<u64> {
        revoke_grant(&self.client().await?, grant, at).await
    }
}
