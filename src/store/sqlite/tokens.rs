//! Access and refresh tokens in SQLite, by hash, and the grants they belong to. Token lookups
//! are answered from the auth cache while it is current; every write that revokes a token bumps
//! the auth epoch after it commits.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::catalog::scope::Scopes;
use crate::clock::Timestamp;
use crate::domain::apps::Tier;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, GrantId, TokenId, UserId, random_id};
use crate::domain::secrets::TokenHash;
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::tokens::{NewToken, Token, TokenKind, TokenStore};
use crate::store::sqlite::columns::hash_array;
use crate::store::sqlite::errors::{backend, is_unique_violation};
use async_trait::async_trait;

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

pub fn create_grant_tokens(
    conn: &Connection,
    grant: GrantId,
    tokens: Vec<NewToken>,
) -> StoreResult<Vec<Token>> {
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let token = create_token(conn, t)?;
        conn.execute(
            "UPDATE tokens SET grant_id = ?2 WHERE id = ?1",
            params![token.id.0, grant.0],
        )
        .map_err(backend)?;
        out.push(token);
    }
    Ok(out)
}

pub fn token_grant(conn: &Connection, id: TokenId) -> StoreResult<Option<GrantId>> {
    let grant: Option<Option<i64>> = conn
        .prepare_cached("SELECT grant_id FROM tokens WHERE id = ?1")
        .and_then(|mut s| s.query_row([id.0], |r| r.get(0)).optional())
        .map_err(backend)?;
    Ok(grant.flatten().map(GrantId))
}

pub fn revoke_grant(conn: &Connection, grant: GrantId, at: Timestamp) -> StoreResult<u64> {
    let n = conn
        .execute(
            "UPDATE tokens SET revoked_at = ?2 WHERE grant_id = ?1 AND revoked_at IS NULL",
            params![grant.0, at.0],
        )
        .map_err(backend)?;
    Ok(n as u64)
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
            .write(move |c| create_grant_tokens(c, grant, tokens))
            .await
    }

    async fn token_grant(&self, id: TokenId) -> StoreResult<Option<GrantId>> {
        self.engine.read(move |c| token_grant(c, id)).await
    }

    async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> StoreResult<u64> {
        let result = self.engine.write(move |c| revoke_grant(c, grant, at)).await;
        self.auth.invalidate();
        result
    }
}
