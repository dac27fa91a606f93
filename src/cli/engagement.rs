//! `pinbox engagement add|simulate|profiles`: fill the engagement log analytics read,
//! with exact events for one Pin or a named profile over all of a user's Pins. Works beside a
//! running server on the same data dir or database.

use clap::{Args, Subcommand};

use crate::cli::DataDirArg;
use crate::cli::open::open;
use crate::domain::Pinbox;
use crate::domain::analytics::{Profile, Simulation};
use crate::domain::engagement::{AppType, EngagementEvents, parse_date, parse_event};
use crate::domain::env::Env;
use crate::domain::ids::{PinId, UserId, parse_digits};

#[derive(Subcommand)]
pub enum EngagementCommand {
    /// Add exact events to one Pin: `--pin X --date 2026-11-01 --app-type MOBILE IMPRESSION=30`.
    Add(AddArgs),
    /// Add a profile's deterministic traffic to every Pin of a user over a date range.
    Simulate(SimulateArgs),
    /// List the profiles `simulate` knows.
    Profiles,
}

#[derive(Args)]
pub struct AddArgs {
    /// Id of the Pin.
    #[arg(long)]
    pin: String,
    /// The day (UTC) as YYYY-MM-DD.
    #[arg(long)]
    date: String,
    /// MOBILE, TABLET or WEB.
    #[arg(long, default_value = "WEB")]
    app_type: String,
    /// production or sandbox: where the Pin lives.
    #[arg(long, default_value = "production")]
    env: String,
    /// Events as METRIC=COUNT, e.g. IMPRESSION=30 OUTBOUND_CLICK=2.
    #[arg(required = true)]
    events: Vec<String>,
}

#[derive(Args)]
pub struct SimulateArgs {
    /// The user whose Pins get the traffic: username or id.
    #[arg(long)]
    user: String,
    /// steady, viral or seasonal (see `pinbox engagement profiles`).
    #[arg(long)]
    profile: String,
    /// First day (UTC), YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Last day (UTC), YYYY-MM-DD; not after today.
    #[arg(long)]
    to: String,
    /// The same seed gives the same numbers.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// production or sandbox: which of the user's Pins.
    #[arg(long, default_value = "production")]
    env: String,
    /// Print no progress.
    #[arg(long)]
    quiet: bool,
}

pub async fn run(cmd: EngagementCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        EngagementCommand::Profiles => {
            for p in Profile::ALL {
                println!("{:<9} {}", p.as_str(), p.describe());
            }
            Ok(())
        }
        EngagementCommand::Add(args) => add(args, data).await,
        EngagementCommand::Simulate(args) => simulate(args, data).await,
    }
}

fn env(s: &str) -> anyhow::Result<Env> {
    Env::parse(s).ok_or_else(|| anyhow::anyhow!("--env must be production or sandbox (was '{s}')"))
}

fn date(name: &str, s: &str) -> anyhow::Result<i64> {
    parse_date(s)
        .ok_or_else(|| anyhow::anyhow!("--{name} must be a date as YYYY-MM-DD (was '{s}')"))
}

async fn add(args: AddArgs, data: &DataDirArg) -> anyhow::Result<()> {
    let pin = parse_digits(&args.pin)
        .map(PinId)
        .ok_or_else(|| anyhow::anyhow!("--pin must be a numeric Pin id (was '{}')", args.pin))?;
    let day = date("date", &args.date)?;
    let app_type = AppType::parse(&args.app_type).ok_or_else(|| {
        anyhow::anyhow!(
            "--app-type must be MOBILE, TABLET or WEB (was '{}')",
            args.app_type
        )
    })?;
    let mut counts = Vec::new();
    for e in &args.events {
        let (metric, count) = e.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("events are METRIC=COUNT, e.g. IMPRESSION=30 (was '{e}')")
        })?;
        let count: i64 = count
            .parse()
            .map_err(|_| anyhow::anyhow!("the count in '{e}' is not a whole number"))?;
        counts.push(parse_event(metric, count)?);
    }
    let env = env(&args.env)?;
    let pinbox = open(data).await?;
    let result = pinbox
        .analytics
        .add_events(
            env,
            EngagementEvents {
                pin,
                day,
                app_type,
                counts,
            },
        )
        .await;
    pinbox.close().await?;
    Ok(result?)
}

async fn find_user(pinbox: &Pinbox, user: &str) -> anyhow::Result<UserId> {
    if let Some(u) = pinbox.users.find_named(user).await? {
        return Ok(u.id);
    }
    if let Some(id) = parse_digits(user)
        && let Some(u) = pinbox.users.find(UserId(id)).await?
    {
        return Ok(u.id);
    }
    anyhow::bail!("no user '{user}' (give a username or a user id)")
}

async fn simulate(args: SimulateArgs, data: &DataDirArg) -> anyhow::Result<()> {
    let profile = Profile::named(&args.profile)?;
    let (from, to) = (date("from", &args.from)?, date("to", &args.to)?);
    let env = env(&args.env)?;
    let pinbox = open(data).await?;
    let result = async {
        let user = find_user(&pinbox, &args.user).await?;
        let quiet = args.quiet;
        let mut progress = move |done: u64, total: u64| {
            if !quiet {
                eprintln!(
                    "simulating {}: {done}/{total} Pins ({}%)",
                    profile.as_str(),
                    done * 100 / total.max(1)
                );
            }
        };
        let sim = Simulation {
            env,
            user,
            profile,
            from,
            to,
            seed: args.seed,
        };
        let report = pinbox.analytics.simulate(sim, &mut progress).await?;
        println!(
            "{} Pins, {} days, {} rows, {} impressions ({} profile, seed {})",
            report.pins,
            report.days,
            report.rows,
            report.impressions,
            profile.as_str(),
            args.seed
        );
        anyhow::Ok(())
    }
    .await;
    pinbox.close().await?;
    result
}
