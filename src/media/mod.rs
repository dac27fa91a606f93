//! Media handling outside the store: image decoding and renditions, guarded fetching from URLs,
//! and the directory media files live in.

pub mod fetch;
pub mod files;
pub mod images;
