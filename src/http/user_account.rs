//! The user account: `/v5/user_account`.

use crate::http::respond::Json;
use axum::extract::State;
use serde::Serialize;

use crate::domain::caller::Caller;
use crate::error::Result;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![endpoint("user_account/get", user_account_get)]
}

/// The spec's `Account`.
#[derive(Serialize)]
struct AccountJson {
    account_type: &'static str,
    id: String,
    profile_image: String,
    website_url: String,
    username: String,
    about: String,
    business_name: Option<String>,
    board_count: i64,
    pin_count: i64,
    follower_count: i64,
    following_count: i64,
    monthly_views: i64,
}

/// <https://developers.pinterest.com/docs/api/v5/user_account-get>
async fn user_account_get(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<AccountJson>> {
    let view = app.pinbox.accounts.view(&caller).await?;
    let user = view.user;
    Ok(Json(AccountJson {
        account_type: user.account_type.as_str(),
        id: user.id.to_string(),
        profile_image: format!("{}/media/avatars/default.png", app.public_url),
        website_url: user.website_url,
        username: user.username,
        about: user.about,
        business_name: user.business_name,
        board_count: view.board_count,
        pin_count: view.pin_count,
        follower_count: view.follower_count,
        following_count: view.following_count,
        monthly_views: view.monthly_views,
    }))
}
