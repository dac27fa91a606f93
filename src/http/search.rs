//! Search over the caller's own Pins and boards: `/v5/search/pins` and `/v5/search/boards`.
//! Both are disabled in Sandbox, as the spec's `x-sandbox` says; the catalog refuses them there.

use axum::extract::State;

use crate::domain::caller::Caller;
use crate::error::{Error, Result};
use crate::http::boards::BoardJson;
use crate::http::extract::QueryParams;
use crate::http::pins::{PinJson, PinView};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::wire::Paginated;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("search_user_pins/list", search_user_pins_list),
        endpoint("search_user_boards/get", search_user_boards_get),
    ]
}

/// <https://developers.pinterest.com/docs/api/v5/search_user_pins-list>
async fn search_user_pins_list(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<PinJson>>> {
    let text = query.single("query")?.ok_or_else(|| {
        Error::invalid("Parameter 'query' is required: give keywords or comma-separated Pin ids.")
    })?;
    // The spec lists no page_size here; pinbox takes it as every other list does.
    let page = query.page()?;
    let listing = app.pinbox.search.pins(&caller, text, page).await?;
    let view = PinView::of(&app, &caller, &listing.items.iter().collect::<Vec<_>>()).await?;
    Ok(Json(Paginated::from_listing(listing, |p| {
        PinJson::new(&view, p, false)
    })))
}

/// <https://developers.pinterest.com/docs/api/v5/search_user_boards-get>
async fn search_user_boards_get(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<BoardJson>>> {
    let text = query.single("query")?;
    let page = query.page()?;
    let listing = app.pinbox.search.boards(&caller, text, page).await?;
    Ok(Json(Paginated::from_listing(listing, |b| {
        BoardJson::from_board(&app.public_url, b)
    })))
}
