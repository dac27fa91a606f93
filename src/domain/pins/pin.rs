//! Pins: what they are made of, what they show, and the rules for their text fields.

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::domain::boards::Privacy;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, BoardId, PinId, SectionId, UserId};
use crate::domain::text::{TextKind, check_characters};
use crate::error::{Error, Result};
use crate::media::bmff::Container;

/// The spec's `CreativeType` values pinbox produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreativeType {
    Regular,
    Video,
    Carousel,
}

impl CreativeType {
    pub fn as_str(self) -> &'static str {
        match self {
            CreativeType::Regular => "REGULAR",
            CreativeType::Video => "VIDEO",
            CreativeType::Carousel => "CAROUSEL",
        }
    }

    pub fn parse(s: &str) -> Option<CreativeType> {
        match s {
            "REGULAR" => Some(CreativeType::Regular),
            "VIDEO" => Some(CreativeType::Video),
            "CAROUSEL" => Some(CreativeType::Carousel),
            _ => None,
        }
    }
}

/// Every value of the spec's `CreativeType`, accepted in filters even where pinbox makes none.
pub const ALL_CREATIVE_TYPES: &[&str] = &[
    "REGULAR",
    "VIDEO",
    "SHOPPING",
    "CAROUSEL",
    "MAX_VIDEO",
    "SHOP_THE_PIN",
    "COLLECTION",
    "IDEA",
    "SHOWCASE",
    "QUIZ",
    "COLLAGE",
    "MAX_WIDTH_REGULAR_COLLECTION",
    "MAX_WIDTH_VIDEO_COLLECTION",
];

/// An image pinbox holds, by key, with the original's size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    pub key: String,
    pub width: u32,
    pub height: u32,
}

/// An image as the store keeps it (the files themselves live in the media directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub key: String,
    pub width: u32,
    pub height: u32,
    /// MIME type of the original.
    pub format: String,
    pub dominant_color: String,
    pub created_at: Timestamp,
}

impl StoredImage {
    pub fn as_ref(&self) -> ImageRef {
        ImageRef {
            key: self.key.clone(),
            width: self.width,
            height: self.height,
        }
    }
}

/// What a Pin shows in one slot: an image pinbox holds, or a URL it could not (or may not) fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "stored::RawImage")]
pub enum PinImage {
    Stored(ImageRef),
    Remote { url: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarouselItem {
    pub image: PinImage,
    pub title: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
}

/// A video Pin's own copy of its video file, and what pinbox read from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoRef {
    /// 32 hex digits naming the file (see `domain::video_pins::video_file`).
    pub key: String,
    pub container: Container,
    /// The media upload it was made from.
    pub media_id: i64,
    pub duration_ms: u64,
    pub width: u32,
    pub height: u32,
    pub size: u64,
    /// `cover_image_key_frame_time` as sent, clamped to the duration; kept, never decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_frame_time: Option<u64>,
}

mod stored;

/// What a Pin shows; stored as JSON in the Pin's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "stored::RawMedia")]
pub enum PinMedia {
    Image {
        image: PinImage,
    },
    Carousel {
        items: Vec<CarouselItem>,
        index: u32,
    },
    /// `ready_at` (milliseconds since the epoch) is when pinbox has "finished processing" the
    /// video Pin; the store's creative-type filter reads it from this JSON.
    Video {
        video: VideoRef,
        cover: PinImage,
        ready_at: i64,
    },
}

impl PinMedia {
    /// The image that stands for the Pin on its board (cover and thumbnails).
    pub fn cover(&self) -> Option<&PinImage> {
        match self {
            PinMedia::Image { image } => Some(image),
            PinMedia::Carousel { items, index } => items
                .get(*index as usize)
                .or_else(|| items.first())
                .map(|i| &i.image),
            PinMedia::Video { cover, .. } => Some(cover),
        }
    }

