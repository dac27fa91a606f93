//! How a pinbox is set up: where it listens, where it keeps data, and its limits.

use std::path::PathBuf;

use crate::domain::Limits;
use crate::domain::rate_limits::RateLimits;
use crate::http::transport::ConnectionLimits;
use crate::media::fetch::FetchConfig;
use crate::media::images::ImageLimits;
use crate::store::postgres::PgOptions;

/// Where the store lives.
#[derive(Debug, Clone)]
pub enum Storage {
    /// A data dir holding the SQLite file (and later media files); kept across restarts.
    DataDir(PathBuf),
    /// A throwaway store for tests and CI, removed at exit.
    Ephemeral,
    /// A PostgreSQL database shared by every replica.
    Postgres(PgOptions),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub storage: Storage,
    /// Base URL clients use to reach this server, if not `http://<listen address>`
    /// (behind a proxy, or when listening on 0.0.0.0).
    pub public_url: Option<String>,
    pub limits: Limits,
    /// Create a demo user, app and token when the store is empty.
    pub demo_on_first_start: bool,
    /// Directory for image and video files; `<data dir>/media` when not set. Replicas share one.
    pub media_dir: Option<PathBuf>,
    pub fetch: FetchConfig,
    pub image_limits: ImageLimits,
    /// Rate limits per tier and category (the config file's `[rate_limits]`).
    pub rate_limits: RateLimits,
    /// Timeouts, the connection cap and the shutdown grace period.
    pub connections: ConnectionLimits,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            storage: Storage::DataDir(PathBuf::from("pinbox-data")),
            public_url: None,
            limits: Limits::default(),
            demo_on_first_start: true,
            media_dir: None,
            fetch: FetchConfig::default(),
            image_limits: ImageLimits::default(),
            rate_limits: RateLimits::default(),
            connections: ConnectionLimits::default(),
        }
    }
}
