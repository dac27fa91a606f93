//! `pinbox serve`: open the store, make a demo account on first start, listen, and shut down
//! gracefully on SIGINT or SIGTERM.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use clap::builder::BoolishValueParser;
use tokio::net::TcpListener;

use crate::cli::duration_arg::{parse_duration, parse_timeout};
use crate::cli::{DataDirArg, demo};
use crate::clock::{Clock, Timestamp};
use crate::config::{Config, Storage};
use crate::config_file::ConfigFile;
use crate::domain::media_uploads::UploadSettings;
use crate::domain::oauth::OAuthSettings;
use crate::domain::{Limits, Pinbox};
use crate::http::transport::ConnectionLimits;
use crate::media::fetch::{AllowRule, FetchConfig, FetchPolicy};
use crate::media::images::{DEFAULT_MAX_PIXELS, ImageLimits};
use crate::server::{open_pinbox, public_url_for, serve};
use crate::store::postgres::PgOptions;
use crate::store::sqlite::serve_lock;

/// What `pinbox serve --help` adds after the flags: the settings that are not flags.
pub const AFTER_HELP: &str = "\
Environment:
  PINBOX_LOG   What the log on stderr shows: a level (error, warn, info, debug, trace) or
               targets, e.g. PINBOX_LOG=pinbox=debug,tower_http=debug. Default: info.
  NO_COLOR     Set to anything to keep colour codes out of the log; they are only written when
               stderr is a terminal anyway.
Flags read the variable named after them, shown as [env: ...] above: --max-pins-per-user is
PINBOX_MAX_PINS_PER_USER; --no-demo is PINBOX_NO_DEMO=1 (or true, yes, on).";

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PINBOX_ADDR", default_value = "127.0.0.1:8080")]
    addr: String,
    /// Keep everything in a throwaway store, removed at exit (instead of --data-dir, which is
    /// then not used, even when PINBOX_DATA_DIR is set).
    #[arg(long)]
    ephemeral: bool,
    /// Most connections this replica opens to PostgreSQL.
    #[arg(long, env = "PINBOX_DATABASE_POOL_SIZE", default_value_t = 16)]
    database_pool_size: usize,
    /// Base URL clients reach this server at, when not http://<addr>.
    #[arg(long, env = "PINBOX_PUBLIC_URL")]
    public_url: Option<String>,
    /// Do not create the demo user, app and token on an empty store (replicas on PostgreSQL may
    /// leave it on: the first to start makes it, the others skip it).
    #[arg(long, env = "PINBOX_NO_DEMO", value_parser = BoolishValueParser::new())]
    no_demo: bool,
    /// Directory for image and video files (default: <data dir>/media); replicas share one.
    #[arg(long, env = "PINBOX_MEDIA_DIR")]
    media_dir: Option<PathBuf>,
    /// When fetching a Pin's image_url fails: create the Pin pointing at the URL (try), refuse
    /// it (always), or never fetch at all (never, for fully offline use).
    #[arg(long, env = "PINBOX_FETCH_IMAGES", default_value = "try", value_parser = ["try", "always", "never"])]
    fetch_images: String,
    /// A host, address or CIDR range pinbox may fetch images from although it is private
    /// (loopback, private, link-local); repeat for several.
    #[arg(
        long = "fetch-allow",
        env = "PINBOX_FETCH_ALLOW",
        value_delimiter = ','
    )]
    fetch_allow: Vec<String>,
    /// Largest image accepted, in bytes.
    #[arg(long, env = "PINBOX_MAX_IMAGE_BYTES", default_value_t = 20 * 1024 * 1024)]
    max_image_bytes: usize,
    /// Most pixels (width × height) an image may have, read from its header before decoding;
    /// decoding memory is budgeted from it (4 bytes a pixel, shared by decodes in flight).
    #[arg(long, env = "PINBOX_MAX_IMAGE_PIXELS", default_value_t = DEFAULT_MAX_PIXELS,
          value_parser = clap::value_parser!(u64).range(1..))]
    max_image_pixels: u64,
    /// Boards one user may have in one environment (Pinterest: 2,000).
    #[arg(long, env = "PINBOX_MAX_BOARDS_PER_USER", default_value_t = 2_000)]
    max_boards_per_user: u32,
    /// Pins one user may have in one environment (Pinterest: 200,000).
    #[arg(long, env = "PINBOX_MAX_PINS_PER_USER", default_value_t = 200_000)]
    max_pins_per_user: u32,
    /// Unattended OAuth for CI: approve consent at once, as this user, for every app that sends
    /// a browser (or `curl -L`) to GET /oauth/. Never use it on a shared server.
    #[arg(long, env = "PINBOX_OAUTH_AUTO_APPROVE", value_name = "USERNAME")]
    oauth_auto_approve: Option<String>,
    /// Largest video file a media upload accepts, in bytes (Pinterest: 2 GB).
    #[arg(long, env = "PINBOX_MAX_UPLOAD_BYTES", default_value_t = 2 * 1024 * 1024 * 1024)]
    max_upload_bytes: u64,
    /// How long an uploaded video (and a new video Pin) stays "processing": 0 for fast tests.
    #[arg(long, env = "PINBOX_MEDIA_PROCESSING_DELAY", default_value = "2s", value_parser = parse_duration)]
    media_processing_delay: Duration,
    /// How long an upload's S3-style policy (upload_url and upload_parameters) stays valid.
    #[arg(long, env = "PINBOX_MEDIA_UPLOAD_EXPIRY", default_value = "1h", value_parser = parse_duration)]
    media_upload_expiry: Duration,
    /// Media uploads no Pin used are deleted, with their files, this long after registration.
    #[arg(long, env = "PINBOX_MEDIA_UNUSED_TTL", default_value = "24h", value_parser = parse_duration)]
    media_unused_ttl: Duration,
    /// How often to look for such uploads.
    #[arg(long, env = "PINBOX_MEDIA_CLEANUP_INTERVAL", default_value = "10m", value_parser = parse_duration)]
    media_cleanup_interval: Duration,
    /// A TOML config file: rate limits per tier and category, oauth_auto_approve
    /// (docs/configuration.md). Flags and their variables override what it sets.
    #[arg(long, env = "PINBOX_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Turn every rate limit off (load tests) or on, whatever the config file says.
    #[arg(long, env = "PINBOX_RATE_LIMITS", value_parser = ["on", "off"])]
    rate_limits: Option<String>,
    /// How long agents' audit lines are kept; older ones are deleted at start and every hour.
    #[arg(long, env = "PINBOX_AUDIT_RETENTION", default_value = "90d", value_parser = parse_duration)]
    audit_retention: Duration,
    /// Start pinbox's clock at this instant (RFC 3339, e.g. 2027-01-01T00:00:00Z); it runs on
    /// from there. Every date pinbox shows and every expiry follows it.
    #[arg(long, env = "PINBOX_CLOCK_START", value_name = "INSTANT", value_parser = parse_instant)]
    clock_start: Option<Timestamp>,
    /// Timeouts, the connection cap and the shutdown grace period (boxed: clap's command enum
    /// holds every command's arguments inline).
    #[command(flatten)]
    connections: Box<ConnectionArgs>,
}

