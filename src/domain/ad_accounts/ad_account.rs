//! Ad accounts: owned by one user in one environment, named, with a country and a currency from
//! the spec's enums. pinbox models no campaigns or ads under them yet.

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{AdAccountId, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct AdAccount {
    pub id: AdAccountId,
    /// Position in its owner's list; bookmarks carry it.
    pub seq: i64,
    pub owner_id: UserId,
    pub owner_username: String,
    pub env: Env,
    pub name: String,
    pub country: String,
    pub currency: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewAdAccount {
    pub id: AdAccountId,
    pub owner_id: UserId,
    pub env: Env,
    pub name: String,
    pub country: String,
    pub currency: String,
    pub created_at: Timestamp,
}
