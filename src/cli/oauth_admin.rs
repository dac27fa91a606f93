//! Admin commands of the OAuth feature: managing apps after creation, changing a password
//! (which ends the user's tokens and sessions) and the token debugger.

use std::io::{BufRead, Read};

use clap::Args;

use crate::cli::DataDirArg;
use crate::cli::admin::{AppCommand, open};
use crate::domain::Pinbox;
use crate::domain::apps::{App, Tier};
use crate::domain::ids::{AppId, parse_digits};
use crate::domain::tokens::TokenReport;
use crate::http::control::tokens::TokenReportJson;

#[derive(Args)]
pub struct UserSetPassword {
    /// The user whose password changes.
    username: String,
    /// The new password (at least 8 characters); read from the first line of stdin when absent.
    #[arg(long)]
    password: Option<String>,
}

#[derive(Args)]
pub struct AppList {
    /// Only the apps of this developer.
    #[arg(long)]
    owner: Option<String>,
}

#[derive(Args)]
pub struct AppRef {
    /// The app id (also its OAuth client id).
    app: String,
}

#[derive(Args)]
pub struct AppUri {
    /// The app id (also its OAuth client id).
    app: String,
    /// An absolute http:// or https:// URL, matched exactly in the OAuth flow.
    uri: String,
}

#[derive(Args)]
pub struct AppTier {
    /// The app id (also its OAuth client id).
    app: String,
    /// trial or standard.
    #[arg(value_parser = ["trial", "standard"])]
    tier: String,
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

fn app_id(raw: &str) -> anyhow::Result<AppId> {
    parse_digits(raw)
        .map(AppId)
        .ok_or_else(|| anyhow::anyhow!("the app id must be numeric (was '{raw}')"))
}

/// Runs `work` on an opened pinbox and closes the store whatever happened.
async fn with_pinbox<T>(
    data: &DataDirArg,
    work: impl AsyncFnOnce(&Pinbox) -> crate::error::Result<T>,
) -> anyhow::Result<T> {
    let pinbox = open(data).await?;
    let result = work(&pinbox).await;
    pinbox.close().await?;
    Ok(result?)
}

pub async fn set_password(args: UserSetPassword, data: &DataDirArg) -> anyhow::Result<()> {
    let password = match args.password {
        Some(p) => p,
        None => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\n', '\r']).to_string()
        }
    };
    let revoked = with_pinbox(data, async |p| {
        p.users.set_password(&args.username, &password).await
    })
    .await?;
    println!(
        "password changed for {}; {revoked} token(s) revoked and every sign-in session ended",
        args.username
    );
    Ok(())
}

async fn describe(p: &Pinbox, app: &App) -> crate::error::Result<String> {
    let owner = p
        .users
        .find(app.owner_id)
        .await?
        .map(|u| u.username)
        .unwrap_or_else(|| app.owner_id.to_string());
    Ok(owner)
}

fn print_app(app: &App, owner: &str) {
    println!("id            {}", app.id);
    println!("name          {}", app.name);
    println!("owner         {owner} ({})", app.owner_id);
    println!("tier          {}", app.tier.as_str());
    println!("created       {}", app.created_at.to_rfc3339());
    for uri in &app.redirect_uris {
        println!("redirect_uri  {uri}");
    }
}

pub async fn app(cmd: AppCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        AppCommand::Create(_) | AppCommand::GrantFeature(_) | AppCommand::RevokeFeature(_) => {
            unreachable!("handled by admin::app")
        }
        AppCommand::List(args) => {
            let rows = with_pinbox(data, async |p| {
                let mut rows = Vec::new();
                for app in p.apps.of_owner(args.owner.as_deref()).await? {
                    let owner = describe(p, &app).await?;
                    rows.push(format!(
                        "{}\t{}\t{}\t{}",
                        app.id,
                        app.tier.as_str(),
                        owner,
                        app.name
                    ));
                }
                Ok(rows)
            })
            .await?;
            for row in rows {
                println!("{row}");
            }
        }
        AppCommand::Show(args) => {
            let id = app_id(&args.app)?;
            let (app, owner) = with_pinbox(data, async |p| {
                let app = p.apps.get(id).await?;
                let owner = describe(p, &app).await?;
                Ok((app, owner))
            })
            .await?;
            print_app(&app, &owner);
        }
        AppCommand::AddRedirectUri(args) => {
            let id = app_id(&args.app)?;
            with_pinbox(data, async |p| p.apps.add_redirect_uri(id, &args.uri).await).await?;
        }
        AppCommand::RemoveRedirectUri(args) => {
            let id = app_id(&args.app)?;
            with_pinbox(data, async |p| {
                p.apps.remove_redirect_uri(id, &args.uri).await
            })
            .await?;
        }
        AppCommand::RotateSecret(args) => {
            let id = app_id(&args.app)?;
            let rotated = with_pinbox(data, async |p| p.apps.rotate_secret(id).await).await?;
            println!("{}", rotated.secret);
        }
        AppCommand::SetTier(args) => {
            let id = app_id(&args.app)?;
            let tier = Tier::parse(&args.tier).unwrap_or(Tier::Trial);
            with_pinbox(data, async |p| p.apps.set_tier(id, tier).await).await?;
        }
    }
    Ok(())
}

pub async fn inspect(args: TokenInspect, data: &DataDirArg) -> anyhow::Result<()> {
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
