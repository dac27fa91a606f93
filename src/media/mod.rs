//! Media handling outside the store: image decoding and renditions within a memory budget,
//! guarded fetching from URLs, the directory media files live in, and for videos the container reader, S3-style upload
//! policies and the neutral cover.

pub mod bmff;
pub mod cover_frame;
pub mod decode_budget;
pub mod fetch;
pub mod files;
pub mod images;
pub mod s3_post;
pub mod single_flight;

use std::path::Path;
use std::sync::Arc;

use crate::media::decode_budget::DecodeBudget;
use crate::media::fetch::{FetchConfig, Fetcher};
use crate::media::files::FileStore;
use crate::media::images::{ImageLimits, Rendition};
use crate::media::single_flight::SingleFlight;

/// An image's renditions as made together on the first fetch of one.
pub type Renditions = Arc<Vec<(Rendition, bytes::Bytes)>>;

/// Everything Pins need besides the store: where files go, how URLs are fetched, image limits.
#[derive(Clone)]
pub struct Media {
    pub files: FileStore,
    pub fetcher: Arc<Fetcher>,
    pub image_limits: ImageLimits,
    /// Decodes (on upload and for renditions) share one memory budget sized by the pixel limit,
    /// so concurrent large images queue instead of multiplying memory; and, being CPU-bound, run
    /// at most one per core, so that a burst of uploads queues instead of starting a thread (and
    /// its buffers) per request.
    pub decoding: Arc<DecodeBudget>,
    /// Renditions being made, by image key: a Pin's four rendition URLs fetched at once make
    /// them once.
    pub renders: Arc<SingleFlight<Option<Renditions>>>,
    /// Keeps an ephemeral media directory alive as long as any clone of this.
    _tempdir: Option<Arc<tempfile::TempDir>>,
}

impl Media {
    pub fn in_dir(
        dir: &Path,
        fetch: FetchConfig,
        image_limits: ImageLimits,
    ) -> std::io::Result<Media> {
        Ok(Media {
            files: FileStore::new(dir)?,
            fetcher: Arc::new(Fetcher::new(fetch)),
            image_limits,
            decoding: Arc::new(DecodeBudget::new(
                image_limits.decode_budget(),
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            renders: Arc::default(),
            _tempdir: None,
        })
    }

    /// Media in a temporary directory, removed when the last clone is dropped.
    pub fn ephemeral(fetch: FetchConfig, image_limits: ImageLimits) -> std::io::Result<Media> {
        let dir = tempfile::Builder::new().prefix("pinbox-media-").tempdir()?;
        let mut media = Media::in_dir(dir.path(), fetch, image_limits)?;
        media._tempdir = Some(Arc::new(dir));
        Ok(media)
    }
}