#[derive(Args)]
struct ConnectionArgs {
    /// How long a client may take to send a request's line and headers, from their first byte;
    /// past it pinbox answers 408 and closes the connection.
    #[arg(long, env = "PINBOX_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_timeout)]
    header_timeout: Duration,
    /// The longest pause allowed while a request body arrives; past it the request ends with 408.
    #[arg(long, env = "PINBOX_BODY_TIMEOUT", default_value = "30s", value_parser = parse_timeout)]
    body_timeout: Duration,
    /// How long a connection may stay open with no request in progress and nothing sent either
    /// way (a keep-alive connection between requests, or a client that stopped reading).
    #[arg(long, env = "PINBOX_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_timeout)]
    idle_timeout: Duration,
    /// Most client connections open at once; past it a new connection gets 503 and is closed.
    #[arg(long, env = "PINBOX_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// On SIGTERM or SIGINT, how long in-flight requests may take to finish before their
    /// connections are dropped and pinbox exits.
    #[arg(long, env = "PINBOX_SHUTDOWN_GRACE", default_value = "10s", value_parser = parse_duration)]
    shutdown_grace: Duration,
}

pub async fn run(args: ServeArgs, data: &DataDirArg) -> anyhow::Result<()> {
    crate::logging::init();
    // First of all: until its handler is installed, SIGTERM or SIGINT kills the process outright
    // (a script that stops the server as soon as it announces itself saw it die by the signal).
    let stop = shutdown_signal()?;
    if args.ephemeral && data.data_dir_on_command_line {
        anyhow::bail!(
            "--ephemeral and --data-dir both name a store: choose one (an exported \
             PINBOX_DATA_DIR is ignored by --ephemeral)"
        );
    }
    if args.ephemeral && data.database_url.is_some() {
        anyhow::bail!(
            "--ephemeral and --database-url (or PINBOX_DATABASE_URL) both name a store: choose \
             one (unset PINBOX_DATABASE_URL to serve a throwaway store)"
        );
    }
    let file = match &args.config {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    let mut rate_limits = file.rate_limits.clone();
    match args.rate_limits.as_deref() {
        Some("off") => rate_limits.enabled = false,
        Some(_) => rate_limits.enabled = true,
        None => {}
    }
    let auto_approve = args
        .oauth_auto_approve
        .clone()
        .or(file.oauth_auto_approve.clone());
    let mut allow = Vec::new();
    for rule in &args.fetch_allow {
        allow.push(AllowRule::parse(rule).map_err(|e| anyhow::anyhow!("--fetch-allow: {e}"))?);
    }
    let config = Config {
        storage: match (&data.database_url, args.ephemeral) {
            (Some(url), _) => Storage::Postgres(PgOptions {
                pool_size: args.database_pool_size,
                ..PgOptions::new(url)
            }),
            (None, true) => Storage::Ephemeral,
            (None, false) => Storage::DataDir(data.data_dir.clone()),
        },
        public_url: args.public_url.clone(),
        demo_on_first_start: !args.no_demo,
        media_dir: args.media_dir.clone().or_else(|| {
            data.database_url
                .as_ref()
                .map(|_| data.data_dir.join("media"))
        }),
        fetch: FetchConfig {
            policy: FetchPolicy::parse(&args.fetch_images).unwrap_or(FetchPolicy::Try),
            max_bytes: args.max_image_bytes,
            allow,
            ..FetchConfig::default()
        },
        image_limits: ImageLimits {
            max_bytes: args.max_image_bytes,
            max_pixels: args.max_image_pixels,
            ..ImageLimits::default()
        },
        limits: Limits {
            max_boards_per_user: args.max_boards_per_user,
            max_pins_per_user: args.max_pins_per_user,
            uploads: UploadSettings {
                max_upload_bytes: args.max_upload_bytes,
                processing_delay: args.media_processing_delay,
                policy_lifetime: args.media_upload_expiry,
                unused_ttl: args.media_unused_ttl,
                cleanup_interval: args.media_cleanup_interval,
            },
            ..Limits::default()
        },
        rate_limits,
        connections: ConnectionLimits {
            header_timeout: args.connections.header_timeout,
            body_timeout: args.connections.body_timeout,
            idle_timeout: args.connections.idle_timeout,
            max_connections: args.connections.max_connections as usize,
            shutdown_grace: args.connections.shutdown_grace,
        },
    };
    let watch = data.watch();
    // SQLite keeps rate-limit counts in the serving process, so one server per data dir.
    let _serving = match &config.storage {
        Storage::DataDir(dir) => Some(serve_lock::acquire(dir)?),
        _ => None,
    };
    let listener = TcpListener::bind(&args.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr()?;
    let public_url = public_url_for(config.public_url.as_deref(), addr);
    let clock = Clock::system();
    if let Some(at) = args.clock_start {
        clock.set(at);
        eprintln!("pinbox: the clock starts at {}", at.to_rfc3339());
    }
    let mut pinbox = open_pinbox(&config, clock).await?;
    watch.announce();
    if config.demo_on_first_start {
        demo::create_if_empty(&pinbox, &public_url).await?;
    }
    if !config.rate_limits.enabled {
        eprintln!("pinbox: rate limits are off (--rate-limits off or the config file)");
    }
    if let Some(user) = auto_approve.as_deref().filter(|u| !u.is_empty()) {
        warn_auto_approve(&pinbox, user).await?;
        pinbox = pinbox.with_oauth(OAuthSettings {
            auto_approve: Some(user.to_string()),
        });
    }
    say!("pinbox listening on http://{addr}");
    let agents = pinbox.agents.clone();
    let retention = args.audit_retention;
    let pruning = agents.clone();
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3_600));
        loop {
            every_hour.tick().await;
            if let Err(e) = pruning.prune_audit(retention).await {
                tracing::warn!(error = %e.message, "old audit lines could not be deleted");
            }
        }
    });
    serve(listener, pinbox, public_url, config.connections, stop).await?;
    // Audit lines still queued are written before the process ends.
    agents.flush().await;
    tracing::info!("pinbox stopped");
    Ok(())
}

