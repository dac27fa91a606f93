//! The `pinbox` command line: `serve`, and the admin commands that scripts rely on
//! (`user create`, `app create`, `token issue`). Every command takes `--data-dir` (before or after
//! its name) and works while a server runs on the same data dir.

/// Prints a line on stdout for the person or script watching `serve`, and goes on if nobody reads
/// it any more (`pinbox serve | head`): a server must outlive its first reader, where `println!`
/// would panic on the closed pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod agents;
mod app_features;
mod apps;
pub mod compat;
mod data_dir;
mod demo;
mod duration_arg;
mod engagement;
mod follow;
mod gateway;
mod open;
mod seed;
mod serve;
mod tokens;
mod users;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub(crate) use data_dir::DataDirArg;

#[derive(Parser)]
#[command(
    name = "pinbox",
    version,
    about = "A self-hosted server that speaks the Pinterest REST API v5"
)]
struct Cli {
    #[command(flatten)]
    data: DataDirArg,
    #[command(subcommand)]
    command: Command,
}

/// The command line's definition, for tests that hold every flag to its help text and variable.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Variables renamed to match their flags (`PINBOX_<FLAG>`), old name first. The old names still
/// work; where both are set, the new one wins.
pub const RENAMED_VARS: &[(&str, &str)] = &[
    ("PINBOX_MAX_BOARDS", "PINBOX_MAX_BOARDS_PER_USER"),
    ("PINBOX_MAX_PINS", "PINBOX_MAX_PINS_PER_USER"),
];

#[allow(unsafe_code)] // each block says why it is sound
fn honour_renamed_vars() {
    for (old, new) in RENAMED_VARS {
        if std::env::var_os(new).is_none()
            && let Some(value) = std::env::var_os(old)
        {
            // SAFETY: called first thing in `main`, before any other thread exists.
            unsafe { std::env::set_var(new, value) };
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    #[command(after_help = serve::AFTER_HELP)]
    Serve(Box<serve::ServeArgs>),
    /// Manage users.
    #[command(subcommand)]
    User(users::UserCommand),
    /// Manage developer apps.
    #[command(subcommand)]
    App(apps::AppCommand),
    /// Manage access tokens.
    #[command(subcommand)]
    Token(tokens::TokenCommand),
    /// Manage AI agents: their keys and what each may do, area by area.
    #[command(subcommand)]
    Agent(agents::AgentCommand),
    /// Show the audit log of agents' calls, newest first.
    Audit(agents::AuditArgs),
    /// Serve Pinterest's API to agents in front of another Pinterest API (real Pinterest by
    /// default): their grants checked, every call forwarded with one upstream token and audited.
    Gateway(gateway::GatewayArgs),
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

/// Whether `--data-dir` was given as a flag (to the command or its subcommand), not only by
/// `PINBOX_DATA_DIR` or the default.
fn data_dir_on_command_line(matches: &clap::ArgMatches) -> bool {
    let given = |m: &clap::ArgMatches| {
        m.value_source("data_dir") == Some(clap::parser::ValueSource::CommandLine)
    };
    given(matches) || matches.subcommand().is_some_and(|(_, sub)| given(sub))
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    honour_renamed_vars();
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    cli.data.data_dir_on_command_line = data_dir_on_command_line(&matches);
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
        let data = &cli.data;
        match cli.command {
            Command::Serve(args) => serve::run(*args, data).await,
            Command::User(cmd) => users::run(cmd, data).await,
            Command::App(cmd) => apps::run(cmd, data).await,
            Command::Token(cmd) => tokens::run(cmd, data).await,
            Command::Agent(cmd) => agents::run(cmd, data).await,
            Command::Audit(args) => agents::audit(args, data).await,
            Command::Gateway(args) => gateway::run(args, data).await,
            Command::Compat(args) => compat::run(args),
            Command::Seed(args) => seed::run(args, data).await,
            Command::Follow(cmd) => follow::run(cmd, data).await,
            Command::Engagement(cmd) => engagement::run(cmd, data).await,
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
#[allow(unsafe_code)] // each block says why it is sound
fn die_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal before any other thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
