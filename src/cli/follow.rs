//! `pinbox follow user|board`: make one user follow another user or a public board, so that
//! scripts and tests can build a social graph the API then reports.

use clap::{Args, Subcommand};

use crate::cli::DataDirArg;
use crate::cli::open::open;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, parse_digits};

#[derive(Subcommand)]
pub enum FollowCommand {
    /// FOLLOWER follows the user FOLLOWEE; prints FOLLOWEE's username.
    User(FollowUser),
    /// FOLLOWER follows a public board of another user; prints the board id.
    Board(FollowBoard),
}

#[derive(Args)]
pub struct FollowUser {
    /// Username of the user who follows.
    follower: String,
    /// Username of the user followed.
    followee: String,
    /// The environment the follow is made in.
    #[arg(long, default_value = "production", value_parser = ["production", "sandbox"])]
    env: String,
}

#[derive(Args)]
pub struct FollowBoard {
    /// Username of the user who follows.
    follower: String,
    /// Id of another user's public board.
    board_id: String,
    /// The environment the board lives in.
    #[arg(long, default_value = "production", value_parser = ["production", "sandbox"])]
    env: String,
}

pub async fn run(cmd: FollowCommand, data: &DataDirArg) -> anyhow::Result<()> {
    match cmd {
        FollowCommand::User(args) => {
            let env = Env::parse(&args.env).unwrap_or_default();
            let pinbox = open(data).await?;
            let result = async {
                let follower = pinbox.users.named(&args.follower).await?;
                pinbox
                    .follows
                    .follow_user(follower.id, env, &args.followee)
                    .await
            }
            .await;
            pinbox.close().await?;
            println!("{}", result?.username);
            Ok(())
        }
        FollowCommand::Board(args) => {
            let env = Env::parse(&args.env).unwrap_or_default();
            let board = parse_digits(&args.board_id).map(BoardId).ok_or_else(|| {
                anyhow::anyhow!(
                    "BOARD_ID must be a numeric board id (was '{}')",
                    args.board_id
                )
            })?;
            let pinbox = open(data).await?;
            let result = async {
                let follower = pinbox.users.named(&args.follower).await?;
                pinbox.follows.follow_board(follower.id, env, board).await
            }
            .await;
            pinbox.close().await?;
            println!("{}", result?.id);
            Ok(())
        }
    }
}