    /// The video, once pinbox has finished processing the Pin at `now`.
    pub fn ready_video(&self, now: Timestamp) -> Option<&VideoRef> {
        match self {
            PinMedia::Video {
                video, ready_at, ..
            } if now.0 >= *ready_at => Some(video),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pin {
    pub id: PinId,
    /// Position in its lists; bookmarks carry it.
    pub seq: i64,
    pub owner_id: UserId,
    pub owner_username: String,
    pub env: Env,
    pub app_id: Option<AppId>,
    pub board_id: BoardId,
    /// The privacy of the board it is on, which decides who may see it.
    pub board_privacy: Privacy,
    pub section_id: Option<SectionId>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
    pub alt_text: Option<String>,
    pub dominant_color: Option<String>,
    pub creative_type: CreativeType,
    pub is_standard: bool,
    pub has_been_promoted: bool,
    pub is_removable: bool,
    pub parent_pin_id: Option<PinId>,
    pub media: PinMedia,
    pub created_at: Timestamp,
}

impl Pin {
    /// The creative type shown at `now`: a video Pin reads REGULAR while pinbox is processing it
    /// and VIDEO after, as seed 004 describes Pinterest's.
    pub fn creative_type_at(&self, now: Timestamp) -> CreativeType {
        match &self.media {
            PinMedia::Video { ready_at, .. } if now.0 < *ready_at => CreativeType::Regular,
            _ => self.creative_type,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewPin {
    pub id: PinId,
    pub owner_id: UserId,
    pub env: Env,
    pub app_id: Option<AppId>,
    pub board_id: BoardId,
    pub section_id: Option<SectionId>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
    pub alt_text: Option<String>,
    pub dominant_color: Option<String>,
    pub creative_type: CreativeType,
    pub is_standard: bool,
    pub is_removable: bool,
    pub parent_pin_id: Option<PinId>,
    pub media: PinMedia,
    pub created_at: Timestamp,
}

/// A partial update; `Some(None)` clears a field.
#[derive(Debug, Clone, Default)]
pub struct PinChanges {
    pub title: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub link: Option<Option<String>>,
    pub alt_text: Option<Option<String>>,
    pub board_id: Option<BoardId>,
    pub section_id: Option<Option<SectionId>>,
    /// Replaces the whole media (carousel slot edits).
    pub media: Option<PinMedia>,
}

/// Whether a Pin's owner sees it, with a token that has `pins:read_secret` or not
/// (`reads_secret_pins`): Pins on secret boards are secret Pins. Every figure and image computed
/// from an owner's Pins (board counts, covers and thumbnails, analytics) counts only those the
/// owner's token sees; the stores apply the same rule in their queries.
pub fn owner_sees_pins_on(board_privacy: Privacy, reads_secret_pins: bool) -> bool {
    board_privacy != Privacy::Secret || reads_secret_pins
}

/// Which Pins a list returns.
#[derive(Debug, Clone, Copy)]
pub enum PinScope {
    Board(BoardId),
    Section(SectionId),
    Owner(UserId, Env),
}

/// Filters on a Pin list, applied by the store.
#[derive(Debug, Clone, Default)]
pub struct PinFilter {
    /// Board privacies whose Pins may appear; `None` means all.
    pub include_secret: bool,
    pub include_protected: bool,
    pub only_secret: bool,
    /// `Some(true)`: only saved Pins (with a parent); `Some(false)`: only native ones.
    pub repins: Option<bool>,
    pub only_promoted: bool,
    /// Empty means any.
    pub creative_types: Vec<CreativeType>,
    /// Match creative types as shown at this instant (a video Pin still processing is REGULAR);
    /// `None` matches the stored type.
    pub as_of: Option<Timestamp>,
}

pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 800;
pub const LINK_MAX: usize = 2048;
pub const ALT_TEXT_MAX: usize = 500;

/// Checks an optional text field against the spec's `maxLength`.
/// Checks an optional text field against the spec's `maxLength` and the characters free text
/// may hold.
pub fn check_text(field: &str, value: Option<&str>, max: usize) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    check_characters(field, v, TextKind::Free)?;
    if v.chars().count() > max {
        return Err(Error::invalid(format!(
            "Invalid request: '{field}' is longer than {max} characters."
        )));
    }
    Ok(())
}

/// Pin links must be http(s) URLs, as Pinterest requires.
pub fn check_link(link: Option<&str>) -> Result<()> {
    // A URL holds no control character; the URL parser would silently drop tabs and line breaks.
    if let Some(l) = link {
        check_characters("link", l, TextKind::Name)?;
    }
    check_text("link", link, LINK_MAX)?;
    if let Some(l) = link
        && !l.is_empty()
    {
        let ok = url::Url::parse(l)
            .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .unwrap_or(false);
        if !ok {
            return Err(Error::invalid(
                "Whoops! It looks like you entered an invalid URL. Try creating a Pin again with a \
                 valid URL: 'link' must be an http:// or https:// URL.",
            ));
        }
    }
    Ok(())
}

/// `#RRGGBB`, as the spec describes `dominant_color`.
pub fn check_color(color: Option<&str>) -> Result<()> {
    if let Some(c) = color {
        let ok =
            c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            return Err(Error::invalid(format!(
                "Invalid request: 'dominant_color' must be a hex colour like #6E7874 (was '{c}')."
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_round_trips_through_json() {
        let m = PinMedia::Carousel {
            items: vec![CarouselItem {
                image: PinImage::Remote {
                    url: "https://example.com/a.png".into(),
                },
                title: Some("t".into()),
                description: None,
                link: None,
            }],
            index: 0,
        };
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<PinMedia>(&text).unwrap(), m);
    }

    #[test]
    fn links_and_colours_are_checked() {
        assert!(check_link(Some("https://example.com/x")).is_ok());
        assert!(check_link(Some("javascript:alert(1)")).is_err());
        assert!(check_link(Some("not a url")).is_err());
        assert!(check_color(Some("#6E7874")).is_ok());
        assert!(check_color(Some("red")).is_err());
        assert!(check_text("title", Some(&"x".repeat(101)), TITLE_MAX).is_err());
    }
}
