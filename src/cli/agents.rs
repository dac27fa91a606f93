//! `pinbox agent` and `pinbox audit`: AI agents' keys and grants, and the audit log of their
//! calls.

use clap::{Args, Subcommand};

use crate::catalog::area::{Area, Level};
use crate::cli::DataDirArg;
use crate::cli::open::with_pinbox;
use crate::clock::Timestamp;
use crate::domain::Pinbox;
use crate::domain::agents::{Agent, AuditFilter, AuditLine};
use crate::domain::env::Env;
use crate::domain::ids::{AgentId, parse_digits};
use crate::http::control::audit::audit_json;

#[derive(Subcommand)]
pub enum AgentCommand {
    /// Create an agent with every area off; prints its id, then its key (shown only once).
    Create(AgentCreate),
    /// List the agents.
    List,
    /// Show one agent and its grants.
    Show(WhichAgent),
    /// Set one area of an agent's grants to off, read or full.
    Grant(AgentGrant),
    /// Revoke an agent: its key stops working at once.
    Revoke(WhichAgent),
}

#[derive(Args)]
pub struct AgentCreate {
    /// Username the agent acts for; leave it out on a gateway's data dir, where every agent acts
    /// as the upstream token's user.
    #[arg(long)]
    user: Option<String>,
    /// The agent's name, as denials and the audit log show it.
    #[arg(long)]
    name: String,
    /// The environment the agent works in.
    #[arg(long, default_value = "production", value_parser = ["production", "sandbox"])]
    env: String,
}

#[derive(Args)]
pub struct WhichAgent {
    /// The agent's id (first line of `agent create`, or `agent list`).
    id: String,
}

#[derive(Args)]
pub struct AgentGrant {
    /// The agent's id.
    id: String,
    /// The area: pins, create_pins, delete_pins, boards, delete_boards, sections, media, search,
    /// account, account_analytics, secret_content, ads, ads_analytics, catalogs, billing,
    /// business, leads, trends, integrations.
    area: String,
    /// off, read or full.
    level: String,
}

#[derive(Args)]
pub struct AuditArgs {
    /// Only this agent's calls.
    #[arg(long)]
    agent: Option<String>,
    /// Only calls at or after this instant (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    #[arg(long)]
    since: Option<String>,
    /// Most lines to show, newest first.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// One JSON object per line instead of text.
    #[arg(long)]
    json: bool,
}

fn agent_id(s: &str) -> anyhow::Result<AgentId> {
    parse_digits(s).map(AgentId).ok_or_else(|| {
        anyhow::anyhow!("an agent id is a number (was '{s}'); `pinbox agent list` shows them")
    })
}

pub async fn run(cmd: AgentCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        AgentCommand::Create(args) => {
            let env = Env::parse(&args.env).unwrap_or_default();
            let created = with_pinbox(data, async |p: &Pinbox| {
                let user = match &args.user {
                    Some(name) => Some(p.users.named(name).await?.id),
                    None => None,
                };
                p.agents.create(user, &args.name, env).await
            })
            .await?;
            println!("{}", created.agent.id);
            println!("{}", created.key);
            eprintln!(
                "pinbox: agent '{}' can do nothing yet; grant it areas with `pinbox agent grant {} AREA read|full`",
                created.agent.name, created.agent.id
            );
        }
        AgentCommand::List => {
            let agents = with_pinbox(data, async |p: &Pinbox| p.agents.list().await).await?;
            for a in agents {
                println!("{}", summary(&a));
            }
        }
        AgentCommand::Show(args) => {
            let id = agent_id(&args.id)?;
            let agent = with_pinbox(data, async |p: &Pinbox| p.agents.get(id).await).await?;
            print!("{}", details(&agent));
        }
        AgentCommand::Grant(args) => {
            let id = agent_id(&args.id)?;
            let area = Area::parse(&args.area).ok_or_else(|| {
                let names: Vec<&str> = Area::ALL.iter().map(|a| a.as_str()).collect();
                anyhow::anyhow!(
                    "unknown area '{}'; the areas are: {}",
                    args.area,
                    names.join(", ")
                )
            })?;
            let level = Level::parse(&args.level).ok_or_else(|| {
                anyhow::anyhow!("the level is off, read or full (was '{}')", args.level)
            })?;
            let agent = with_pinbox(data, async |p: &Pinbox| {
                p.agents.grant(id, area, level).await
            })
            .await?;
            print!("{}", details(&agent));
        }
        AgentCommand::Revoke(args) => {
            let id = agent_id(&args.id)?;
            let agent = with_pinbox(data, async |p: &Pinbox| p.agents.revoke(id).await).await?;
            println!("{}", summary(&agent));
        }
    }
    Ok(())
}

fn summary(a: &Agent) -> String {
    let status = match a.revoked_at {
        Some(at) => format!("revoked {}", at.to_rfc3339()),
        None => "active".to_string(),
    };
    let user = a
        .user_id
        .map(|u| u.to_string())
        .unwrap_or_else(|| "upstream".into());
    format!("{}\t{}\t{}\tuser {}\t{}", a.id, a.name, a.env, user, status)
}

fn details(a: &Agent) -> String {
    let mut out = format!("{}\n", summary(a));
    for (area, level) in a.grants.all() {
        out.push_str(&format!("  {:<18} {}\n", area.as_str(), level));
    }
    out
}

pub async fn audit(args: AuditArgs, data: &DataDirArg) -> anyhow::Result<()> {
    let agent = args.agent.as_deref().map(agent_id).transpose()?;
    let since = args
        .since
        .as_deref()
        .map(|s| {
            Timestamp::parse_rfc3339(s).ok_or_else(|| {
                anyhow::anyhow!(
                    "--since is an RFC 3339 instant, e.g. 2026-12-01T00:00:00Z (was '{s}')"
                )
            })
        })
        .transpose()?;
    let filter = AuditFilter {
        agent,
        since,
        limit: args.limit,
        ..AuditFilter::default()
    };
    let lines = with_pinbox(data, async |p: &Pinbox| p.agents.audit(filter).await).await?;
    for line in lines {
        if args.json {
            println!("{}", audit_json(&line));
        } else {
            println!("{}", audit_text(&line));
        }
    }
    Ok(())
}

/// One line of the log as people read it.
pub fn audit_text(l: &AuditLine) -> String {
    format!(
        "{} {} agent '{}' {} ({}, {}) {}: {}",
        l.at.to_rfc3339(),
        if l.allowed { "ALLOWED" } else { "DENIED " },
        l.agent_name,
        l.action,
        l.env,
        l.operation,
        l.status,
        l.reason
    )
}
