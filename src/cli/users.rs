//! `pinbox user`: create a user, change a password (which ends the user's tokens and sessions).

use std::io::BufRead;

use clap::{Args, Subcommand};

use crate::cli::DataDirArg;
use crate::cli::open::with_pinbox;
use crate::domain::users::AccountType;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; prints the user id.
    Create(UserCreate),
    /// Change a user's password (from --password or stdin); ends all their tokens and sessions.
    SetPassword(UserSetPassword),
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

#[derive(Args)]
pub struct UserSetPassword {
    /// The user whose password changes.
    username: String,
    /// The new password (at least 8 characters); read from the first line of stdin when absent.
    #[arg(long)]
    password: Option<String>,
}

pub async fn run(cmd: UserCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create(args) => create(args, data).await,
        UserCommand::SetPassword(args) => set_password(args, data).await,
    }
}

async fn create(args: UserCreate, data: &DataDirArg) -> anyhow::Result<()> {
    let account_type = if args.business {
        AccountType::Business
    } else {
        AccountType::Pinner
    };
    let user = with_pinbox(data, async |p| {
        p.users
            .create(&args.username, args.password.as_deref(), account_type)
            .await
    })
    .await?;
    println!("{}", user.id);
    Ok(())
}

async fn set_password(args: UserSetPassword, data: &DataDirArg) -> anyhow::Result<()> {
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
