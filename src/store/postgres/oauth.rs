//! OAuth state in PostgreSQL: authorization codes, the grant each token belongs to, sign-in
//! sessions, and password changes that end a user's tokens and sessions. A code is redeemed by
//! a conditional update, so two replicas redeeming one code at once cannot both succeed.

use deadpool_postgres::{Client, GenericClient};
use tokio_postgres::Row;

use super::PgStore;
use crate::catalog::scope::Scopes;
use crate::clock::Timestamp;
use crate::domain::ids::{AppId, GrantId, TokenId, UserId, random_id};
use crate::domain::oauth::OAuthStore;
use crate::domain::oauth::Session;
use crate::domain::oauth::{CodeRedemption, OAuthCode};
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::tokens::{NewToken, Token, TokenHash};
use crate::store::postgres::accounts::{TOKEN_COLUMNS, hash_array, token_from_row};
use crate::store::postgres::pg;
use async_trait::async_trait;

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

async fn insert_grant_token(
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

async fn revoke_grant_in(
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
