//! Admin commands: create users, apps and tokens in a data dir, printing only what scripts need.

use clap::{Args, Subcommand};

use crate::catalog::scope::Scopes;
use crate::cli::{DataDirArg, oauth_admin};
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::Pinbox;
use crate::domain::apps::Tier;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, parse_digits};
use crate::domain::users::AccountType;
use crate::server::open_pinbox;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; prints the user id.
    Create(UserCreate),
    /// Change a user's password (from --password or stdin); ends all their tokens and sessions.
    SetPassword(oauth_admin::UserSetPassword),
}

#[derive(Args)]
pub struct UserCreate {
    /// The username (letters, digits, _ and -; 3 to 30 characters).
    username: String,
    /// Password for signing in (OAuth consent); at least 8 characters.
    #[arg(long)]
    password: Option<String>,
    /// Make it a BUSINESS account instead of PINNER.
    #[arg(long)]
    business: bool,
}

#[derive(Subcommand)]
pub enum AppCommand {
    /// Create a developer app; prints its id, then its secret (shown only now).
    Create(AppCreate),
    /// List apps: id, tier, owner and name, one per line.
    List(oauth_admin::AppList),
    /// Show an app: owner, tier, redirect URIs (never the secret).
    Show(oauth_admin::AppRef),
    /// Register a redirect URI (matched exactly in the OAuth flow).
    AddRedirectUri(oauth_admin::AppUri),
    /// Unregister a redirect URI.
    RemoveRedirectUri(oauth_admin::AppUri),
    /// Replace the app secret; prints the new one (shown only now). The old one stops working.
    RotateSecret(oauth_admin::AppRef),
    /// Set the access tier (trial or standard); it applies from the next request.
    SetTier(oauth_admin::AppTier),
    /// Grant an app a restricted feature (video_url: video Pins carry a video URL).
    GrantFeature(crate::cli::app_features::FeatureArgs),
    /// Take a restricted feature back from an app.
    RevokeFeature(crate::cli::app_features::FeatureArgs),
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

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue an access token; prints only the token.
    Issue(TokenIssue),
    /// Report what a token is: app, user, scopes, environment, times and status.
    Inspect(oauth_admin::TokenInspect),
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

pub(super) async fn open(data: &DataDirArg) -> anyhow::Result<Pinbox> {
    let config = Config {
        storage: data.storage(),
        media_dir: Some(data.data_dir.join("media")),
        ..Config::default()
    };
    let watch = data.watch();
    let pinbox = open_pinbox(&config, Clock::system()).await?;
    watch.announce();
    Ok(pinbox)
}

pub async fn user(cmd: UserCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create(args) => {
            let pinbox = open(data).await?;
            let account_type = if args.business {
                AccountType::Business
            } else {
                AccountType::Pinner
            };
            let result = pinbox
                .users
                .create(&args.username, args.password.as_deref(), account_type)
                .await;
            pinbox.close().await?;
            println!("{}", result?.id);
            Ok(())
        }
        UserCommand::SetPassword(args) => oauth_admin::set_password(args, data).await,
    }
}

pub async fn app(cmd: AppCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        AppCommand::Create(args) => {
            let pinbox = open(data).await?;
            let tier = Tier::parse(&args.tier).unwrap_or(Tier::Trial);
            let result = async {
                let owner = pinbox.users.named(&args.owner).await?;
                pinbox
                    .apps
                    .create(&owner, &args.name, args.redirect_uris.clone(), tier)
                    .await
            }
            .await;
            pinbox.close().await?;
            let created = result?;
            println!("{}", created.app.id);
            println!("{}", created.secret);
            Ok(())
        }
        AppCommand::GrantFeature(args) => crate::cli::app_features::grant(args, data).await,
        AppCommand::RevokeFeature(args) => crate::cli::app_features::revoke(args, data).await,
        other => oauth_admin::app(other, data).await,
    }
}

pub async fn token(cmd: TokenCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Issue(args) => {
            let scopes = Scopes::parse_list(&args.scopes).map_err(|bad| {
                anyhow::anyhow!(
                    "unknown scope '{bad}'; Pinterest's scopes are: {}",
                    Scopes::all()
                )
            })?;
            if scopes.is_empty() {
                anyhow::bail!("--scopes needs at least one scope, e.g. boards:read,pins:read");
            }
            let app_id = parse_digits(&args.app).map(AppId).ok_or_else(|| {
                anyhow::anyhow!("--app must be a numeric app id (was '{}')", args.app)
            })?;
            let env = Env::parse(&args.env).unwrap_or_default();
            let pinbox = open(data).await?;
            let result = async {
                let user = pinbox.users.named(&args.user).await?;
                let app = pinbox.apps.get(app_id).await?;
                pinbox
                    .tokens
                    .issue(Some(user.id), app.id, scopes, env)
                    .await
            }
            .await;
            pinbox.close().await?;
            println!("{}", result?.secret);
            Ok(())
        }
        TokenCommand::Inspect(args) => oauth_admin::inspect(args, data).await,
    }
}
