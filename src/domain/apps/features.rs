//! Restricted features an operator grants to an app, as Pinterest grants them on request
//! (seed 002: `video_url` is "limited and not available to all apps"). Grants live in the store so
//! every replica and the CLI agree.

use crate::domain::apps::Apps;
use crate::domain::ids::AppId;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppFeature {
    /// Video Pins answer with a `video_url` pinbox serves, instead of `null`.
    VideoUrl,
}

impl AppFeature {
    pub const ALL: &'static [AppFeature] = &[AppFeature::VideoUrl];

    pub fn as_str(self) -> &'static str {
        match self {
            AppFeature::VideoUrl => "video_url",
        }
    }

    pub fn parse(s: &str) -> Option<AppFeature> {
        AppFeature::ALL.iter().copied().find(|f| f.as_str() == s)
    }
}

impl Apps {
    pub async fn grant_feature(&self, app: AppId, feature: AppFeature) -> Result<()> {
        let app = self.get(app).await?;
        self.store
            .grant_app_feature(app.id, feature.as_str(), self.clock.now())
            .await?;
        Ok(())
    }

    /// Takes a feature back; an error when the app never had it.
    pub async fn revoke_feature(&self, app: AppId, feature: AppFeature) -> Result<()> {
        let app = self.get(app).await?;
        if self
            .store
            .revoke_app_feature(app.id, feature.as_str())
            .await?
        {
            Ok(())
        } else {
            Err(Error::not_found(
                404,
                format!(
                    "The app {} does not have the '{}' feature.",
                    app.id,
                    feature.as_str()
                ),
            ))
        }
    }

    pub async fn has_feature(&self, app: AppId, feature: AppFeature) -> Result<bool> {
        Ok(self.store.app_has_feature(app, feature.as_str()).await?)
    }
}
