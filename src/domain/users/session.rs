//! Sign-in sessions of the OAuth pages: a random secret in an HttpOnly cookie, stored only as a
//! hash, with the CSRF token of every form derived from it; signing in with a password.

use std::time::Duration;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordVerifier};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::clock::Timestamp;
use crate::domain::Pinbox;
use crate::domain::ids::UserId;
use crate::domain::text::{TextKind, check_characters};
use crate::domain::tokens::{TokenHash, hash_secret, hashes_match};
use crate::domain::users::User;
use crate::domain::users::hash_password;
use crate::error::{Error, Result};

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

impl Pinbox {
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
            Some(id) => Ok(self.store.user(id).await?),
        }
    }

    pub async fn end_session(&self, secret: &str) -> Result<()> {
        self.store.delete_session(&hash_secret(secret)).await?;
        Ok(())
    }

    /// The user whose username and password these are, or `None`. Unknown users cost the same
    /// time as a wrong password, so the form does not tell which usernames exist.
    pub async fn check_password(&self, username: &str, password: &str) -> Result<Option<User>> {
        let user = if username.is_empty()
            || username.len() > 64
            || check_characters("username", username, TextKind::Name).is_err()
        {
            None
        } else {
            self.store.user_by_username(username).await?
        };
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(stored.as_deref(), &password))
            .await
            .map_err(|e| Error::internal(anyhow::anyhow!("checking a password: {e}")))?;
        Ok(user.filter(|_| ok))
    }

    /// Changes a user's password; every token of theirs is revoked and their sessions end
    /// (seed 002). Returns how many tokens were revoked.
    pub async fn set_password(&self, username: &str, password: &str) -> Result<u64> {
        let user = self.user_named(username).await?;
        if password.chars().count() < 8 {
            return Err(Error::invalid(
                "The password must be at least 8 characters long.",
            ));
        }
        let hash = {
            let password = password.to_string();
            tokio::task::spawn_blocking(move || hash_password(&password))
                .await
                .map_err(|e| Error::internal(anyhow::anyhow!("hashing a password: {e}")))??
        };
        Ok(self
            .store
            .set_password(user.id, hash, self.clock.now())
            .await?)
    }
}

/// Argon2 verification; without a stored hash it verifies against a fixed one so that the time
/// taken does not reveal whether the user exists.
fn verify_password(stored: Option<&str>, password: &str) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("pinbox dummy password").unwrap_or_default());
    let (phc, real) = match stored {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && real
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

    /// A hash stored by an earlier pinbox (argon2 0.5) still signs its user in: password hashes
    /// outlive upgrades of the crate that made them.
    #[test]
    fn hashes_stored_by_earlier_versions_still_verify() {
        let stored = "$argon2id$v=19$m=19456,t=2,p=1$9TuuWpb+0Sc1Lfkc8uC83A$\
                      T1AbgDRMIkcJRz+M/o+abMWJ8K7poNmCGRvibl+h7x8";
        assert!(verify_password(Some(stored), "correct horse battery"));
        assert!(!verify_password(Some(stored), "correct horse"));
        assert!(
            hash_password("x")
                .unwrap()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password(Some(&h), "correct horse"));
        assert!(!verify_password(Some(&h), "wrong horse"));
        assert!(!verify_password(None, "pinbox dummy password"));
        assert!(!verify_password(Some("not a hash"), "x"));
    }
}
