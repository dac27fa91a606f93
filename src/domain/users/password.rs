//! Passwords: Argon2id hashes, and checking a password against one in the same time whether or
//! not the user exists.

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result};

/// Argon2id with the crate's defaults (19 MiB, 2 passes): slow enough for passwords.
pub fn hash_password(password: &str) -> Result<String> {
    let salt: [u8; 16] = rand::random();
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(anyhow::anyhow!("hashing a password: {e}")))
}

/// Argon2 verification; without a stored hash it verifies against a fixed one so that the time
/// taken does not reveal whether the user exists.
pub(super) fn verify_password(stored: Option<&str>, password: &str) -> bool {
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
