//! `pinbox gateway`: the agents' access layer in front of another Pinterest API, with its agents
//! and audit log in this data dir (or database).

use std::path::PathBuf;

use clap::Args;
use tokio::net::TcpListener;

use crate::cli::DataDirArg;
use crate::cli::open::open;
use crate::cli::serve::shutdown_signal;
use crate::http::gateway::{Upstream, router};
use crate::http::transport::{self, ConnectionLimits};

#[derive(Args)]
pub struct GatewayArgs {
    /// The Pinterest API to forward to, without /v5 (another pinbox in tests).
    #[arg(
        long,
        env = "PINBOX_UPSTREAM",
        default_value = "https://api.pinterest.com"
    )]
    upstream: String,
    /// A file holding the upstream access token (agents never see it); its first line is used.
    #[arg(long, env = "PINBOX_UPSTREAM_TOKEN_FILE", value_name = "FILE")]
    upstream_token_file: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PINBOX_ADDR", default_value = "127.0.0.1:8090")]
    addr: String,
}

pub async fn run(args: GatewayArgs, data: &DataDirArg) -> anyhow::Result<()> {
    let token = std::fs::read_to_string(&args.upstream_token_file)
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot read the upstream token file {}: {e}",
                args.upstream_token_file.display()
            )
        })?
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    if token.is_empty() {
        anyhow::bail!(
            "the upstream token file {} is empty: put the Pinterest access token on its first line",
            args.upstream_token_file.display()
        );
    }
    let upstream = reqwest::Url::parse(&args.upstream).map_err(|e| {
        anyhow::anyhow!("--upstream must be a URL such as https://api.pinterest.com: {e}")
    })?;
    let stop = shutdown_signal()?;
    let pinbox = open(data).await?;
    let listener = TcpListener::bind(&args.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr()?;
    let agents = pinbox.agents.clone();
    let app = router(
        agents.clone(),
        Upstream {
            url: upstream.as_str().trim_end_matches('/').to_string(),
            token,
        },
    );
    println!("pinbox gateway listening on http://{addr}, forwarding to {upstream}");
    transport::serve(listener, app, ConnectionLimits::default(), stop).await?;
    agents.flush().await;
    pinbox.close().await?;
    Ok(())
}
