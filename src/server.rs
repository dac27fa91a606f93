//! Building a running pinbox from its configuration: open the store, wire the service and the
//! router, serve on a listener the caller bound, and shut down cleanly. `main` stays thin and tests
//! start the same server on port 0.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{Config, Storage};
use crate::domain::Pinbox;
use crate::domain::rate_limits::RateLimiter;
use crate::domain::storage::Store;
use crate::http::state::AppState;
use crate::http::transport::{self, ConnectionLimits};
use crate::media::Media;
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;

/// Opens the store the configuration names, migrated and ready.
pub async fn open_store(storage: &Storage, clock: &Clock) -> anyhow::Result<Arc<dyn Store>> {
    let now = clock.now();
    if let Storage::Postgres(options) = storage {
        return Ok(Arc::new(PgStore::connect(options.clone(), now).await?));
    }
    let storage = storage.clone();
    let store = tokio::task::spawn_blocking(move || match storage {
        Storage::DataDir(dir) => SqliteStore::open(&dir, now),
        _ => SqliteStore::ephemeral(now),
    })
    .await??;
    Ok(Arc::new(store))
}

/// Opens the store and wires the domain service to it.
pub async fn open_pinbox(config: &Config, clock: Clock) -> anyhow::Result<Pinbox> {
    let store = open_store(&config.storage, &clock).await?;
    let media = open_media(config)?;
    let pinbox = Pinbox::new(store, clock, config.limits.clone(), media)
        .await?
        .with_rate_limits(config.rate_limits.clone());
    Ok(pinbox)
}

/// The media directory the configuration names (or implies).
pub fn open_media(config: &Config) -> anyhow::Result<Media> {
    let dir = match (&config.media_dir, &config.storage) {
        (Some(dir), _) => dir.clone(),
        (None, Storage::DataDir(data)) => data.join("media"),
        (None, Storage::Ephemeral) => {
            return Ok(Media::ephemeral(config.fetch.clone(), config.image_limits)?);
        }
        (None, Storage::Postgres(_)) => {
            anyhow::bail!(
                "with --database-url, set --media-dir to a directory every replica reaches \
                 (image and video files live there, not in the database)"
            )
        }
    };
    Media::in_dir(&dir, config.fetch.clone(), config.image_limits)
        .map_err(|e| anyhow::anyhow!("cannot use the media dir {}: {e}", dir.display()))
}

/// The public base URL for a server listening on `addr`.
pub fn public_url_for(config_url: Option<&str>, addr: SocketAddr) -> String {
    match config_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => format!("http://{addr}"),
    }
}

/// Serves until `shutdown` resolves, lets in-flight requests finish for up to the grace period,
/// then closes the store. The periodic cleanup of unused media uploads runs alongside.
pub async fn serve(
    listener: TcpListener,
    pinbox: Pinbox,
    public_url: String,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let closing = pinbox.clone();
    let cleanup = pinbox.media_uploads.spawn_cleanup();
    let sweeper = tokio::spawn(sweep_rate_windows(pinbox.rate_limits.clone()));
    let router = crate::http::router(AppState::new(pinbox, public_url));
    let served = transport::serve(listener, router, limits, shutdown).await;
    cleanup.abort();
    sweeper.abort();
    served?;
    closing.close().await?;
    Ok(())
}

/// How often ended rate-limit windows are forgotten (idle apps and users cost nothing after).
pub const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// Forgets ended rate-limit windows every [`SWEEP_EVERY`], by the one clock's time.
async fn sweep_rate_windows(limiter: RateLimiter) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = limiter.sweep().await {
            tracing::warn!(error = %e, "sweeping rate-limit windows failed; retrying later");
        }
    }
}

/// A server running in this process, for tests and embedding: stop it with [`RunningServer::stop`].
pub struct RunningServer {
    pub addr: SocketAddr,
    pub base_url: String,
    pub pinbox: Pinbox,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    /// Binds `addr` (use port 0 for a free port) and serves `pinbox` on it.
    pub async fn start(pinbox: Pinbox, addr: &str) -> anyhow::Result<RunningServer> {
        RunningServer::start_with_limits(pinbox, addr, ConnectionLimits::default()).await
    }

    /// Like [`RunningServer::start`], with these timeouts and connection cap.
    pub async fn start_with_limits(
        pinbox: Pinbox,
        addr: &str,
        limits: ConnectionLimits,
    ) -> anyhow::Result<RunningServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(
            listener,
            pinbox.clone(),
            base_url.clone(),
            limits,
            async {
                let _ = stopped.await;
            },
        ));
        Ok(RunningServer {
            addr,
            base_url,
            pinbox,
            stop: Some(stop),
            task,
        })
    }

    /// Stops accepting, waits for in-flight requests (up to the grace period), and closes the store.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await?
    }
}
