//! Access and refresh tokens: opaque secrets with Pinterest's prefixes, stored only as SHA-256
//! hashes and bound to a user, an app, scopes, an environment and an expiry.

use rand::Rng;

use crate::catalog::scope::Scopes;
use crate::clock::Timestamp;
use crate::domain::apps::Tier;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, TokenId, UserId};
use crate::domain::secrets::MintedSecret;
use crate::domain::secrets::TokenHash;
use crate::domain::secrets::hash_secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        }
    }

    pub fn parse(s: &str) -> Option<TokenKind> {
        match s {
            "access" => Some(TokenKind::Access),
            "refresh" => Some(TokenKind::Refresh),
            _ => None,
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Access => "pina_",
            TokenKind::Refresh => "pinr_",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub id: TokenId,
    pub hash: TokenHash,
    pub kind: TokenKind,
    /// `None` for an app-context (client credentials) token.
    pub user_id: Option<UserId>,
    pub app_id: AppId,
    pub scopes: Scopes,
    pub env: Env,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    /// The access tier of the token's app when the token was read: one lookup both
    /// authenticates a request and says which rate limits apply to it.
    pub app_tier: Tier,
    /// The user who owns the token's app: an app token (no `user_id`) acts as this user, as a
    /// client-credentials token does on Pinterest. Read with the token, in the same lookup.
    pub app_owner: UserId,
}

impl Token {
    pub fn status(&self, now: Timestamp) -> TokenStatus {
        if self.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if now >= self.expires_at {
            TokenStatus::Expired
        } else {
            TokenStatus::Valid
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    Valid,
    Expired,
    Revoked,
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: TokenId,
    pub hash: TokenHash,
    pub kind: TokenKind,
    pub user_id: Option<UserId>,
    pub app_id: AppId,
    pub scopes: Scopes,
    pub env: Env,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A new token secret: the kind's prefix, then 256 random bits in upper-case base32 as Pinterest's look.
pub fn mint(kind: TokenKind) -> MintedSecret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let text = format!("{}{}", kind.prefix(), base32(&bytes));
    let hash = hash_secret(&text);
    MintedSecret { text, hash }
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_tokens_look_like_pinterests() {
        let t = mint(TokenKind::Access);
        assert!(t.text.starts_with("pina_"));
        assert_eq!(t.text.len(), 5 + 52);
        assert!(
            t.text[5..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        );
        assert!(mint(TokenKind::Refresh).text.starts_with("pinr_"));
    }

    #[test]
    fn secrets_match_only_their_own_hash() {
        use crate::domain::secrets::secret_matches;
        let t = mint(TokenKind::Access);
        assert!(secret_matches(&t.text, &t.hash));
        assert!(!secret_matches(&format!("{}x", t.text), &t.hash));
    }

    #[test]
    fn base32_matches_rfc4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
    }
}
