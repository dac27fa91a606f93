//! OAuth state in PostgreSQL: authorization codes and the consent pages' sign-in sessions. A
//! code is redeemed by a conditional update, so two replicas redeeming one code at once cannot
//! both succeed; a replayed code revokes its grant's tokens.

use deadpool_postgres::Client;
use tokio_postgres::Row;

use super::PgStore;
use crate::catalog::scope::Scopes;
use crate::clock::Timestamp;
use crate::domain::ids::{AppId, GrantId, UserId};
use crate::domain::oauth::Session;
use crate::domain::oauth::{CodeRedemption, OAuthCode, OAuthStore};
use crate::domain::secrets::TokenHash;
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::tokens::NewToken;
use crate::store::postgres::columns::hash_array;
use crate::store::postgres::errors::pg;
use crate::store::postgres::tokens::{insert_grant_token, revoke_grant_in};
use async_trait::async_trait;

/// Codes are kept past their expiry so that a late replay is still recognised (and revokes
/// its grant) for as long as the grant's refresh tokens could live.
const CODE_RETENTION_MS: i64 = 61 * 24 * 3600 * 1000;

pub async fn create_code(client: &Client, code: &OAuthCode) -> StoreResult<()> {
    client
        .execute(
            "DELETE FROM oauth_codes WHERE expires_at < $1",
            &[&(code.created_at.0 - CODE_RETENTION_MS)],
        )
        .await
        .map_err(pg)?;
    client
        .execute(
            "INSERT INTO oauth_codes (hash, app_id, user_id, redirect_uri, scopes, grant_id, created_at, expires_at, used_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &&code.hash[..],
                &code.app_id.0,
                &code.user_id.0,
                &code.redirect_uri,
                &(code.scopes.bits() as i64),
                &code.grant_id.0,
                &code.created_at.0,
                &code.expires_at.0,
                &code.used_at.map(|t| t.0),
            ],
        )
        .await
        .map_err(pg)?;
    Ok(())
}

fn code_from_row(r: &Row) -> StoreResult<OAuthCode> {
    Ok(OAuthCode {
        hash: hash_array(r.get(0))?,
        app_id: AppId(r.get(1)),
        user_id: UserId(r.get(2)),
        redirect_uri: r.get(3),
        scopes: Scopes::from_bits(r.get::<_, i64>(4) as u32),
        grant_id: GrantId(r.get(5)),
        created_at: Timestamp(r.get(6)),
        expires_at: Timestamp(r.get(7)),
        used_at: r.get::<_, Option<i64>>(8).map(Timestamp),
    })
}

pub async fn code(client: &Client, hash: &TokenHash) -> StoreResult<Option<OAuthCode>> {
    client
        .query_opt(
            "SELECT hash, app_id, user_id, redirect_uri, scopes, grant_id, created_at, expires_at, used_at
             FROM oauth_codes WHERE hash = $1",
            &[&&hash[..]],
        )
        .await
        .map_err(pg)?
        .map(|r| code_from_row(&r))
        .transpose()
}

pub async fn redeem_code(
    client: &mut Client,
    hash: &TokenHash,
    at: Timestamp,
    tokens: Vec<NewToken>,
) -> StoreResult<CodeRedemption> {
    let tx = client.transaction().await.map_err(pg)?;
    // The row lock taken by this update makes a concurrent redemption wait, then see it used.
    let fresh = tx
        .query_opt(
            "UPDATE oauth_codes SET used_at = $2 WHERE hash = $1 AND used_at IS NULL RETURNING grant_id",
            &[&&hash[..], &at.0],
        )
        .await
        .map_err(pg)?;
    if let Some(row) = fresh {
        let grant = GrantId(row.get(0));
        let mut out = Vec::with_capacity(tokens.len());
        for t in &tokens {
            out.push(insert_grant_token(&tx, t, grant).await?);
        }
        tx.commit().await.map_err(pg)?;
        return Ok(CodeRedemption::Redeemed(out));
    }
    let used = tx
        .query_opt(
            "SELECT grant_id FROM oauth_codes WHERE hash = $1",
            &[&&hash[..]],
        )
        .await
        .map_err(pg)?
        .ok_or(StoreError::NotFound("code"))?;
    let revoked = revoke_grant_in(&tx, GrantId(used.get(0)), at).await?;
    tx.commit().await.map_err(pg)?;
    Ok(CodeRedemption::AlreadyUsed { revoked })
}

pub async fn create_session(client: &Client, session: &Session) -> StoreResult<()> {
    client
        .execute(
            "DELETE FROM oauth_sessions WHERE expires_at < $1",
            &[&session.created_at.0],
        )
        .await
        .map_err(pg)?;
    client
        .execute(
            "INSERT INTO oauth_sessions (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[
                &&session.hash[..],
                &session.user_id.map(|u| u.0),
                &session.created_at.0,
                &session.expires_at.0,
            ],
        )
        .await
        .map_err(pg)?;
    Ok(())
}

pub async fn session(client: &Client, hash: &TokenHash) -> StoreResult<Option<Session>> {
    client
        .query_opt(
            "SELECT hash, user_id, created_at, expires_at FROM oauth_sessions WHERE hash = $1",
            &[&&hash[..]],
        )
        .await
        .map_err(pg)?
        .map(|r| {
            Ok(Session {
                hash: hash_array(r.get(0))?,
                user_id: r.get::<_, Option<i64>>(1).map(UserId),
                created_at: Timestamp(r.get(2)),
                expires_at: Timestamp(r.get(3)),
            })
        })
        .transpose()
}

pub async fn delete_session(client: &Client, hash: &TokenHash) -> StoreResult<()> {
    client
        .execute("DELETE FROM oauth_sessions WHERE hash = $1", &[&&hash[..]])
        .await
        .map_err(pg)?;
    Ok(())
}

#[async_trait]
impl OAuthStore for PgStore {
    async fn create_oauth_code(&self, code: OAuthCode) -> StoreResult<()> {
        create_code(&self.client().await?, &code).await
    }

    async fn oauth_code(&self, hash: &TokenHash) -> StoreResult<Option<OAuthCode>> {
        code(&self.client().await?, hash).await
    }

    async fn redeem_oauth_code(
        &self,
        hash: &TokenHash,
        at: Timestamp,
        tokens: Vec<NewToken>,
    ) -> StoreResult<CodeRedemption> {
        redeem_code(&mut self.client().await?, hash, at, tokens).await
    }

    async fn create_session(&self, session: Session) -> StoreResult<()> {
        create_session(&self.client().await?, &session).await
    }

    async fn session(&self, hash: &TokenHash) -> StoreResult<Option<Session>> {
        session(&self.client().await?, hash).await
    }

    async fn delete_session(&self, hash: &TokenHash) -> StoreResult<()> {
        delete_session(&self.client().await?, hash).await
    }
}
