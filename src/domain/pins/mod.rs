//! The rules for Pins: where they may go, who may see and change them, what they are made from,
//! saving, and their lists.

mod store;
pub use store::*;

mod images;
mod pin;
mod video;

pub use images::*;
pub use pin::*;
pub use video::*;

use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::domain::apps::Tier;
use crate::domain::boards::{Boards, Privacy};
use crate::domain::caller::Caller;
use crate::domain::engagement::EngagementLog;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, PinId, SectionId, UserId};
use crate::domain::media_uploads::MediaUploads;
use crate::domain::page::{Cursor, ListKind, Pages};
use crate::domain::sections::Sections;
use crate::domain::storage::{StoreError, VolumeLimit};
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, ErrorKind, Result};
use crate::media::Media;

/// Pins: making them (from images, carousels, other Pins and video uploads), who may see and
/// change them, saving them, their lists, and the images they show.
#[derive(Clone)]
pub struct Pins {
    store: Arc<dyn PinStore>,
    clock: Clock,
    pages: Pages,
    boards: Boards,
    sections: Sections,
    media_uploads: MediaUploads,
    /// Where a save counts a SAVE on its source.
    engagement: EngagementLog,
    /// Image and video files, the image fetcher and the image limits.
    media: Media,
    /// Pins a user may have in one environment.
    max_pins: u32,
    /// How long a video Pin stays `processing` after it is made.
    processing_delay: Duration,
}

/// One image of a carousel as sent: bytes or a URL, with its own text.
#[derive(Debug, Clone)]
pub struct CarouselInput {
    pub source: ImageInput,
    pub title: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Clone)]
pub enum ImageInput {
    Base64 { content_type: String, data: String },
    Url(String),
}

/// The spec's `PinMediaSource`, as sent.
#[derive(Debug, Clone)]
pub enum MediaSourceInput {
    Image {
        source: ImageInput,
        is_standard: bool,
    },
    Carousel {
        items: Vec<CarouselInput>,
        index: Option<u32>,
    },
    PinUrl,
    VideoId(VideoSourceInput),
}

/// The spec's `PinCreate`, as sent.
#[derive(Debug, Clone, Default)]
pub struct PinInput {
    pub board_id: Option<BoardId>,
    pub board_section_id: Option<SectionId>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
    pub alt_text: Option<String>,
    pub dominant_color: Option<String>,
    pub parent_pin_id: Option<PinId>,
    pub is_removable: bool,
    pub media_source: Option<MediaSourceInput>,
}

/// The spec's `PinUpdate`, as sent; `Some(None)` clears a field.
#[derive(Debug, Clone, Default)]
pub struct PinUpdateInput {
    pub title: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub link: Option<Option<String>>,
    pub alt_text: Option<Option<String>>,
    pub board_id: Option<BoardId>,
    pub board_section_id: Option<Option<SectionId>>,
    pub carousel_slots: Option<Vec<CarouselSlotInput>>,
}

#[derive(Debug, Clone, Default)]
pub struct CarouselSlotInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
}

/// The filters of `GET /v5/pins`.
#[derive(Debug, Clone, Default)]
pub struct PinListInput {
    pub exclude_native: bool,
    pub exclude_repins: bool,
    pub only_promoted: bool,
    pub include_protected: bool,
    pub only_private: bool,
    pub creative_types: Vec<CreativeType>,
    /// A creative type was asked for that pinbox never makes: the answer is empty.
    pub impossible: bool,
}

/// Media carousel bounds from the spec's `PinMediaSourceImages*`.
const CAROUSEL_MIN: usize = 2;
const CAROUSEL_MAX: usize = 5;

fn pin_write_error(e: StoreError, max_pins: u32) -> Error {
    match e {
        StoreError::LimitReached(VolumeLimit::Pins) => Error::forbidden(
            2015,
            format!(
                "You have reached the limit of {max_pins} Pins for this account. Delete Pins before \
                 creating or saving more."
            ),
        ),
        StoreError::NotFound("board") => Error::board_not_found(),
        StoreError::NotFound("section") => Error::section_not_found(),
        StoreError::NotFound(_) => Error::pin_not_found(),
        other => other.into(),
    }
}

fn check_texts(
    title: Option<&str>,
    description: Option<&str>,
    link: Option<&str>,
    alt_text: Option<&str>,
) -> Result<()> {
    check_text("title", title, TITLE_MAX)?;
    check_text("description", description, DESCRIPTION_MAX)?;
    check_text("alt_text", alt_text, ALT_TEXT_MAX)?;
    check_link(link)
}

