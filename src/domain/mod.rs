//! Domain rules: what a caller may see and do, validated inputs, volume limits and pagination,
//! one folder per resource, each with its service and its storage port. [`Pinbox`] bundles the
//! services; HTTP and the CLI call them. Nothing here knows HTTP or SQL.

pub mod ad_accounts;
pub mod ads;
pub mod ads_analytics;
pub mod ads_delivery;
pub mod ads_planning;
pub mod ads_resources;
pub mod agents;
pub mod analytics;
pub mod apps;
pub mod boards;
pub mod caller;
pub mod engagement;
pub mod env;
pub mod follows;
pub mod ids;
pub mod media_uploads;
pub mod oauth;
pub mod page;
pub mod pins;
pub mod rate_limits;
pub mod search;
pub mod secrets;
pub mod sections;
pub mod storage;
pub mod text;
pub mod tokens;
pub mod users;
pub mod websites;
// conversions
pub mod conversions;
// ads reports
pub mod ads_reports;

pub use page::{Listing, PageRequest};

use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::domain::ad_accounts::AdAccounts;
use crate::domain::ads::AdsEntities;
use crate::domain::ads_analytics::AdsAnalytics;
use crate::domain::ads_planning::AdsPlanning;
use crate::domain::ads_resources::AdsResources;
use crate::domain::agents::Agents;
use crate::domain::analytics::Analytics;
use crate::domain::apps::Apps;
use crate::domain::boards::Boards;
use crate::domain::engagement::EngagementLog;
use crate::domain::follows::Follows;
use crate::domain::media_uploads::{MediaUploads, UploadSettings};
use crate::domain::oauth::{OAuth, OAuthSettings};
use crate::domain::page::{BookmarkKey, Pages};
use crate::domain::pins::Pins;
use crate::domain::rate_limits::{RateLimiter, RateLimits};
use crate::domain::search::Search;
use crate::domain::sections::Sections;
use crate::domain::storage::Store;
use crate::domain::tokens::Tokens;
use crate::domain::users::{Accounts, Users};
use crate::domain::websites::Websites;
// conversions
use crate::domain::conversions::Conversions;
// ads reports
use crate::domain::ads_reports::AdsReports;
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

/// Every resource's service, wired to one engine and one clock: what HTTP and the CLI go through.
/// Each service keeps its own storage port to itself; the engine is kept here only to be closed.
#[derive(Clone)]
pub struct Pinbox {
    store: Arc<dyn Store>,
    pub clock: Clock,
    pub boards: Boards,
    pub sections: Sections,
    pub media_uploads: MediaUploads,
    pub pins: Pins,
    pub analytics: Analytics,
    pub search: Search,
    pub follows: Follows,
    pub accounts: Accounts,
    pub media: Media,
    // Identity and access.
    pub users: Users,
    pub apps: Apps,
    pub tokens: Tokens,
    pub oauth: OAuth,
    pub ad_accounts: AdAccounts,
    pub websites: Websites,
    /// Campaigns, ad groups, ads and the other ads entities.
    pub ads: AdsEntities,
    /// Simulated ads delivery, its analytics and reports.
    pub ads_analytics: AdsAnalytics,
    pub ads_resources: AdsResources,
    /// Keyword volumes and trends, audience sizes, bid floors, ad previews.
    pub ads_planning: AdsPlanning,
    /// Rate limits by tier and category; Pinterest's by default.
    pub rate_limits: RateLimiter,
    // conversions
    pub conversions: Conversions,
    // ads reports
    pub ads_reports: AdsReports,
    pub agents: Agents,
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
        let users = Users::new(store.clone(), clock.clone());
        let apps = Apps::new(store.clone(), clock.clone(), users.clone());
        let tokens = Tokens::new(
            store.clone(),
            clock.clone(),
            apps.clone(),
            users.clone(),
            limits.access_token_ttl,
        );
        let oauth = OAuth::new(
            store.clone(),
            clock.clone(),
            users.clone(),
            apps.clone(),
            tokens.clone(),
            OAuthSettings::default(),
        );
        let ad_accounts = AdAccounts::new(store.clone(), clock.clone(), pages.clone());
        let websites = Websites::new(
            store.clone(),
            clock.clone(),
            pages.clone(),
            store.shared_secret("website_verification_key").await?,
        );
        let rate_limits = RateLimiter::new(store.clone(), clock.clone(), RateLimits::default());
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
        let follows = Follows::new(
            store.clone(),
            clock.clone(),
            pages.clone(),
            boards.clone(),
            users.clone(),
        );
        let accounts = Accounts::new(users.clone(), follows.clone(), analytics.clone());
        let ads = AdsEntities::new(
            store.clone(),
            ad_accounts.clone(),
            pins.clone(),
            clock.clone(),
            pages.clone(),
        );
        let conversions = Conversions::new(store.clone(), clock.clone(), ad_accounts.clone());
        let ads_analytics = AdsAnalytics::new(ads.clone(), clock.clone())
            .with_conversions(Arc::new(conversions.clone()));
        let ads_resources = AdsResources::new(clock.clone(), ad_accounts.clone());
        let ads_planning = AdsPlanning::new(ad_accounts.clone(), pins.clone(), clock.clone());
        // ads reports
        let ads_reports = AdsReports::new(
            store.clone(),
            clock.clone(),
            ad_accounts.clone(),
            ads.clone(),
            ads_analytics.clone(),
            store.shared_secret("report_link_key").await?.to_vec(),
        );
        let agents = Agents::new(store.clone(), store.clone(), clock.clone());
        Ok(Pinbox {
            agents,
            boards,
            sections,
            media_uploads,
            pins,
            analytics,
            search,
            follows,
            accounts,
            store,
            clock,
            media,
            users,
            apps,
            tokens,
            oauth,
            ad_accounts,
            websites,
            ads,
            ads_analytics,
            ads_resources,
            ads_planning,
            rate_limits,
            conversions,
            ads_reports,
        })
    }

    /// With these OAuth options (set at start-up) instead of the defaults.
    pub fn with_oauth(mut self, settings: OAuthSettings) -> Pinbox {
        self.oauth = OAuth::new(
            self.store.clone(),
            self.clock.clone(),
            self.users.clone(),
            self.apps.clone(),
            self.tokens.clone(),
            settings,
        );
        self
    }

    /// With these rate limits (set at start-up) instead of Pinterest's.
    pub fn with_rate_limits(mut self, limits: RateLimits) -> Pinbox {
        self.rate_limits = RateLimiter::new(self.store.clone(), self.clock.clone(), limits);
        self
    }

    /// Flushes and closes the store; every later call fails.
    pub async fn close(&self) -> crate::error::Result<()> {
        Ok(self.store.close().await?)
    }
}
