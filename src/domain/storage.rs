//! What every storage engine is to the domain: each resource's port (its `*Store` trait, beside
//! its rules), the errors every port answers with, and [`Store`], all of them at once plus what
//! belongs to the engine itself.

use async_trait::async_trait;

use crate::error::Error;

pub use crate::domain::ad_accounts::AdAccountStore;
pub use crate::domain::ads::AdsEntityStore;
pub use crate::domain::agents::{AgentStore, AuditStore};
pub use crate::domain::apps::AppStore;
pub use crate::domain::boards::BoardStore;
pub use crate::domain::engagement::EngagementStore;
pub use crate::domain::follows::FollowStore;
pub use crate::domain::media_uploads::MediaUploadStore;
pub use crate::domain::oauth::OAuthStore;
pub use crate::domain::pins::PinStore;
pub use crate::domain::rate_limits::QuotaStore;
pub use crate::domain::search::SearchStore;
pub use crate::domain::sections::SectionStore;
pub use crate::domain::tokens::TokenStore;
pub use crate::domain::users::UserStore;
pub use crate::domain::websites::WebsiteStore;
// conversions
pub use crate::domain::conversions::ConversionEventStore;
// ads reports
pub use crate::domain::ads_reports::ReportStore;

/// Which uniqueness rule a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Username,
    BoardName,
    SectionName,
}

/// Which volume limit a write would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeLimit {
    Boards,
    Pins,
    /// Apps per developer (`app::MAX_APPS_PER_DEVELOPER`).
    Apps,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the {0} does not exist")]
    NotFound(&'static str),
    #[error("uniqueness conflict: {0:?}")]
    Conflict(Conflict),
    #[error("volume limit reached: {0:?}")]
    LimitReached(VolumeLimit),
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Text the engine cannot keep reached it (the domain's text rules should have refused it).
    #[error("the store cannot keep this text: {0}")]
    Unstorable(String),
    #[error(transparent)]
    Backend(#[from] anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A storage engine: every resource's port, and the engine's own housekeeping.
#[async_trait]
pub trait Store:
    UserStore
    + AppStore
    + TokenStore
    + OAuthStore
    + BoardStore
    + SectionStore
    + PinStore
    + EngagementStore
    + AdAccountStore
    + MediaUploadStore
    + QuotaStore
    + SearchStore
    + FollowStore
    + WebsiteStore
    + AdsEntityStore
    + ConversionEventStore
    + ReportStore
    + AgentStore
    + AuditStore
    + Send
    + Sync
    + 'static
{
    /// Short engine name for logs and errors ("sqlite", "postgres").
    fn engine(&self) -> &'static str;

    /// A named random secret shared by everything using this store, created on first use
    /// (the bookmark signing key lives here so that every replica accepts every bookmark).
    async fn shared_secret(&self, name: &str) -> StoreResult<[u8; 32]>;

    /// Flushes and closes; later calls fail with `Unavailable`.
    async fn close(&self) -> StoreResult<()>;
}

impl From<StoreError> for Error {
    /// Store errors that reach here unmapped are faults; domain code maps the expected ones
    /// (conflicts, limits) to Pinterest's answers before they get this far.
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Unavailable(msg) => Error::unavailable(format!(
                "The pinbox store is unavailable: {msg}. Retry shortly."
            )),
            StoreError::Unstorable(_) => Error::invalid(
                "Invalid request: the text sent holds a NUL character (U+0000), which pinbox \
                 does not store. Remove it and try again.",
            ),
            other => Error::internal(other),
        }
    }
}
