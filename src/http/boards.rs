//! Boards: `/v5/boards` and `/v5/boards/{board_id}`.

use crate::http::respond::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::domain::boards::BoardInput;
use crate::domain::boards::{Board, BoardChanges, Privacy, PrivacySet};
use crate::domain::caller::Caller;
use crate::domain::ids::BoardId;
use crate::error::Result;
use crate::http::Endpoint;
use crate::http::endpoint;
use crate::http::extract::{JsonBody, PathParams, QueryParams, nullable, present};
use crate::http::images::rendition_url;
use crate::http::respond::{created, no_content};
use crate::http::state::AppState;
use crate::http::wire::{Owner, Paginated};
use crate::media::images::Rendition;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("boards/list", boards_list),
        endpoint("boards/create", boards_create),
        endpoint("boards/get", boards_get),
        endpoint("boards/update", boards_update),
        endpoint("boards/delete", boards_delete),
    ]
}

/// The spec's `Board`.
#[derive(Serialize)]
pub struct BoardJson {
    id: String,
    created_at: String,
    board_pins_modified_at: String,
    name: String,
    description: Option<String>,
    collaborator_count: i64,
    pin_count: i64,
    follower_count: i64,
    media: BoardMediaJson,
    owner: Owner,
    /// Always present in the spec's `Board`; left out of `boards/update`'s answer when the
    /// value is one its `BoardUpdatePrivacy` does not allow (see [`BoardJson::updated`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    privacy: Option<&'static str>,
    is_ads_only: bool,
}

#[derive(Serialize)]
struct BoardMediaJson {
    image_cover_url: Option<String>,
    pin_thumbnail_urls: Vec<String>,
}

impl BoardJson {
    pub fn from_board(public_url: &str, b: Board) -> BoardJson {
        BoardJson {
            id: b.id.to_string(),
            created_at: b.created_at.to_rfc3339(),
            board_pins_modified_at: b.pins_modified_at.to_rfc3339(),
            name: b.name,
            description: b.description,
            collaborator_count: b.collaborator_count,
            pin_count: b.pin_count,
            follower_count: b.follower_count,
            media: BoardMediaJson {
                image_cover_url: b
                    .cover
                    .as_ref()
                    .map(|c| rendition_url(public_url, c, Rendition::S400x300)),
                pin_thumbnail_urls: b
                    .thumbnails
                    .iter()
                    .map(|t| rendition_url(public_url, t, Rendition::S150x150))
                    .collect(),
            },
            owner: Owner {
                username: b.owner_username,
            },
            privacy: Some(b.privacy.as_str()),
            is_ads_only: b.is_ads_only,
        }
    }

    /// The spec's `BoardWithUpdatePrivacy`, `boards/update`'s answer: its `privacy` is PUBLIC or
    /// SECRET only, so a PROTECTED board (an ad-only one) answers without `privacy` rather than
    /// with a value the schema refuses or one that is not true. `privacy` is optional there.
    pub fn updated(public_url: &str, b: Board) -> BoardJson {
        let protected = b.privacy == Privacy::Protected;
        let mut json = BoardJson::from_board(public_url, b);
        if protected {
            json.privacy = None;
        }
        json
    }
}

/// The spec's `BoardPrivacy`.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "UPPERCASE")]
enum PrivacyJson {
    Public,
    Protected,
    Secret,
}

impl From<PrivacyJson> for Privacy {
    fn from(p: PrivacyJson) -> Privacy {
        match p {
            PrivacyJson::Public => Privacy::Public,
            PrivacyJson::Protected => Privacy::Protected,
            PrivacyJson::Secret => Privacy::Secret,
        }
    }
}

/// The spec's `BoardUpdatePrivacy`: a board cannot be made PROTECTED by an update.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "UPPERCASE")]
enum UpdatePrivacyJson {
    Public,
    Secret,
}

/// The spec's `BoardCreate`.
#[derive(Deserialize)]
struct BoardCreateJson {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    privacy: Option<PrivacyJson>,
    #[serde(default, deserialize_with = "present")]
    is_ads_only: Option<bool>,
}

/// The spec's `BoardWithUpdatePrivacyUpdate`.
#[derive(Deserialize)]
struct BoardUpdateJson {
    #[serde(default, deserialize_with = "present")]
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    privacy: Option<UpdatePrivacyJson>,
}

const PRIVACY_FILTERS: &[&str] = &["ALL", "PUBLIC", "PROTECTED", "SECRET", "PUBLIC_AND_SECRET"];

fn privacy_filter(v: &str) -> Option<PrivacySet> {
    match v {
        "ALL" => Some(PrivacySet::ALL),
        "PUBLIC" => Some(PrivacySet::only(Privacy::Public)),
        "PROTECTED" => Some(PrivacySet::only(Privacy::Protected)),
        "SECRET" => Some(PrivacySet::only(Privacy::Secret)),
        "PUBLIC_AND_SECRET" => Some(PrivacySet {
            protected: false,
            ..PrivacySet::ALL
        }),
        _ => None,
    }
}

/// <https://developers.pinterest.com/docs/api/v5/boards-list>
async fn boards_list(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<BoardJson>>> {
    let privacy = query
        .enumerated("privacy", PRIVACY_FILTERS, privacy_filter)?
        .unwrap_or(PrivacySet::ALL);
    let page = query.page()?;
    let listing = app.pinbox.boards.list(&caller, privacy, page).await?;
    Ok(Json(Paginated::from_listing(listing, |b| {
        BoardJson::from_board(&app.public_url, b)
    })))
}

/// <https://developers.pinterest.com/docs/api/v5/boards-create>
async fn boards_create(
    State(app): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<BoardCreateJson>,
) -> Result<Response> {
    let board = app
        .pinbox
        .boards
        .create(
            &caller,
            BoardInput {
                name: body.name,
                description: body.description,
                privacy: body.privacy.map(Privacy::from),
                is_ads_only: body.is_ads_only.unwrap_or(false),
            },
        )
        .await?;
    Ok(created(BoardJson::from_board(&app.public_url, board)))
}

/// <https://developers.pinterest.com/docs/api/v5/boards-get>
async fn boards_get(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
) -> Result<Json<BoardJson>> {
    let id = BoardId(path.id("board_id")?);
    let board = app.pinbox.boards.get(&caller, id).await?;
    Ok(Json(BoardJson::from_board(&app.public_url, board)))
}

/// <https://developers.pinterest.com/docs/api/v5/boards-update>
async fn boards_update(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<BoardUpdateJson>,
) -> Result<Json<BoardJson>> {
    let id = BoardId(path.id("board_id")?);
    let changes = BoardChanges {
        name: body.name,
        description: body.description,
        privacy: body.privacy.map(|p| match p {
            UpdatePrivacyJson::Public => Privacy::Public,
            UpdatePrivacyJson::Secret => Privacy::Secret,
        }),
    };
    let board = app.pinbox.boards.update(&caller, id, changes).await?;
    Ok(Json(BoardJson::updated(&app.public_url, board)))
}

/// <https://developers.pinterest.com/docs/api/v5/boards-delete>
async fn boards_delete(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
) -> Result<Response> {
    let id = BoardId(path.id("board_id")?);
    app.pinbox.boards.delete(&caller, id).await?;
    Ok(no_content())
}
