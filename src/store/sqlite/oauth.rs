//! OAuth state in SQLite: authorization codes (a replayed code revokes its grant's tokens) and
//! the consent pages' sign-in sessions.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::catalog::scope::Scopes;
use crate::clock::Timestamp;
use crate::domain::ids::{AppId, GrantId, UserId};
use crate::domain::oauth::Session;
use crate::domain::oauth::{CodeRedemption, OAuthCode, OAuthStore};
use crate::domain::secrets::TokenHash;
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::tokens::NewToken;
use crate::store::sqlite::columns::hash_array;
use crate::store::sqlite::errors::backend;
use crate::store::sqlite::tokens::{create_grant_tokens, revoke_grant};
use async_trait::async_trait;

/// Codes are kept past their expiry so that a late replay is still recognised (and revokes
/// its grant) for as long as the grant's refresh tokens could live.
const CODE_RETENTION_MS: i64 = 61 * 24 * 3600 * 1000;

pub fn create_code(conn: &Connection, code: &OAuthCode) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM oauth_codes WHERE expires_at < ?1",
        [code.created_at.0 - CODE_RETENTION_MS],
    )
    .map_err(backend)?;
    conn.execute(
        "INSERT INTO oauth_codes (hash, app_id, user_id, redirect_uri, scopes, grant_id, created_at, expires_at, used_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            &code.hash[..],
            code.app_id.0,
            code.user_id.0,
            code.redirect_uri,
            code.scopes.bits() as i64,
            code.grant_id.0,
            code.created_at.0,
            code.expires_at.0,
            code.used_at.map(|t| t.0),
        ],
    )
    .map_err(backend)?;
    Ok(())
}

fn code_from_row(r: &Row<'_>) -> rusqlite::Result<(OAuthCode, Vec<u8>)> {
    Ok((
        OAuthCode {
            hash: [0; 32],
            app_id: AppId(r.get(1)?),
            user_id: UserId(r.get(2)?),
            redirect_uri: r.get(3)?,
            scopes: Scopes::from_bits(r.get::<_, i64>(4)? as u32),
            grant_id: GrantId(r.get(5)?),
            created_at: Timestamp(r.get(6)?),
            expires_at: Timestamp(r.get(7)?),
            used_at: r.get::<_, Option<i64>>(8)?.map(Timestamp),
        },
        r.get(0)?,
    ))
}

pub fn code(conn: &Connection, hash: &TokenHash) -> StoreResult<Option<OAuthCode>> {
    let row = conn
        .prepare_cached(
            "SELECT hash, app_id, user_id, redirect_uri, scopes, grant_id, created_at, expires_at, used_at
             FROM oauth_codes WHERE hash = ?1",
        )
        .and_then(|mut s| s.query_row([&hash[..]], code_from_row).optional())
        .map_err(backend)?;
    row.map(|(mut code, h)| {
        code.hash = hash_array(h)?;
        Ok(code)
    })
    .transpose()
}

pub fn redeem_code(
    conn: &Connection,
    hash: &TokenHash,
    at: Timestamp,
    tokens: Vec<NewToken>,
) -> StoreResult<CodeRedemption> {
    let code = code(conn, hash)?.ok_or(StoreError::NotFound("code"))?;
    if code.used_at.is_some() {
        let revoked = revoke_grant(conn, code.grant_id, at)?;
        return Ok(CodeRedemption::AlreadyUsed { revoked });
    }
    conn.execute(
        "UPDATE oauth_codes SET used_at = ?2 WHERE hash = ?1",
        params![&hash[..], at.0],
    )
    .map_err(backend)?;
    create_grant_tokens(conn, code.grant_id, tokens).map(CodeRedemption::Redeemed)
}

pub fn create_session(conn: &Connection, session: &Session) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM oauth_sessions WHERE expires_at < ?1",
        [session.created_at.0],
    )
    .map_err(backend)?;
    conn.execute(
        "INSERT INTO oauth_sessions (hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            &session.hash[..],
            session.user_id.map(|u| u.0),
            session.created_at.0,
            session.expires_at.0
        ],
    )
    .map_err(backend)?;
    Ok(())
}

pub fn session(conn: &Connection, hash: &TokenHash) -> StoreResult<Option<Session>> {
    let row = conn
        .prepare_cached(
            "SELECT hash, user_id, created_at, expires_at FROM oauth_sessions WHERE hash = ?1",
        )
        .and_then(|mut s| {
            s.query_row([&hash[..]], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .optional()
        })
        .map_err(backend)?;
    row.map(|(h, user, created, expires)| {
        Ok(Session {
            hash: hash_array(h)?,
            user_id: user.map(UserId),
            created_at: Timestamp(created),
            expires_at: Timestamp(expires),
        })
    })
    .transpose()
}

pub fn delete_session(conn: &Connection, hash: &TokenHash) -> StoreResult<()> {
    conn.execute("DELETE FROM oauth_sessions WHERE hash = ?1", [&hash[..]])
        .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl OAuthStore for SqliteStore {
    async fn create_oauth_code(&self, code: OAuthCode) -> StoreResult<()> {
        self.engine.write(move |c| create_code(c, &code)).await
    }

    async fn oauth_code(&self, hash: &TokenHash) -> StoreResult<Option<OAuthCode>> {
        let key = *hash;
        self.engine.read(move |c| code(c, &key)).await
    }

    async fn redeem_oauth_code(
        &self,
        hash: &TokenHash,
        at: Timestamp,
        tokens: Vec<NewToken>,
    ) -> StoreResult<CodeRedemption> {
        let key = *hash;
        let result = self
            .engine
            .write(move |c| redeem_code(c, &key, at, tokens))
            .await;
        // A replayed code revokes its grant's tokens; a fresh one revokes nothing.
        if matches!(result, Ok(CodeRedemption::AlreadyUsed { .. })) {
            self.auth.invalidate();
        }
        result
    }

    async fn create_session(&self, session: Session) -> StoreResult<()> {
        self.engine
            .write(move |c| create_session(c, &session))
            .await
    }

    async fn session(&self, hash: &TokenHash) -> StoreResult<Option<Session>> {
        let key = *hash;
        self.engine.read(move |c| session(c, &key)).await
    }

    async fn delete_session(&self, hash: &TokenHash) -> StoreResult<()> {
        let key = *hash;
        self.engine.write(move |c| delete_session(c, &key)).await
    }
}
