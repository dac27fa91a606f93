//! Pins: `/v5/pins`, `/v5/pins/{pin_id}`, `/v5/pins/{pin_id}/save`, and the Pin lists of
//! boards and board sections.

use crate::http::respond::Json;
use axum::extract::{Request, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use std::collections::HashMap;

use crate::clock::Timestamp;
use crate::domain::analytics::PinMetrics;
use crate::domain::apps::AppFeature;
use crate::domain::caller::Caller;
use crate::domain::engagement::Counted;
use crate::domain::ids::{BoardId, MediaId, PinId, SectionId};
use crate::domain::pins::VideoSourceInput;
use crate::domain::pins::{ALL_CREATIVE_TYPES, CreativeType, Pin, PinMedia};
use crate::domain::pins::{
    CarouselInput, CarouselSlotInput, ImageInput, MediaSourceInput, PinInput, PinListInput,
    PinUpdateInput,
};
use crate::error::{Error, ErrorKind, Result};
use crate::http::extract::{
    JsonBody, PathParams, QueryParams, check_json_content_type, nullable, parse_json, present,
    read_body,
};
use crate::http::images::{ImageSizeJson, image_sizes, rendition_url};
use crate::http::respond::{created, no_content};
use crate::http::state::AppState;
use crate::http::videos::video_url;
use crate::http::wire::{Owner, Paginated};
use crate::http::{Endpoint, endpoint};
use crate::media::images::Rendition;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("pins/list", pins_list),
        endpoint("pins/create", pins_create),
        endpoint("pins/get", pins_get),
        endpoint("pins/update", pins_update),
        endpoint("pins/delete", pins_delete),
        endpoint("pins/save", pins_save),
        endpoint("boards/list_pins", boards_list_pins),
        endpoint("board_sections/list_pins", board_sections_list_pins),
    ]
}

/// The spec's `Pin`, plus the fields Pinterest's answers carry beyond it (seed 004's example).
#[derive(Serialize)]
pub struct PinJson {
    id: String,
    created_at: String,
    link: Option<String>,
    title: Option<String>,
    description: Option<String>,
    dominant_color: Option<String>,
    alt_text: Option<String>,
    creative_type: &'static str,
    board_id: String,
    board_section_id: Option<String>,
    board_owner: Owner,
    is_owner: bool,
    media: MediaJson,
    parent_pin_id: Option<String>,
    is_standard: bool,
    has_been_promoted: bool,
    is_removable: bool,
    note: &'static str,
    product_tags: Vec<Value>,
    pin_metrics: Option<Value>,
}

/// The spec's `PinMedia`, discriminated by `media_type`.
#[derive(Serialize)]
#[serde(tag = "media_type", rename_all = "snake_case")]
enum MediaJson {
    Image {
        images: ImageSizeJson,
    },
    MultipleImages {
        items: Vec<ImageMetadataJson>,
    },
    /// The spec's `PinMediaWithVideo`; duration, size and `video_url` are null while pinbox is
    /// still processing the Pin, as the spec says they may be.
    Video {
        cover_image_url: String,
        duration: Option<u64>,
        height: Option<u32>,
        width: Option<u32>,
        images: ImageSizeJson,
        video_url: Option<String>,
    },
}

/// What shapes a Pin's answer besides the Pin: who asks, when, and whether their app has the
/// restricted `video_url` feature.
pub struct PinView<'a> {
    pub public_url: &'a str,
    pub caller: &'a Caller,
    pub now: Timestamp,
    pub video_url: bool,
    /// `pin_metrics=true`: the Pins' numbers from the engagement log.
    pub metrics: HashMap<PinId, PinMetrics>,
}

impl<'a> PinView<'a> {
    /// The view for answering `caller` with `pins`; the feature is looked up only when one of
    /// them is a video Pin.
    pub async fn of(app: &'a AppState, caller: &'a Caller, pins: &[&Pin]) -> Result<PinView<'a>> {
        let any_video = pins
            .iter()
            .any(|p| matches!(p.media, PinMedia::Video { .. }));
        let video_url = any_video
            && app
                .pinbox
                .apps
                .has_feature(caller.app_id, AppFeature::VideoUrl)
                .await?;
        Ok(PinView {
            public_url: &app.public_url,
            caller,
            now: app.pinbox.clock.now(),
            video_url,
            metrics: HashMap::new(),
        })
    }

    /// Reads the metrics `pin_metrics=true` shows for `pins`, when asked for.
    pub async fn with_metrics(
        mut self,
        app: &AppState,
        wanted: bool,
        pins: &[&Pin],
    ) -> Result<PinView<'a>> {
        if wanted {
            self.metrics = app.pinbox.analytics.pin_metrics(pins).await?;
        }
        Ok(self)
    }
}

