//! Websites the user claims: `/v5/user_account/websites` (list, verify, unverify) and
//! `/v5/user_account/websites/verification`.

use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::domain::caller::Caller;
use crate::domain::websites::{VerificationMethod, Website};
use crate::error::{Error, Result};
use crate::http::extract::{JsonBody, QueryParams, present};
use crate::http::respond::{Json, no_content};
use crate::http::state::AppState;
use crate::http::wire::Paginated;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("user_websites/get", user_websites_get),
        endpoint("verify_website/update", verify_website_update),
        endpoint("unverify_website/delete", unverify_website_delete),
        endpoint("website_verification/get", website_verification_get),
    ]
}

/// The spec's `UserWebsiteSummary`.
#[derive(Serialize)]
struct WebsiteJson {
    website: String,
    status: &'static str,
    verified_at: String,
}

impl From<Website> for WebsiteJson {
    fn from(w: Website) -> WebsiteJson {
        WebsiteJson {
            website: w.name.as_str().to_string(),
            status: "success",
            verified_at: w.verified_at.to_rfc3339(),
        }
    }
}

/// The spec's `UserWebsiteVerifyRequest`.
#[derive(Deserialize)]
struct VerifyJson {
    website: String,
    #[serde(default, deserialize_with = "present")]
    verification_method: Option<MethodJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "UPPERCASE")]
enum MethodJson {
    Filename,
    Metatag,
    Dnstxt,
}

impl From<MethodJson> for VerificationMethod {
    fn from(m: MethodJson) -> VerificationMethod {
        match m {
            MethodJson::Filename => VerificationMethod::Filename,
            MethodJson::Metatag => VerificationMethod::Metatag,
            MethodJson::Dnstxt => VerificationMethod::DnsTxt,
        }
    }
}

/// The spec's `UserWebsiteVerificationCode`.
#[derive(Serialize)]
struct VerificationCodeJson {
    verification_code: String,
    dns_txt_record: String,
    metatag: String,
    filename: String,
    file_content: String,
}

/// <https://developers.pinterest.com/docs/api/v5/user_websites-get>
async fn user_websites_get(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<WebsiteJson>>> {
    let listing = app.pinbox.websites.list(&caller, query.page()?).await?;
    Ok(Json(Paginated::from_listing(listing, WebsiteJson::from)))
}

/// <https://developers.pinterest.com/docs/api/v5/verify_website-update>
async fn verify_website_update(
    State(app): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<VerifyJson>,
) -> Result<Json<WebsiteJson>> {
    let method = body
        .verification_method
        .map_or(VerificationMethod::Metatag, VerificationMethod::from);
    let website = app
        .pinbox
        .websites
        .verify(&caller, &body.website, method)
        .await?;
    Ok(Json(website.into()))
}

/// <https://developers.pinterest.com/docs/api/v5/unverify_website-delete>
async fn unverify_website_delete(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Response> {
    let website = query.single("website")?.ok_or_else(|| {
        Error::invalid("Invalid request: the query parameter 'website' is required: name the website to unverify.")
    })?;
    app.pinbox.websites.unverify(&caller, website).await?;
    Ok(no_content())
}

/// <https://developers.pinterest.com/docs/api/v5/website_verification-get>
async fn website_verification_get(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<VerificationCodeJson>> {
    let code = app.pinbox.websites.verification_code(&caller);
    Ok(Json(VerificationCodeJson {
        verification_code: code.code,
        dns_txt_record: code.dns_txt_record,
        metatag: code.metatag,
        filename: code.filename,
        file_content: code.file_content,
    }))
}
