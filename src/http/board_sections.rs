//! Board sections: `/v5/boards/{board_id}/sections` and `/v5/boards/{board_id}/sections/{section_id}`.

use crate::http::respond::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::domain::caller::Caller;
use crate::domain::ids::{BoardId, SectionId};
use crate::domain::sections::Section;
use crate::error::Result;
use crate::http::extract::{JsonBody, PathParams, QueryParams};
use crate::http::respond::{created, no_content};
use crate::http::state::AppState;
use crate::http::wire::Paginated;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("board_sections/list", board_sections_list),
        endpoint("board_sections/create", board_sections_create),
        endpoint("board_sections/update", board_sections_update),
        endpoint("board_sections/delete", board_sections_delete),
    ]
}

/// The spec's `BoardSection`, as answered.
#[derive(Serialize)]
pub struct SectionJson {
    id: String,
    name: String,
}

impl SectionJson {
    fn from_section(s: Section) -> SectionJson {
        SectionJson {
            id: s.id.to_string(),
            name: s.name,
        }
    }
}

/// The spec's `BoardSection`, as sent (its `id` is read-only and ignored).
#[derive(Deserialize)]
struct SectionBody {
    name: String,
}

/// <https://developers.pinterest.com/docs/api/v5/board_sections-list>
async fn board_sections_list(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Paginated<SectionJson>>> {
    let board = BoardId(path.id("board_id")?);
    let listing = app
        .pinbox
        .sections
        .list(&caller, board, query.page()?)
        .await?;
    Ok(Json(Paginated::from_listing(
        listing,
        SectionJson::from_section,
    )))
}

/// <https://developers.pinterest.com/docs/api/v5/board_sections-create>
async fn board_sections_create(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<SectionBody>,
) -> Result<Response> {
    let board = BoardId(path.id("board_id")?);
    let section = app
        .pinbox
        .sections
        .create(&caller, board, &body.name)
        .await?;
    Ok(created(SectionJson::from_section(section)))
}

/// <https://developers.pinterest.com/docs/api/v5/board_sections-update>
async fn board_sections_update(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(body): JsonBody<SectionBody>,
) -> Result<Json<SectionJson>> {
    let board = BoardId(path.id("board_id")?);
    let section = SectionId(path.id("section_id")?);
    let section = app
        .pinbox
        .sections
        .rename(&caller, board, section, &body.name)
        .await?;
    Ok(Json(SectionJson::from_section(section)))
}

/// <https://developers.pinterest.com/docs/api/v5/board_sections-delete>
async fn board_sections_delete(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
) -> Result<Response> {
    let board = BoardId(path.id("board_id")?);
    let section = SectionId(path.id("section_id")?);
    app.pinbox.sections.delete(&caller, board, section).await?;
    Ok(no_content())
}