/// Unattended approval hands out tokens to anyone who asks, so it says so where it cannot be missed.
async fn warn_auto_approve(pinbox: &Pinbox, user: &str) -> anyhow::Result<()> {
    let bar = "!".repeat(78);
    eprintln!("{bar}");
    eprintln!(
        "!! OAUTH AUTO-APPROVE IS ON: every authorization request to GET /oauth/ is approved"
    );
    eprintln!("!! at once as the user '{user}', without sign-in or consent. For CI only.");
    if pinbox.users.find_named(user).await?.is_none() {
        eprintln!(
            "!! No user is named '{user}' yet: create it (pinbox user create {user}) before the flow runs."
        );
    }
    eprintln!("{bar}");
    tracing::warn!(user, "OAuth consent is auto-approved");
    Ok(())
}

/// Installs the SIGTERM and SIGINT handlers now and returns the future that resolves on either.
#[cfg(unix)]
pub(super) fn shutdown_signal()
-> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())
        .map_err(|e| anyhow::anyhow!("cannot handle SIGTERM: {e}"))?;
    let mut interrupt = signal(SignalKind::interrupt())
        .map_err(|e| anyhow::anyhow!("cannot handle SIGINT: {e}"))?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        tracing::info!("shutting down: finishing in-flight requests");
    })
}

#[cfg(not(unix))]
pub(super) fn shutdown_signal()
-> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing in-flight requests");
    })
}

fn parse_instant(v: &str) -> Result<Timestamp, String> {
    Timestamp::parse_rfc3339(v)
        .ok_or_else(|| format!("'{v}' is not an RFC 3339 instant, e.g. 2027-01-01T00:00:00Z"))
}
