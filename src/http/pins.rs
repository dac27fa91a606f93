//! Pins: the Pin lists of boards and board sections.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::domain::caller::Caller;
use crate::domain::ids::{BoardId, SectionId};
use crate::error::Result;
use crate::http::extract::{PathParams, QueryParams};
use crate::http::state::AppState;
use crate::http::wire::Paginated;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("boards/list_pins", boards_list_pins),
        endpoint("board_sections/list_pins", board_sections_list_pins),
    ]
}

/// The spec's `Pin`.
#[derive(Serialize)]
pub struct PinJson {
    id: String,
}

/// <https://developers.pinterest.com/docs/api/v5/boards-list_pins>
async fn boards_list_pins(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
) -> Result<Json<Paginated<PinJson>>> {
    let board = BoardId(path.id("board_id")?);
    query.ad_account_id()?;
    let page = query.page()?;
    query.boolean("pin_metrics")?;
    let listing = app
        .pinbox
        .list_board_pins(&caller, board, None, page)
        .await?;
    Ok(Json(Paginated::from_listing(listing, |p| PinJson {
        id: p.to_string(),
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
    query.ad_account_id()?;
    let page = query.page()?;
    let listing = app
        .pinbox
        .list_board_pins(&caller, board, Some(section), page)
        .await?;
    Ok(Json(Paginated::from_listing(listing, |p| PinJson {
        id: p.to_string(),
    })))
}
