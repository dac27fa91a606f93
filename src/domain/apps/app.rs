//! Developer apps: an app id that is also the OAuth client id, a secret kept only as a hash,
//! redirect URIs and an access tier.

use crate::clock::Timestamp;
use crate::domain::ids::{AppId, UserId};
use crate::domain::secrets::{MintedSecret, hash_secret};
use rand::Rng;

/// Seed 002: a developer may own at most five apps.
pub const MAX_APPS_PER_DEVELOPER: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Trial,
    Standard,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Trial => "trial",
            Tier::Standard => "standard",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        match s {
            "trial" => Some(Tier::Trial),
            "standard" => Some(Tier::Standard),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub id: AppId,
    pub owner_id: UserId,
    pub name: String,
    /// SHA-256 of the secret; the secret itself is shown once and never stored.
    pub secret_hash: [u8; 32],
    pub redirect_uris: Vec<String>,
    pub tier: Tier,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewApp {
    pub id: AppId,
    pub owner_id: UserId,
    pub name: String,
    pub secret_hash: [u8; 32],
    pub redirect_uris: Vec<String>,
    pub tier: Tier,
    pub created_at: Timestamp,
}

/// A new app secret: 40 hex digits.
pub fn mint_app_secret() -> MintedSecret {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = hash_secret(&text);
    MintedSecret { text, hash }
}
