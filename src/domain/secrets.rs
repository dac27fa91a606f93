//! Secrets pinbox mints and keeps only as hashes (tokens, app secrets, codes, sessions): how one
//! is hashed and compared. Random secrets of 160 bits or more need no slow hash.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub type TokenHash = [u8; 32];

/// A freshly minted secret: its text for the client (once) and its hash for the store.
pub struct MintedSecret {
    pub text: String,
    pub hash: TokenHash,
}

/// Secrets are 160+ random bits, so a fast hash is enough: nothing to brute-force.
pub fn hash_secret(secret: &str) -> TokenHash {
    Sha256::digest(secret.as_bytes()).into()
}

/// Compares a presented secret with a stored hash in constant time.
pub fn secret_matches(presented: &str, stored: &TokenHash) -> bool {
    hashes_match(&hash_secret(presented), stored)
}

/// Compares two hashes in constant time.
pub fn hashes_match(a: &TokenHash, b: &TokenHash) -> bool {
    a.ct_eq(b).into()
}
