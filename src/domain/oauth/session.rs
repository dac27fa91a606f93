//! Sign-in sessions of the OAuth pages: a random secret in an HttpOnly cookie, stored only as a
//! hash, with the CSRF token of every form derived from it.

use std::time::Duration;

use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::clock::Timestamp;
use crate::domain::ids::UserId;
use crate::domain::oauth::OAuth;
use crate::domain::secrets::{TokenHash, hash_secret, hashes_match};
use crate::domain::users::User;
use crate::error::Result;

/// A session lasts this long from sign-in; the consent flow takes minutes.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// A browser's session: anonymous (the sign-in form) or signed in as a user.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// SHA-256 of the cookie's secret; the secret itself is never stored.
    pub hash: TokenHash,
    pub user_id: Option<UserId>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A session as started: the record, and the secret for the cookie.
pub struct StartedSession {
    pub session: Session,
    pub secret: String,
}

/// The CSRF token of a session's forms. Derived from the session secret, which only the browser
/// holding the cookie (and the server) knows, so a cross-site form cannot carry it; nothing to store.
pub fn csrf_token(session_secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"pinbox oauth csrf\0");
    h.update(session_secret.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares a form's CSRF token with the session's in constant time.
pub fn csrf_matches(session_secret: &str, presented: &str) -> bool {
    let expected = csrf_token(session_secret);
    expected.len() == presented.len() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}

fn mint_session_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl OAuth {
    /// Starts a session (anonymous when `user` is `None`) and returns its cookie secret.
    pub async fn start_session(&self, user: Option<UserId>) -> Result<StartedSession> {
        let secret = mint_session_secret();
        let now = self.clock.now();
        let session = Session {
            hash: hash_secret(&secret),
            user_id: user,
            created_at: now,
            expires_at: now.plus(SESSION_TTL),
        };
        self.store.create_session(session.clone()).await?;
        Ok(StartedSession { session, secret })
    }

    /// The live session a cookie names, if any (expired or unknown sessions are none).
    pub async fn session(&self, secret: &str) -> Result<Option<Session>> {
        if secret.is_empty() || secret.len() > 128 {
            return Ok(None);
        }
        let hash = hash_secret(secret);
        let now = self.clock.now();
        Ok(self
            .store
            .session(&hash)
            .await?
            .filter(|s| hashes_match(&hash, &s.hash) && now < s.expires_at))
    }

    /// The user a session is signed in as, if any (and if they still exist).
    pub async fn session_user(&self, session: &Session) -> Result<Option<User>> {
        match session.user_id {
            None => Ok(None),
            Some(id) => self.users.find(id).await,
        }
    }

    pub async fn end_session(&self, secret: &str) -> Result<()> {
        self.store.delete_session(&hash_secret(secret)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let a = mint_session_secret();
        let b = mint_session_secret();
        assert!(csrf_matches(&a, &csrf_token(&a)));
        assert!(!csrf_matches(&a, &csrf_token(&b)));
        assert!(!csrf_matches(&a, ""));
        assert!(!csrf_matches(&a, &csrf_token(&a)[1..]));
    }
}