impl Pins {
    // Each argument is a field of its own type; a parameter struct would only repeat them.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Arc<dyn PinStore>,
        clock: Clock,
        pages: Pages,
        boards: Boards,
        sections: Sections,
        media_uploads: MediaUploads,
        engagement: EngagementLog,
        media: Media,
        max_pins: u32,
        processing_delay: Duration,
    ) -> Pins {
        Pins {
            store,
            clock,
            pages,
            boards,
            sections,
            media_uploads,
            engagement,
            media,
            max_pins,
            processing_delay,
        }
    }

    pub async fn create(&self, caller: &Caller, input: PinInput) -> Result<Pin> {
        let owner = caller.user_id;
        self.refuse_trial_pins_in_production(caller).await?;
        check_texts(
            input.title.as_deref(),
            input.description.as_deref(),
            input.link.as_deref(),
            input.alt_text.as_deref(),
        )?;
        check_color(input.dominant_color.as_deref())?;
        let source = input.media_source.clone().ok_or_else(|| {
            Error::invalid(
                "Invalid request: 'media_source' is required: give the Pin an image \
                 (source_type image_url, image_base64, multiple_image_urls or multiple_image_base64) \
                 or a video (source_type video_id, with the media_id of an upload).",
            )
        })?;
        let board = if input.is_removable {
            self.boards.ad_only(caller).await?
        } else {
            let id = input.board_id.ok_or_else(|| {
                Error::invalid(
                    "Invalid request: 'board_id' is required (or set 'is_removable' to true for an \
                     ad-only Pin).",
                )
            })?;
            self.boards.for_pins(caller, id).await?
        };
        if let Some(section) = input.board_section_id {
            self.sections.existing(board.id, section).await?;
        }
        if let Some(parent) = input.parent_pin_id {
            self.readable(caller, parent).await?;
        }
        let (media, computed_color, creative_type, is_standard) = self
            .resolve_media(caller, &source, input.link.as_deref())
            .await?;
        let pin = NewPin {
            id: PinId::random(),
            owner_id: owner,
            env: caller.env,
            app_id: Some(caller.app_id),
            board_id: board.id,
            section_id: input.board_section_id,
            title: input.title,
            description: input.description,
            link: input.link,
            alt_text: input.alt_text,
            dominant_color: computed_color.or(input.dominant_color),
            creative_type,
            is_standard,
            is_removable: input.is_removable,
            parent_pin_id: input.parent_pin_id,
            media,
            created_at: self.clock.now(),
        };
        let max = self.max_pins;
        self.store
            .create_pin(pin, max)
            .await
            .map_err(|e| pin_write_error(e, max))
    }

    /// Resolves a media source into what the Pin shows, its colour, creative type and standardness.
    async fn resolve_media(
        &self,
        caller: &Caller,
        source: &MediaSourceInput,
        link: Option<&str>,
    ) -> Result<(PinMedia, Option<String>, CreativeType, bool)> {
        match source {
            MediaSourceInput::Image {
                source,
                is_standard,
            } => {
                let (image, color) = self.image_input(source, "media_source").await?;
                Ok((
                    PinMedia::Image { image },
                    color,
                    CreativeType::Regular,
                    *is_standard,
                ))
            }
            MediaSourceInput::Carousel { items, index } => {
                if !(CAROUSEL_MIN..=CAROUSEL_MAX).contains(&items.len()) {
                    return Err(Error::invalid(format!(
                        "Invalid request: 'media_source.items' must hold {CAROUSEL_MIN} to \
                         {CAROUSEL_MAX} images for a carousel Pin (got {}).",
                        items.len()
                    )));
                }
                let index = index.unwrap_or(0);
                if index as usize >= items.len() {
                    return Err(Error::invalid(format!(
                        "Invalid request: 'media_source.index' {index} is past the last of {} images.",
                        items.len()
                    )));
                }
                let mut out = Vec::with_capacity(items.len());
                let mut colors = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    check_text("media_source.items.title", item.title.as_deref(), TITLE_MAX)?;
                    check_text(
                        "media_source.items.description",
                        item.description.as_deref(),
                        DESCRIPTION_MAX,
                    )?;
                    check_link(item.link.as_deref())?;
                    let field = format!("media_source.items[{i}]");
                    let (image, color) = self.image_input(&item.source, &field).await?;
                    colors.push(color);
                    out.push(CarouselItem {
                        image,
                        title: item.title.clone(),
                        description: item.description.clone(),
                        link: item.link.clone(),
                    });
                }
                let color = colors.get(index as usize).cloned().flatten();
                Ok((
                    PinMedia::Carousel { items: out, index },
                    color,
                    CreativeType::Carousel,
                    true,
                ))
            }
            MediaSourceInput::PinUrl => {
                let source_pin = self.pin_from_url(caller, link).await?;
                Ok((
                    source_pin.media,
                    source_pin.dominant_color,
                    source_pin.creative_type,
                    source_pin.is_standard,
                ))
            }
            MediaSourceInput::VideoId(video) => self.video_media(caller, video).await,
        }
    }

    async fn image_input(
        &self,
        input: &ImageInput,
        field: &str,
    ) -> Result<(PinImage, Option<String>)> {
        match input {
            ImageInput::Url(url) => self.image_from_url(url, &format!("{field}.url")).await,
            ImageInput::Base64 { content_type, data } => {
                let data_field = format!("{field}.data");
                let bytes = self.image_from_base64(data, &data_field)?;
                let img = self
                    .ingest_image(bytes, Some(content_type), &data_field)
                    .await?;
                let color = Some(img.dominant_color.clone());
                Ok((PinImage::Stored(img.as_ref()), color))
            }
        }
    }

    /// `pin_url`: the Pin's `link` names another Pin (`https://www.pinterest.com/pin/<id>/`,
    /// or the same path on this pinbox) whose media the new Pin shows.
    async fn pin_from_url(&self, caller: &Caller, link: Option<&str>) -> Result<Pin> {
        let bad = || {
            Error::invalid(
                "Invalid request: source_type 'pin_url' makes a Pin from another Pin: set 'link' to \
                 that Pin's URL, like https://www.pinterest.com/pin/<pin_id>/.",
            )
        };
        let url = url::Url::parse(link.ok_or_else(bad)?).map_err(|_| bad())?;
        let mut segments = url
            .path_segments()
            .ok_or_else(bad)?
            .filter(|s| !s.is_empty());
        let id = loop {
            match segments.next() {
                Some("pin") => break segments.next().ok_or_else(bad)?,
                Some(_) => continue,
                None => return Err(bad()),
            }
        };
        let id = crate::domain::ids::parse_digits(id).ok_or_else(bad)?;
        self.readable(caller, PinId(id)).await
    }

    /// Whether the caller may see a Pin: its owner (secret ones with `pins:read_secret`), or
    /// anyone if the Pin is on a public board.
    pub fn can_read(&self, caller: &Caller, pin: &Pin) -> bool {
        if caller.user_id == pin.owner_id {
            owner_sees_pins_on(pin.board_privacy, caller.reads_secret_pins())
        } else {
            // Sandbox content is "visible to you in Sandbox but not live or visible to Pinterest
            // users" (seed 000).
            pin.board_privacy == Privacy::Public && pin.env == Env::Production
        }
    }

    /// Trial apps may not make Pins in production, as on Pinterest; Sandbox is where they do.
    async fn refuse_trial_pins_in_production(&self, caller: &Caller) -> Result<()> {
        if caller.env != Env::Production {
            return Ok(());
        }
        // The tier comes with the token, read on every request, so a tier change counts at once.
        if caller.tier == Tier::Trial {
            return Err(Error::forbidden(
                29,
                "Apps with Trial access may not create Pins in production. Request Standard \
                 access, or use API Sandbox instead: https://api-sandbox.pinterest.com/v5 on \
                 Pinterest; on pinbox the same paths under /sandbox/v5, or a Host that starts \
                 with api-sandbox., with a Sandbox token.",
            ));
        }
        Ok(())
    }

    pub async fn readable(&self, caller: &Caller, id: PinId) -> Result<Pin> {
        self.store
            .pin(caller.env, id)
            .await?
            .filter(|p| self.can_read(caller, p))
            .ok_or_else(Error::pin_not_found)
    }

    /// A Pin the caller owns and may change; someone else's visible Pin is a 403, anything
    /// else "not found".
    async fn writable(&self, caller: &Caller, id: PinId) -> Result<Pin> {
        let pin = self.readable(caller, id).await?;
        if caller.user_id != pin.owner_id {
            return Err(Error::forbidden(
                29,
                "You are not permitted to access that resource: only the Pin's owner may change it.",
            ));
        }
        if pin.board_privacy == Privacy::Secret && !caller.writes_secret_pins() {
            return Err(Error::pin_not_found());
        }
        Ok(pin)
    }

    pub async fn get(&self, caller: &Caller, id: PinId) -> Result<Pin> {
        self.readable(caller, id).await
    }

    pub async fn update(&self, caller: &Caller, id: PinId, input: PinUpdateInput) -> Result<Pin> {
        let pin = self.writable(caller, id).await?;
        check_texts(
            input.title.as_ref().and_then(|t| t.as_deref()),
            input.description.as_ref().and_then(|t| t.as_deref()),
            input.link.as_ref().and_then(|t| t.as_deref()),
            input.alt_text.as_ref().and_then(|t| t.as_deref()),
        )?;
        let target = match input.board_id {
            Some(b) if b != pin.board_id => Some(self.boards.for_pins(caller, b).await?.id),
            _ => None,
        };
        let board_for_section = target.unwrap_or(pin.board_id);
        if let Some(Some(section)) = input.board_section_id {
            self.sections.existing(board_for_section, section).await?;
        }
        // Slots only mean something on a carousel; elsewhere they are ignored, as an empty list is.
        let media = match input.carousel_slots {
            Some(slots) if !slots.is_empty() && matches!(pin.media, PinMedia::Carousel { .. }) => {
                Some(apply_carousel_slots(&pin.media, slots)?)
            }
            _ => None,
        };
        let changes = PinChanges {
            title: input.title,
            description: input.description,
            link: input.link,
            alt_text: input.alt_text,
            board_id: target,
            section_id: input.board_section_id,
            media,
        };
        let max = self.max_pins;
        self.store
            .update_pin(caller.env, pin.id, changes, self.clock.now())
            .await
            .map_err(|e| pin_write_error(e, max))
    }

    pub async fn delete(&self, caller: &Caller, id: PinId) -> Result<()> {
        let pin = self.writable(caller, id).await?;
        let max = self.max_pins;
        self.store
            .delete_pin(caller.env, pin.id, self.clock.now())
            .await
            .map_err(|e| pin_write_error(e, max))
    }

    /// Saves a Pin to one of the caller's boards (or a section of it) as a new Pin whose parent is
    /// the source, and counts a SAVE on the source.
    pub async fn save(
        &self,
        caller: &Caller,
        id: PinId,
        board_id: Option<BoardId>,
        section_id: Option<SectionId>,
    ) -> Result<Pin> {
        let owner = caller.user_id;
        self.refuse_trial_pins_in_production(caller).await?;
        let source = self.readable(caller, id).await?;
        let board_id = board_id.ok_or_else(|| {
            Error::invalid(
                "Invalid request: 'board_id' is required: name the board to save the Pin to.",
            )
        })?;
        let board = self.boards.for_pins(caller, board_id).await?;
        if let Some(section) = section_id {
            self.sections.existing(board.id, section).await?;
        }
        let now = self.clock.now();
        let pin = NewPin {
            id: PinId::random(),
            owner_id: owner,
            env: caller.env,
            app_id: Some(caller.app_id),
            board_id: board.id,
            section_id,
            title: source.title.clone(),
            description: source.description.clone(),
            link: source.link.clone(),
            alt_text: source.alt_text.clone(),
            dominant_color: source.dominant_color.clone(),
            creative_type: source.creative_type,
            is_standard: source.is_standard,
            is_removable: false,
            parent_pin_id: Some(source.id),
            media: source.media.clone(),
            created_at: now,
        };
        let max = self.max_pins;
        let saved = self
            .store
            .create_pin(pin, max)
            .await
            .map_err(|e| pin_write_error(e, max))?;
        self.engagement.count_save(source.id, now).await?;
        Ok(saved)
    }

    /// The caller's own Pins (`GET /v5/pins`), newest first, with the spec's filters.
    pub async fn list_mine(
        &self,
        caller: &Caller,
        input: PinListInput,
        page: PageRequest,
    ) -> Result<Listing<Pin>> {
        let owner = caller.user_id;
        self.pages
            .list(
                &page,
                ListKind::UserPins,
                owner.0,
                |cursor| async move {
                    let filter = PinFilter {
                        include_secret: caller.reads_secret_pins(),
                        include_protected: input.include_protected,
                        only_secret: input.only_private,
                        repins: match (input.exclude_native, input.exclude_repins) {
                            (true, true) => return Ok(Vec::new()),
                            (true, false) => Some(true),
                            (false, true) => Some(false),
                            (false, false) => None,
                        },
                        only_promoted: input.only_promoted,
                        creative_types: input.creative_types,
                        as_of: Some(self.clock.now()),
                    };
                    if (input.only_private && !caller.reads_secret_pins()) || input.impossible {
                        return Ok(Vec::new());
                    }
                    let scope = PinScope::Owner(owner, caller.env);
                    Ok(self.store.list_pins(scope, filter, cursor).await?)
                },
                |p| p.seq,
            )
            .await
    }

    /// The Pins on a board, or on one of its sections, newest first.
    /// `board_sections/list_pins`: a section's Pins. An unknown board or section is the spec's
    /// one answer for both.
    pub async fn list_in_section(
        &self,
        caller: &Caller,
        board_id: BoardId,
        section: SectionId,
        page: PageRequest,
    ) -> Result<Listing<Pin>> {
        self.list_on_board(caller, board_id, Some(section), Vec::new(), false, page)
            .await
            .map_err(|e| match e.kind {
                ErrorKind::NotFound => Error::not_found(404, "Board or section not found."),
                _ => e,
            })
    }

    pub async fn list_on_board(
        &self,
        caller: &Caller,
        board_id: BoardId,
        section: Option<SectionId>,
        creative_types: Vec<CreativeType>,
        impossible: bool,
        page: PageRequest,
    ) -> Result<Listing<Pin>> {
        let board = self.boards.readable(caller, board_id).await?;
        let (kind, context, scope) = match section {
            Some(s) => {
                self.sections.existing(board.id, s).await?;
                (ListKind::SectionPins, s.0, PinScope::Section(s))
            }
            None => (ListKind::BoardPins, board.id.0, PinScope::Board(board.id)),
        };
        self.pages
            .list(
                &page,
                kind,
                context,
                |cursor| async move {
                    if impossible
                        || (board.privacy == Privacy::Secret && !caller.reads_secret_pins())
                    {
                        return Ok(Vec::new());
                    }
                    let filter = PinFilter {
                        include_secret: true,
                        include_protected: true,
                        creative_types,
                        as_of: Some(self.clock.now()),
                        ..PinFilter::default()
                    };
                    Ok(self.store.list_pins(scope, filter, cursor).await?)
                },
                |p| p.seq,
            )
            .await
    }

    /// Bulk-loads Pins (seeding): no volume limit is checked, and the boards' counters are
    /// brought up to date at the end. Every Pin must be on an existing board.
    pub async fn import(&self, pins: Vec<NewPin>) -> Result<()> {
        Ok(self.store.import_pins(pins).await?)
    }

    /// A Pin in `env` by id, whoever may see it: for rules that check sight themselves
    /// ([`Pins::can_read`]) or act for the Pin's owner.
    pub async fn find(&self, env: Env, id: PinId) -> Result<Option<Pin>> {
        Ok(self.store.pin(env, id).await?)
    }

    /// Every Pin of a user in one environment, oldest first (the order a simulation numbers them).
    pub async fn all_oldest_first(&self, user: UserId, env: Env) -> Result<Vec<Pin>> {
        let mut pins = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .list_pins(
                    PinScope::Owner(user, env),
                    PinFilter {
                        include_secret: true,
                        include_protected: true,
                        ..PinFilter::default()
                    },
                    Cursor { after, limit: 1000 },
                )
                .await?;
            let more = page.len() > 1000;
            pins.extend(page.into_iter().take(1000));
            if !more {
                break;
            }
            after = pins.last().map(|p| p.seq);
        }
        pins.reverse();
        Ok(pins)
    }
}

/// Applies `carousel_slots` edits to a carousel's items, slot by slot.
fn apply_carousel_slots(media: &PinMedia, slots: Vec<CarouselSlotInput>) -> Result<PinMedia> {
    let PinMedia::Carousel { items, index } = media else {
        return Ok(media.clone());
    };
    if slots.len() > items.len() {
        return Err(Error::invalid(format!(
            "Invalid request: 'carousel_slots' has {} slots but the carousel has {} images.",
            slots.len(),
            items.len()
        )));
    }
    let mut items = items.clone();
    for (item, slot) in items.iter_mut().zip(slots) {
        check_text("carousel_slots.title", slot.title.as_deref(), TITLE_MAX)?;
        check_text(
            "carousel_slots.description",
            slot.description.as_deref(),
            DESCRIPTION_MAX,
        )?;
        check_link(slot.link.as_deref())?;
        if slot.title.is_some() {
            item.title = slot.title;
        }
        if slot.description.is_some() {
            item.description = slot.description;
        }
        if slot.link.is_some() {
            item.link = slot.link;
        }
    }
    Ok(PinMedia::Carousel {
        items,
        index: *index,
    })
}
