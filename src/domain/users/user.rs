//! User accounts: the spec's `Account`, and the rules for usernames.

use crate::clock::Timestamp;
use crate::domain::ids::UserId;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountType {
    Pinner,
    Business,
}

impl AccountType {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Pinner => "PINNER",
            AccountType::Business => "BUSINESS",
        }
    }

    pub fn parse(s: &str) -> Option<AccountType> {
        match s {
            "PINNER" => Some(AccountType::Pinner),
            "BUSINESS" => Some(AccountType::Business),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub account_type: AccountType,
    pub about: String,
    pub website_url: String,
    pub business_name: Option<String>,
    pub created_at: Timestamp,
    /// Argon2id PHC string; `None` for users who cannot sign in.
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: UserId,
    pub username: String,
    pub account_type: AccountType,
    pub business_name: Option<String>,
    pub password_hash: Option<String>,
    pub created_at: Timestamp,
}

/// What the store counts for one user in one environment, split by board privacy so the domain
/// can hide what the caller's scopes do not reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContentCounts {
    pub public_boards: i64,
    pub protected_boards: i64,
    pub secret_boards: i64,
    pub pins_on_public: i64,
    pub pins_on_protected: i64,
    pub pins_on_secret: i64,
}

impl ContentCounts {
    pub fn total_boards(&self) -> i64 {
        self.public_boards + self.protected_boards + self.secret_boards
    }

    pub fn total_pins(&self) -> i64 {
        self.pins_on_public + self.pins_on_protected + self.pins_on_secret
    }
}

/// A username a new user may have, as Pinterest's: 3 to 30 letters, digits or underscores. Made
/// only by [`Username::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username> {
        validate_username(raw).map(|()| Username(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn validate_username(name: &str) -> Result<()> {
    let len = name.chars().count();
    if !(3..=30).contains(&len) {
        return Err(Error::invalid(format!(
            "Username '{name}' must be 3 to 30 characters long."
        )));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::invalid(format!(
            "Username '{name}' may contain only letters, digits and underscores."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_pinterest_rules() {
        assert!(Username::parse("demo_user1").is_ok());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse(&"x".repeat(31)).is_err());
    }
}
