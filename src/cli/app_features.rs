//! `pinbox app grant-feature` and `pinbox app revoke-feature`: an operator grants an app a
//! restricted feature, as Pinterest does on request (seed 002), e.g. `video_url` so that its
//! video Pins answer with a URL of the video instead of `null`.

use clap::Args;

use crate::cli::DataDirArg;
use crate::cli::open::with_pinbox;
use crate::domain::apps::AppFeature;
use crate::domain::ids::{AppId, parse_digits};

#[derive(Args)]
pub struct FeatureArgs {
    /// Id of the app.
    #[arg(long)]
    app: String,
    /// The feature: video_url.
    feature: String,
}

fn parse(args: &FeatureArgs) -> anyhow::Result<(AppId, AppFeature)> {
    let app = parse_digits(&args.app)
        .map(AppId)
        .ok_or_else(|| anyhow::anyhow!("--app must be a numeric app id (was '{}')", args.app))?;
    let feature = AppFeature::parse(&args.feature).ok_or_else(|| {
        let known: Vec<&str> = AppFeature::ALL.iter().map(|f| f.as_str()).collect();
        anyhow::anyhow!(
            "unknown feature '{}'; pinbox knows: {}",
            args.feature,
            known.join(", ")
        )
    })?;
    Ok((app, feature))
}

/// Grants the feature; granting it twice is fine. Prints nothing.
pub async fn grant(args: FeatureArgs, data: &DataDirArg) -> anyhow::Result<()> {
    let (app, feature) = parse(&args)?;
    with_pinbox(data, async |p| p.apps.grant_feature(app, feature).await).await
}

/// Takes the feature back; an error when the app does not have it.
pub async fn revoke(args: FeatureArgs, data: &DataDirArg) -> anyhow::Result<()> {
    let (app, feature) = parse(&args)?;
    with_pinbox(data, async |p| p.apps.revoke_feature(app, feature).await).await
}