/// The spec's `ImageMetadata`.
#[derive(Serialize)]
struct ImageMetadataJson {
    item_type: &'static str,
    title: Option<String>,
    description: Option<String>,
    link: Option<String>,
    images: ImageSizeJson,
}

impl PinJson {
    pub fn new(view: &PinView<'_>, pin: Pin, metrics: bool) -> PinJson {
        let (public_url, caller) = (view.public_url, view.caller);
        let creative_type = pin.creative_type_at(view.now);
        let ready = pin.media.ready_video(view.now);
        let media = match &pin.media {
            PinMedia::Image { image } => MediaJson::Image {
                images: image_sizes(public_url, image),
            },
            PinMedia::Carousel { items, .. } => MediaJson::MultipleImages {
                items: items
                    .iter()
                    .map(|i| ImageMetadataJson {
                        item_type: "image",
                        title: i.title.clone(),
                        description: i.description.clone(),
                        link: i.link.clone(),
                        images: image_sizes(public_url, &i.image),
                    })
                    .collect(),
            },
            PinMedia::Video { video, cover, .. } => MediaJson::Video {
                cover_image_url: rendition_url(public_url, cover, Rendition::W1200),
                duration: ready.map(|v| v.duration_ms),
                height: ready.map(|v| v.height),
                width: ready.map(|v| v.width),
                images: image_sizes(public_url, cover),
                video_url: ready
                    .filter(|_| view.video_url)
                    .map(|_| video_url(public_url, video)),
            },
        };
        PinJson {
            id: pin.id.to_string(),
            created_at: pin.created_at.to_rfc3339(),
            link: pin.link,
            title: pin.title,
            description: pin.description,
            dominant_color: pin.dominant_color,
            alt_text: pin.alt_text,
            creative_type: creative_type.as_str(),
            board_id: pin.board_id.to_string(),
            board_section_id: pin.section_id.map(|s| s.to_string()),
            board_owner: Owner {
                username: pin.owner_username,
            },
            is_owner: caller.user_id == pin.owner_id,
            media,
            parent_pin_id: pin.parent_pin_id.map(|p| p.to_string()),
            is_standard: pin.is_standard,
            has_been_promoted: pin.has_been_promoted,
            is_removable: pin.is_removable,
            note: "",
            product_tags: Vec::new(),
            pin_metrics: metrics.then(|| metrics_json(view.metrics.get(&pin.id))),
        }
    }
}

/// The metrics object `pin_metrics=true` asks for (the spec's example keys): the last 90 days
/// and the Pin's lifetime, from the engagement log.
fn metrics_json(m: Option<&PinMetrics>) -> Value {
    let m = m.cloned().unwrap_or_default();
    let (r, l) = (&m.recent, &m.lifetime);
    json!({
        "90d": {
            "pin_click": r.get(Counted::PinClick),
            "impression": r.get(Counted::Impression),
            "clickthrough": r.get(Counted::OutboundClick),
        },
        "lifetime_metrics": {
            "pin_click": l.get(Counted::PinClick),
            "impression": l.get(Counted::Impression),
            "clickthrough": l.get(Counted::OutboundClick),
            "reaction": l.get(Counted::TotalReactions),
            "comment": l.get(Counted::TotalComments),
        }
    })
}

#[derive(Deserialize)]
struct PinCreateJson {
    #[serde(default, deserialize_with = "present")]
    board_id: Option<String>,
    #[serde(default)]
    board_section_id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    alt_text: Option<String>,
    #[serde(default)]
    dominant_color: Option<String>,
    #[serde(default)]
    parent_pin_id: Option<String>,
    #[serde(default)]
    sponsor_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    is_removable: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    media_source: Option<MediaSourceJson>,
}

