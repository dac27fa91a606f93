//! The `pinbox` command line: `serve`, and the admin commands that scripts rely on
//! (`user create`, `app create`, `token issue`). Every command takes `--data-dir` and works while a
//! server runs on the same data dir.

mod admin;
mod app_features;
pub mod compat;
mod duration_arg;
mod engagement;
mod follow;
mod oauth_admin;
mod seed;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "pinbox",
    version,
    about = "A self-hosted server that speaks the Pinterest REST API v5"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DataDirArg {
    /// Directory holding pinbox's data.
    #[arg(
        long,
        env = "PINBOX_DATA_DIR",
        default_value = "pinbox-data",
        global = true
    )]
    data_dir: PathBuf,
    /// Use this PostgreSQL database instead of the SQLite file in the data dir.
    #[arg(long, env = "PINBOX_DATABASE_URL", global = true)]
    database_url: Option<String>,
}

impl DataDirArg {
    fn storage(&self) -> crate::config::Storage {
        match &self.database_url {
            Some(url) => crate::config::Storage::Postgres(crate::store::postgres::PgOptions {
                pool_size: 2,
                ..crate::store::postgres::PgOptions::new(url)
            }),
            None => crate::config::Storage::DataDir(self.data_dir.clone()),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve(serve::ServeArgs),
    /// Manage users.
    #[command(subcommand)]
    User(admin::UserCommand),
    /// Manage developer apps.
    #[command(subcommand)]
    App(admin::AppCommand),
    /// Manage access tokens.
    #[command(subcommand)]
    Token(admin::TokenCommand),
    /// Report every operation of Pinterest's spec and whether pinbox serves it.
    Compat(compat::CompatArgs),
    /// Fill the store with one account at Pinterest's volume limits (benchmarks, load tests).
    Seed(seed::SeedArgs),
    /// Make a user follow a user or a board (builds the social graph the API reports).
    #[command(subcommand)]
    Follow(follow::FollowCommand),
    /// Fill the engagement log analytics read: exact events, or a simulated profile.
    #[command(subcommand)]
    Engagement(engagement::EngagementCommand),
}

/// Threads for file I/O and image decoding. Tokio's default (512) let a burst of rendition
/// fetches start one thread per request, each keeping its own stack and allocator pages: RSS
/// after the benchmark's Pin workloads went from 57 to 105 MB with 60 threads. Requests beyond
/// these queue; CPU-bound work is bounded by cores anyway (`Media::decoding`).
const BLOCKING_THREADS: usize = 16;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_)) {
        die_quietly_on_closed_pipe();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::User(cmd) => admin::user(cmd).await,
            Command::App(cmd) => admin::app(cmd).await,
            Command::Token(cmd) => admin::token(cmd).await,
            Command::Compat(args) => compat::run(args),
            Command::Seed(args) => seed::run(args).await,
            Command::Follow(cmd) => follow::run(cmd).await,
            Command::Engagement(cmd) => engagement::run(cmd).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The admin commands print for scripts (`pinbox app create ... | head -n1`): when the reader
/// goes away, end quietly as other command-line tools do instead of panicking in `println!`.
/// Not for `serve`, which must outlive any pipe.
fn die_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal before any other thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
