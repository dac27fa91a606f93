//! Opening the data dir for one admin command, and closing it whatever the command did.

use crate::cli::DataDirArg;
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::Pinbox;
use crate::server::open_pinbox;

/// The pinbox of the data dir (or database) the command line names, saying so when it creates one.
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

/// Runs `work` on an opened pinbox and closes the store whatever happened.
pub(super) async fn with_pinbox<T>(
    data: &DataDirArg,
    work: impl AsyncFnOnce(&Pinbox) -> crate::error::Result<T>,
) -> anyhow::Result<T> {
    let pinbox = open(data).await?;
    let result = work(&pinbox).await;
    pinbox.close().await?;
    Ok(result?)
}
