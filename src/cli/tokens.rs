//! `pinbox token`: issue an access token, and the token debugger.

use std::io::Read;

use clap::{Args, Subcommand};

use crate::catalog::scope::Scopes;
use crate::cli::DataDirArg;
use crate::cli::open::with_pinbox;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, parse_digits};
use crate::domain::tokens::TokenReport;
use crate::http::control::tokens::TokenReportJson;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue an access token; prints only the token.
    Issue(TokenIssue),
    /// Report what a token is: app, user, scopes, environment, times and status.
    Inspect(TokenInspect),
}

#[derive(Args)]
pub struct TokenIssue {
    /// Username the token acts for.
    #[arg(long)]
    user: String,
    /// Id of the app the token is issued to.
    #[arg(long)]
    app: String,
    /// Comma-separated Pinterest scopes, e.g. boards:read,pins:read.
    #[arg(long)]
    scopes: String,
    /// The environment the token works in.
    #[arg(long, default_value = "production", value_parser = ["production", "sandbox"])]
    env: String,
}

#[derive(Args)]
pub struct TokenInspect {
    /// The access (pina_...) or refresh (pinr_...) token; `-` reads it from stdin, which keeps it
    /// out of the process list.
    token: String,
    /// Print the report as JSON (the same shape as POST /_pinbox/tokens/inspect).
    #[arg(long)]
    json: bool,
}

pub async fn run(cmd: TokenCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Issue(args) => issue(args, data).await,
        TokenCommand::Inspect(args) => inspect(args, data).await,
    }
}

async fn issue(args: TokenIssue, data: &DataDirArg) -> anyhow::Result<()> {
    let scopes = Scopes::parse_list(&args.scopes).map_err(|bad| {
        anyhow::anyhow!(
            "unknown scope '{bad}'; Pinterest's scopes are: {}",
            Scopes::all()
        )
    })?;
    if scopes.is_empty() {
        anyhow::bail!("--scopes needs at least one scope, e.g. boards:read,pins:read");
    }
    let app_id = parse_digits(&args.app)
        .map(AppId)
        .ok_or_else(|| anyhow::anyhow!("--app must be a numeric app id (was '{}')", args.app))?;
    let env = Env::parse(&args.env).unwrap_or_default();
    let issued = with_pinbox(data, async |p| {
        let user = p.users.named(&args.user).await?;
        let app = p.apps.get(app_id).await?;
        p.tokens.issue(Some(user.id), app.id, scopes, env).await
    })
    .await?;
    println!("{}", issued.secret);
    Ok(())
}

async fn inspect(args: TokenInspect, data: &DataDirArg) -> anyhow::Result<()> {
    let token = if args.token == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text.trim().to_string()
    } else {
        args.token.trim().to_string()
    };
    let report = with_pinbox(data, async |p| p.tokens.inspect(&token).await).await?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&TokenReportJson::from(report))?
        );
    } else {
        print_report(&report);
    }
    Ok(())
}

fn print_report(r: &TokenReport) {
    println!("status       {}", r.status.as_str());
    println!("kind         {}", r.token.kind.as_str());
    println!("environment  {}", r.token.env);
    match &r.app {
        Some(app) => println!("app          {} ({})", app.id, app.name),
        None => println!("app          {} (deleted)", r.token.app_id),
    }
    match &r.user {
        Some(user) => println!("user         {} ({})", user.username, user.id),
        None => println!("user         none (app token from client credentials)"),
    }
    println!("scopes       {}", r.token.scopes);
    println!("issued       {}", r.token.created_at.to_rfc3339());
    println!("expires      {}", r.token.expires_at.to_rfc3339());
    if let Some(at) = r.token.revoked_at {
        println!("revoked      {}", at.to_rfc3339());
    }
}