/// The spec's `PinMediaSource`, discriminated by `source_type`.
#[derive(Deserialize)]
#[serde(tag = "source_type", rename_all = "snake_case")]
enum MediaSourceJson {
    ImageBase64 {
        content_type: String,
        data: String,
        #[serde(default, deserialize_with = "present")]
        is_standard: Option<bool>,
    },
    ImageUrl {
        url: String,
        #[serde(default, deserialize_with = "present")]
        is_standard: Option<bool>,
    },
    MultipleImageBase64 {
        items: Vec<Base64ItemJson>,
        #[serde(default, deserialize_with = "present")]
        index: Option<u32>,
    },
    MultipleImageUrls {
        items: Vec<UrlItemJson>,
        #[serde(default, deserialize_with = "present")]
        index: Option<u32>,
    },
    PinUrl {
        #[serde(default, deserialize_with = "present")]
        #[allow(dead_code)]
        is_affiliate_link: Option<bool>,
    },
    VideoId {
        media_id: String,
        #[serde(default, deserialize_with = "present")]
        cover_image_url: Option<String>,
        #[serde(default, deserialize_with = "present")]
        cover_image_data: Option<String>,
        #[serde(default, deserialize_with = "present")]
        cover_image_content_type: Option<String>,
        #[serde(default, deserialize_with = "present")]
        cover_image_key_frame_time: Option<u64>,
        #[serde(default, deserialize_with = "present")]
        is_standard: Option<bool>,
    },
}

#[derive(Deserialize)]
struct Base64ItemJson {
    content_type: String,
    data: String,
    #[serde(default, deserialize_with = "present")]
    title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    link: Option<String>,
}

#[derive(Deserialize)]
struct UrlItemJson {
    url: String,
    #[serde(default, deserialize_with = "present")]
    title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    link: Option<String>,
}

impl MediaSourceJson {
    fn into_input(self) -> Result<MediaSourceInput> {
        Ok(match self {
            MediaSourceJson::ImageBase64 {
                content_type,
                data,
                is_standard,
            } => MediaSourceInput::Image {
                source: ImageInput::Base64 { content_type, data },
                is_standard: is_standard.unwrap_or(true),
            },
            MediaSourceJson::ImageUrl { url, is_standard } => MediaSourceInput::Image {
                source: ImageInput::Url(url),
                is_standard: is_standard.unwrap_or(true),
            },
            MediaSourceJson::MultipleImageBase64 { items, index } => MediaSourceInput::Carousel {
                items: items
                    .into_iter()
                    .map(|i| CarouselInput {
                        source: ImageInput::Base64 {
                            content_type: i.content_type,
                            data: i.data,
                        },
                        title: i.title,
                        description: i.description,
                        link: i.link,
                    })
                    .collect(),
                index,
            },
            MediaSourceJson::MultipleImageUrls { items, index } => MediaSourceInput::Carousel {
                items: items
                    .into_iter()
                    .map(|i| CarouselInput {
                        source: ImageInput::Url(i.url),
                        title: i.title,
                        description: i.description,
                        link: i.link,
                    })
                    .collect(),
                index,
            },
            MediaSourceJson::PinUrl { .. } => MediaSourceInput::PinUrl,
            MediaSourceJson::VideoId {
                media_id,
                cover_image_url,
                cover_image_data,
                cover_image_content_type,
                cover_image_key_frame_time,
                is_standard,
            } => MediaSourceInput::VideoId(VideoSourceInput {
                media_id: MediaId(body_id("media_source.media_id", Some(&media_id))?.unwrap_or(0)),
                cover_image_url,
                cover_image_data,
                cover_image_content_type,
                cover_image_key_frame_time,
                is_standard: is_standard.unwrap_or(true),
            }),
        })
    }
}

#[derive(Deserialize)]
struct PinUpdateJson {
    #[serde(default, deserialize_with = "nullable")]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    link: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    alt_text: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    board_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    board_section_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    carousel_slots: Option<Vec<CarouselSlotJson>>,
}

#[derive(Deserialize)]
struct CarouselSlotJson {
    #[serde(default, deserialize_with = "present")]
    title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    link: Option<String>,
}

#[derive(Deserialize)]
struct PinSaveJson {
    #[serde(default)]
    board_id: Option<String>,
    #[serde(default)]
    board_section_id: Option<String>,
}

/// An id given in a body field: digits only, as the spec's pattern says.
fn body_id(field: &str, value: Option<&str>) -> Result<Option<i64>> {
    match value {
        None => Ok(None),
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(crate::domain::ids::parse_digits(v).unwrap_or(0)))
        }
        Some(v) => Err(Error::invalid(format!(
            "Invalid request: '{field}' value '{}' must match the pattern: ^\\d+$",
            crate::http::extract::truncate(v, 64)
        ))),
    }
}

