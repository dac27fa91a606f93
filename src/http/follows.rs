//! The user account's social graph: `/v5/user_account/followers`, `/v5/user_account/following`,
//! `/v5/user_account/following/boards` and `POST /v5/user_account/following/{username}`.

use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::domain::caller::Caller;
use crate::domain::follows::{FeedType, FollowedUser};
use crate::error::{Error, Result};
use crate::http::boards::BoardJson;
use crate::http::extract::{JsonBody, PathParams, QueryParams, present, truncate};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::wire::Paginated;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("followers/list", followers_list),
        endpoint("user_following/get", user_following_get),
        endpoint("boards_user_follows/list", boards_user_follows_list),
        endpoint("follow_user/update", follow_user_update),
    ]
}

/// The spec's `UserSummary`.
#[derive(Serialize)]
struct UserSummaryJson {
    #[serde(rename = "type")]
    kind: &'static str,
    username: String,
}

impl UserSummaryJson {
    fn of(username: String) -> UserSummaryJson {
        UserSummaryJson {
            kind: "user",
            username,
        }
    }
}

fn summary(u: FollowedUser) -> UserSummaryJson {
    UserSummaryJson::of(u.username)
}

/// The spec's `FollowUserRequest`.
#[derive(Deserialize)]
struct FollowUserJson {
    /// Pinterest checks that partners may be auto-followed; pinbox follows either way.
    #[serde(default, deserialize_with = "present")]
    #[allow(dead_code)]
    auto_follow: Option<bool>,
}

/// <https://developers.pinterest.com/docs/api/v5/followers-list>
async fn followers_list(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<UserSummaryJson>>> {
    let page = query.page()?;
    let listing = app.pinbox.follows.list_followers(&caller, page).await?;
    Ok(Json(Paginated::from_listing(listing, summary)))
}

/// <https://developers.pinterest.com/docs/api/v5/user_following-get>
async fn user_following_get(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<UserSummaryJson>>> {
    let feed = query
        .enumerated("feed_type", FeedType::NAMES, FeedType::parse)?
        .unwrap_or(FeedType::All);
    let explicit = query.boolean("explicit_following")?.unwrap_or(false);
    let page = query.page()?;
    let listing = app
        .pinbox
        .follows
        .list_following(&caller, explicit, feed, page)
        .await?;
    Ok(Json(Paginated::from_listing(listing, summary)))
}

/// <https://developers.pinterest.com/docs/api/v5/boards_user_follows-list>
async fn boards_user_follows_list(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<BoardJson>>> {
    // Checked for its form; every board follow is explicit, so it filters nothing.
    query.boolean("explicit_following")?;
    let page = query.page()?;
    let listing = app.pinbox.follows.list_boards(&caller, page).await?;
    Ok(Json(Paginated::from_listing(listing, |b| {
        BoardJson::from_board(&app.public_url, b)
    })))
}

/// <https://developers.pinterest.com/docs/api/v5/follow_user-update>
async fn follow_user_update(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
    JsonBody(_body): JsonBody<FollowUserJson>,
) -> Result<Json<UserSummaryJson>> {
    let username = path.raw("username");
    // The spec's pattern: a username is never all digits.
    if username.is_empty() || username.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(format!(
            "Invalid username '{}': a username is not all digits.",
            truncate(username, 64)
        )));
    }
    let followee = app
        .pinbox
        .follows
        .follow_user(caller.user_id, caller.env, username)
        .await?;
    Ok(Json(UserSummaryJson::of(followee.username)))
}
