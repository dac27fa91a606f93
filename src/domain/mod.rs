//! Domain rules: what a caller may see and do, validated inputs, volume limits and pagination.
//! Handlers call into [`Pinbox`]; it calls the store. Nothing here knows HTTP or SQL.

pub mod ad_accounts;
pub mod analytics;
pub mod apps;
pub mod boards;
pub mod caller;
pub mod env;
pub mod follows;
pub mod ids;
pub mod media_uploads;
pub mod oauth;
pub mod page;
pub mod pins;
pub mod rate_limits;
pub mod search;
pub mod sections;
pub mod storage;
pub mod text;
pub mod tokens;
mod user_lookups;
pub mod users;

pub use page::{Listing, PageRequest};

use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::domain::analytics::{Analytics, EngagementLog};
use crate::domain::boards::Boards;
use crate::domain::follows::Follows;
use crate::domain::media_uploads::{MediaUploads, UploadSettings};
use crate::domain::oauth::OAuthSettings;
use crate::domain::page::{BookmarkKey, Pages};
use crate::domain::pins::Pins;
use crate::domain::rate_limits::RateLimits;
use crate::domain::search::Search;
use crate::domain::sections::Sections;
use crate::domain::storage::Store;
use crate::media::Media;
use crate::media::s3_post::Signer;

/// Volume limits and lifetimes, all configurable; defaults are Pinterest's.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Seed 004: up to 2,000 boards per account.
    pub max_boards_per_user: u32,
    /// Seed 004: up to 200,000 Pins per account.
    pub max_pins_per_user: u32,
    /// Access tokens live 30 days (`expires_in: 2592000`).
    pub access_token_ttl: Duration,
    /// Media uploads: size, processing delay, policy lifetime, cleanup.
    pub uploads: UploadSettings,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_boards_per_user: 2_000,
            max_pins_per_user: 200_000,
            access_token_ttl: Duration::from_secs(30 * 24 * 3600),
            uploads: UploadSettings::default(),
        }
    }
}

/// The service every entry point (HTTP, CLI) goes through: the store, the clock and the rules.
#[derive(Clone)]
pub struct Pinbox {
    pub store: Arc<dyn Store>,
    pub clock: Clock,
    pub limits: Limits,
    pub pages: Pages,
    pub boards: Boards,
    pub sections: Sections,
    pub media_uploads: MediaUploads,
    pub pins: Pins,
    pub analytics: Analytics,
    pub search: Search,
    pub follows: Follows,
    pub media: Media,
    /// OAuth options set at start-up (unattended approval for CI); off by default.
    pub oauth: OAuthSettings,
    /// Rate limits by tier and category; Pinterest's by default.
    pub rate_limits: RateLimits,
}

impl Pinbox {
    /// Wires the service to a store, loading the shared bookmark key from it.
    pub async fn new(
        store: Arc<dyn Store>,
        clock: Clock,
        limits: Limits,
        media: Media,
    ) -> crate::error::Result<Pinbox> {
        let key = store.shared_secret("bookmark_key").await?;
        let upload_key = store.shared_secret("media_upload_key").await?;
        let pages = Pages::new(BookmarkKey::new(key));
        let boards = Boards::new(
            store.clone(),
            clock.clone(),
            pages.clone(),
            limits.max_boards_per_user,
        );
        let sections = Sections::new(store.clone(), clock.clone(), pages.clone(), boards.clone());
        let media_uploads = MediaUploads::new(
            store.clone(),
            clock.clone(),
            pages.clone(),
            media.clone(),
            limits.uploads.clone(),
            Signer::new(upload_key),
        );
        let engagement = EngagementLog::new(store.clone());
        let pins = Pins::new(
            store.clone(),
            clock.clone(),
            pages.clone(),
            boards.clone(),
            sections.clone(),
            media_uploads.clone(),
            engagement.clone(),
            media.clone(),
            limits.max_pins_per_user,
            limits.uploads.processing_delay,
        );
        let analytics = Analytics::new(clock.clone(), engagement, pins.clone());
        let search = Search::new(store.clone(), pages.clone(), boards.clone());
        let follows = Follows::new(store.clone(), clock.clone(), pages.clone(), boards.clone());
        Ok(Pinbox {
            boards,
            sections,
            media_uploads,
            pins,
            analytics,
            search,
            follows,
            store,
            clock,
            limits,
            pages,
            media,
            oauth: OAuthSettings::default(),
            rate_limits: RateLimits::default(),
        })
    }

    /// Flushes and closes the store; every later call fails.
    pub async fn close(&self) -> storage::StoreResult<()> {
        self.store.close().await
    }
}