/// Parses `creative_types`: every value must be one of the spec's; those pinbox never makes
/// can only match nothing.
fn creative_types(query: &QueryParams) -> Result<(Vec<CreativeType>, bool)> {
    let requested = query.list("creative_types");
    let mut types = Vec::new();
    for v in &requested {
        if !ALL_CREATIVE_TYPES.contains(v) {
            return Err(Error::invalid(format!(
                "Parameter 'creative_types' has an unknown value '{}'; use any of: {}.",
                crate::http::extract::truncate(v, 64),
                ALL_CREATIVE_TYPES.join(", ")
            )));
        }
        if let Some(t) = CreativeType::parse(v) {
            types.push(t);
        }
    }
    let impossible = !requested.is_empty() && types.is_empty();
    Ok((types, impossible))
}

/// <https://developers.pinterest.com/docs/api/v5/pins-list>
async fn pins_list(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<PinJson>>> {
    let filter = query.enumerated(
        "pin_filter",
        &["exclude_native", "exclude_repins", "has_been_promoted"],
        |v| match v {
            "exclude_native" | "exclude_repins" | "has_been_promoted" => Some(v.to_string()),
            _ => None,
        },
    )?;
    let pin_type =
        query.enumerated("pin_type", &["PRIVATE"], |v| (v == "PRIVATE").then_some(()))?;
    let (types, impossible) = creative_types(&query)?;
    let metrics = query.boolean("pin_metrics")?.unwrap_or(false);
    let input = PinListInput {
        exclude_native: filter.as_deref() == Some("exclude_native"),
        exclude_repins: filter.as_deref() == Some("exclude_repins"),
        only_promoted: filter.as_deref() == Some("has_been_promoted"),
        include_protected: query.boolean("include_protected_pins")?.unwrap_or(false),
        only_private: pin_type.is_some(),
        creative_types: types,
        impossible,
    };
    let page = query.page()?;
    let listing = app.pinbox.pins.list_mine(&caller, input, page).await?;
    let pins = listing.items.iter().collect::<Vec<_>>();
    let view = PinView::of(&app, &caller, &pins)
        .await?
        .with_metrics(&app, metrics, &pins)
        .await?;
    Ok(Json(Paginated::from_listing(listing, |p| {
        PinJson::new(&view, p, metrics)
    })))
}

/// Largest `POST /v5/pins` body: `--max-image-bytes` of images in all, base64-encoded, plus
/// room for the text fields. One image at the limit fits; a carousel's images must add up to
/// no more than it. Checked on `Content-Length` before reading and on the bytes as they arrive,
/// so a larger body is refused without being held.
fn create_body_limit(app: &AppState) -> usize {
    let max = app.pinbox.media.image_limits.max_bytes;
    max.div_ceil(3).saturating_mul(4).saturating_add(64 * 1024)
}

/// <https://developers.pinterest.com/docs/api/v5/pins-create>
async fn pins_create(
    State(app): State<AppState>,
    caller: Caller,
    req: Request,
) -> Result<Response> {
    check_json_content_type(&req)?;
    let limit = create_body_limit(&app);
    // The body is dropped once parsed: the base64 text lives on in the fields, not twice.
    let body: PinCreateJson = {
        let bytes = read_body(req, &(), limit).await.map_err(|e| {
            if e.kind != ErrorKind::PayloadTooLarge {
                return e;
            }
            let images = app.pinbox.media.image_limits.max_bytes;
            Error::new(
                ErrorKind::PayloadTooLarge,
                1,
                format!(
                    "The request body is larger than the {limit} bytes POST /v5/pins accepts: at \
                     most {images} bytes of images in all (--max-image-bytes), base64-encoded. \
                     Send larger images, or carousels of large images, by URL (image_url, \
                     multiple_image_urls)."
                ),
            )
        })?;
        parse_json(&bytes)?
    };
    body_id("sponsor_id", body.sponsor_id.as_deref())?;
    let input = PinInput {
        board_id: body_id("board_id", body.board_id.as_deref())?.map(BoardId),
        board_section_id: body_id("board_section_id", body.board_section_id.as_deref())?
            .map(SectionId),
        title: body.title,
        description: body.description,
        link: body.link,
        alt_text: body.alt_text,
        dominant_color: body.dominant_color,
        parent_pin_id: body_id("parent_pin_id", body.parent_pin_id.as_deref())?.map(PinId),
        is_removable: body.is_removable.unwrap_or(false),
        media_source: body
            .media_source
            .map(MediaSourceJson::into_input)
            .transpose()?,
    };
    let pin = app.pinbox.pins.create(&caller, input).await?;
    let view = PinView::of(&app, &caller, &[&pin]).await?;
    Ok(created(PinJson::new(&view, pin, false)))
}

/// <https://developers.pinterest.com/docs/api/v5/pins-get>
async fn pins_get(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<PinJson>> {
    let id = PinId(path.id("pin_id")?);
    let metrics = query.boolean("pin_metrics")?.unwrap_or(false);
    let pin = app.pinbox.pins.get(&caller, id).await?;
    let view = PinView::of(&app, &caller, &[&pin])
        .await?
        .with_metrics(&app, metrics, &[&pin])
        .await?;
    Ok(Json(PinJson::new(&view, pin, metrics)))
}

/// <https://developers.pinterest.com/docs/api/v5/pins-update>
async fn pins_update(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<PinUpdateJson>,
) -> Result<Json<PinJson>> {
    let id = PinId(path.id("pin_id")?);
    let section = match body.board_section_id {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) => Some(body_id("board_section_id", Some(&s))?.map(SectionId)),
    };
    let input = PinUpdateInput {
        title: body.title,
        description: body.description,
        link: body.link,
        alt_text: body.alt_text,
        board_id: body_id("board_id", body.board_id.as_deref())?.map(BoardId),
        board_section_id: section,
        carousel_slots: body.carousel_slots.map(|slots| {
            slots
                .into_iter()
                .map(|s| CarouselSlotInput {
                    title: s.title,
                    description: s.description,
                    link: s.link,
                })
                .collect()
        }),
    };
    let pin = app.pinbox.pins.update(&caller, id, input).await?;
    let view = PinView::of(&app, &caller, &[&pin]).await?;
    Ok(Json(PinJson::new(&view, pin, false)))
}

/// <https://developers.pinterest.com/docs/api/v5/pins-delete>
async fn pins_delete(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
) -> Result<Response> {
    let id = PinId(path.id("pin_id")?);
    app.pinbox.pins.delete(&caller, id).await?;
    Ok(no_content())
}

/// <https://developers.pinterest.com/docs/api/v5/pins-save>
async fn pins_save(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<PinSaveJson>,
) -> Result<Response> {
    let id = PinId(path.id("pin_id")?);
    let board = body_id("board_id", body.board_id.as_deref())?.map(BoardId);
    let section = body_id("board_section_id", body.board_section_id.as_deref())?.map(SectionId);
    let pin = app.pinbox.pins.save(&caller, id, board, section).await?;
    let view = PinView::of(&app, &caller, &[&pin]).await?;
    Ok(created(PinJson::new(&view, pin, false)))
}

/// <https://developers.pinterest.com/docs/api/v5/boards-list_pins>
async fn boards_list_pins(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Paginated<PinJson>>> {
    let board = BoardId(path.id("board_id")?);
    let page = query.page()?;
    let metrics = query.boolean("pin_metrics")?.unwrap_or(false);
    let (types, impossible) = creative_types(&query)?;
    let listing = app
        .pinbox
        .pins
        .list_on_board(&caller, board, None, types, impossible, page)
        .await?;
    let pins = listing.items.iter().collect::<Vec<_>>();
    let view = PinView::of(&app, &caller, &pins)
        .await?
        .with_metrics(&app, metrics, &pins)
        .await?;
    Ok(Json(Paginated::from_listing(listing, |p| {
        PinJson::new(&view, p, metrics)
    })))
}

/// <https://developers.pinterest.com/docs/api/v5/board_sections-list_pins>
async fn board_sections_list_pins(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Paginated<PinJson>>> {
    let board = BoardId(path.id("board_id")?);
    let section = SectionId(path.id("section_id")?);
    let page = query.page()?;
    let listing = app
        .pinbox
        .pins
        .list_in_section(&caller, board, section, page)
        .await?;
    let view = PinView::of(&app, &caller, &listing.items.iter().collect::<Vec<_>>()).await?;
    Ok(Json(Paginated::from_listing(listing, |p| {
        PinJson::new(&view, p, false)
    })))
}
