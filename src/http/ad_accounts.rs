//! Ad accounts: `/v5/ad_accounts`, `/v5/ad_accounts/{ad_account_id}` and the Sandbox-only delete.

use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::domain::ad_accounts::AdAccount;
use crate::domain::ad_accounts::AdAccountInput;
use crate::domain::caller::Caller;
use crate::domain::ids::{AdAccountId, UserId, parse_digits};
use crate::error::{Error, Result};
use crate::http::extract::{JsonBody, PathParams, QueryParams, present};
use crate::http::respond::{Json, created, no_content};
use crate::http::state::AppState;
use crate::http::wire::Paginated;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("ad_accounts/list", ad_accounts_list),
        endpoint("ad_accounts/create", ad_accounts_create),
        endpoint("ad_accounts/get", ad_accounts_get),
        // Seed 000 documents the delete at the ad account's own path; the spec adds `/sandbox`.
        endpoint("sandbox/delete", sandbox_delete).also_at("/ad_accounts/{ad_account_id}"),
    ]
}

/// The spec's `AdAccount`.
#[derive(Serialize)]
struct AdAccountJson {
    id: String,
    name: String,
    owner: OwnerJson,
    country: String,
    currency: String,
    permissions: [&'static str; 1],
    created_time: i64,
    updated_time: i64,
}

/// The spec's `AdAccountOwner`.
#[derive(Serialize)]
struct OwnerJson {
    id: String,
    username: String,
}

impl From<AdAccount> for AdAccountJson {
    fn from(a: AdAccount) -> AdAccountJson {
        AdAccountJson {
            id: a.id.to_string(),
            name: a.name,
            owner: OwnerJson {
                id: a.owner_id.to_string(),
                username: a.owner_username,
            },
            country: a.country,
            currency: a.currency,
            // The caller only ever sees their own ad accounts.
            permissions: ["OWNER"],
            created_time: a.created_at.seconds(),
            updated_time: a.updated_at.seconds(),
        }
    }
}

/// The spec's `AdAccountCreate`: every field optional, none nullable.
#[derive(Deserialize)]
struct AdAccountCreateJson {
    #[serde(default, deserialize_with = "present")]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    country: Option<String>,
    #[serde(default, deserialize_with = "present")]
    currency: Option<String>,
    #[serde(default, deserialize_with = "present")]
    owner_user_id: Option<String>,
}

/// <https://developers.pinterest.com/docs/api/v5/ad_accounts-list>
async fn ad_accounts_list(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<AdAccountJson>>> {
    // Shared accounts are not modelled: the flag is checked, and changes nothing.
    query.boolean("include_shared_accounts")?;
    let listing = app.pinbox.ad_accounts.list(&caller, query.page()?).await?;
    Ok(Json(Paginated::from_listing(listing, AdAccountJson::from)))
}

/// <https://developers.pinterest.com/docs/api/v5/ad_accounts-create>
async fn ad_accounts_create(
    State(app): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<AdAccountCreateJson>,
) -> Result<Response> {
    let owner_user_id = match body.owner_user_id.as_deref() {
        None => None,
        Some(raw) if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(Error::invalid(
                "Invalid ad account parameter: 'owner_user_id' must be a user id (digits).",
            ));
        }
        // Digits too long for an id name nobody, so certainly not the caller.
        Some(raw) => Some(UserId(parse_digits(raw).unwrap_or(0))),
    };
    let account = app
        .pinbox
        .ad_accounts
        .create(
            &caller,
            AdAccountInput {
                name: body.name,
                country: body.country,
                currency: body.currency,
                owner_user_id,
            },
        )
        .await?;
    Ok(created(AdAccountJson::from(account)))
}

/// <https://developers.pinterest.com/docs/api/v5/ad_accounts-get>
async fn ad_accounts_get(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
) -> Result<Json<AdAccountJson>> {
    let id = AdAccountId(path.id("ad_account_id")?);
    let account = app.pinbox.ad_accounts.get(&caller, id).await?;
    Ok(Json(AdAccountJson::from(account)))
}

/// <https://developers.pinterest.com/docs/api/v5/sandbox-delete>
async fn sandbox_delete(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
) -> Result<Response> {
    // The spec's own answer to an id that cannot be one.
    let raw = path.raw("ad_account_id");
    let id = parse_digits(raw)
        .filter(|_| raw.len() <= 18)
        .ok_or_else(|| Error::invalid("Invalid ad account id").with_code(400))?;
    app.pinbox
        .ad_accounts
        .delete_sandbox(&caller, AdAccountId(id))
        .await?;
    Ok(no_content())
}
