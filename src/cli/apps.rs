//! `pinbox app`: create developer apps and manage them afterwards (redirect URIs, the secret,
//! the access tier, restricted features).

use clap::{Args, Subcommand};

use crate::cli::DataDirArg;
use crate::cli::app_features::{self, FeatureArgs};
use crate::cli::open::with_pinbox;
use crate::domain::Pinbox;
use crate::domain::apps::{App, Tier};
use crate::domain::ids::{AppId, parse_digits};

#[derive(Subcommand)]
pub enum AppCommand {
    /// Create a developer app; prints its id, then its secret (shown only now).
    Create(AppCreate),
    /// List apps: id, tier, owner and name, one per line.
    List(AppList),
    /// Show an app: owner, tier, redirect URIs (never the secret).
    Show(AppRef),
    /// Register a redirect URI (matched exactly in the OAuth flow).
    AddRedirectUri(AppUri),
    /// Unregister a redirect URI.
    RemoveRedirectUri(AppUri),
    /// Replace the app secret; prints the new one (shown only now). The old one stops working.
    RotateSecret(AppRef),
    /// Set the access tier (trial or standard); it applies from the next request.
    SetTier(AppTier),
    /// Grant an app a restricted feature (video_url: video Pins carry a video URL).
    GrantFeature(FeatureArgs),
    /// Take a restricted feature back from an app.
    RevokeFeature(FeatureArgs),
}

#[derive(Args)]
pub struct AppCreate {
    /// Username of the developer who owns the app.
    #[arg(long)]
    owner: String,
    /// The app's name, shown on the OAuth consent page.
    #[arg(long)]
    name: String,
    /// A redirect URI for the OAuth flow; repeat for several.
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// Access tier: trial (1,000 calls a day, no Pins in production) or standard.
    #[arg(long, default_value = "trial", value_parser = ["trial", "standard"])]
    tier: String,
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

pub async fn run(cmd: AppCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        AppCommand::Create(args) => {
            let tier = Tier::parse(&args.tier).unwrap_or(Tier::Trial);
            let created = with_pinbox(data, async |p| {
                let owner = p.users.named(&args.owner).await?;
                p.apps
                    .create(&owner, &args.name, args.redirect_uris.clone(), tier)
                    .await
            })
            .await?;
            println!("{}", created.app.id);
            println!("{}", created.secret);
        }
        AppCommand::List(args) => {
            let rows = with_pinbox(data, async |p| {
                let mut rows = Vec::new();
                for app in p.apps.of_owner(args.owner.as_deref()).await? {
                    let owner = owner_name(p, &app).await?;
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
                let owner = owner_name(p, &app).await?;
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
        AppCommand::GrantFeature(args) => app_features::grant(args, data).await?,
        AppCommand::RevokeFeature(args) => app_features::revoke(args, data).await?,
    }
    Ok(())
}

fn app_id(raw: &str) -> anyhow::Result<AppId> {
    parse_digits(raw)
        .map(AppId)
        .ok_or_else(|| anyhow::anyhow!("the app id must be numeric (was '{raw}')"))
}

/// The owner's username, or their id if the user is gone.
async fn owner_name(p: &Pinbox, app: &App) -> crate::error::Result<String> {
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
