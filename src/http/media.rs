//! Media uploads for video Pins: `/v5/media` and `/v5/media/{media_id}`. The file itself goes to
//! pinbox's S3-style upload endpoint (`src/http/control/media_upload.rs`), out of band, as it goes
//! to Pinterest's S3 bucket.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::domain::caller::Caller;
use crate::domain::ids::MediaId;
use crate::domain::media_uploads::{MediaType, MediaUpload};
use crate::error::{Error, Result};
use crate::http::extract::{JsonBody, PathParams, QueryParams, present, truncate};
use crate::http::respond::created;
use crate::http::state::AppState;
use crate::http::wire::Paginated;
use crate::http::{Endpoint, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("media/list", media_list),
        endpoint("media/create", media_create),
        endpoint("media/get", media_get),
    ]
}

/// Where clients POST their files: pinbox's stand-in for Pinterest's S3 bucket.
pub fn upload_url(public_url: &str) -> String {
    format!("{public_url}{}", crate::http::control::media_upload::PATH)
}

/// The spec's `MediaUpload`.
#[derive(Serialize)]
struct MediaUploadJson {
    media_id: String,
    media_type: &'static str,
    upload_url: String,
    upload_parameters: UploadParametersJson,
}

/// The spec's `MediaUploadParameters`, named as S3 names its form fields.
#[derive(Serialize)]
struct UploadParametersJson {
    #[serde(rename = "x-amz-date")]
    date: String,
    #[serde(rename = "x-amz-signature")]
    signature: String,
    #[serde(rename = "x-amz-security-token")]
    security_token: String,
    #[serde(rename = "x-amz-algorithm")]
    algorithm: String,
    key: String,
    policy: String,
    #[serde(rename = "x-amz-credential")]
    credential: String,
    #[serde(rename = "Content-Type")]
    content_type: String,
}

/// The spec's `Media`.
#[derive(Serialize)]
struct MediaJson {
    media_id: String,
    media_type: &'static str,
    status: &'static str,
}

impl MediaJson {
    fn new(app: &AppState, upload: &MediaUpload) -> MediaJson {
        MediaJson {
            media_id: upload.id.to_string(),
            media_type: upload.media_type.as_str(),
            status: upload.status(app.pinbox.clock.now()).as_str(),
        }
    }
}

#[derive(Deserialize)]
struct MediaUploadCreateJson {
    #[serde(default, deserialize_with = "present")]
    media_type: Option<String>,
}

/// <https://developers.pinterest.com/docs/api/v5/media-list>
async fn media_list(
    State(app): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> Result<Json<Paginated<MediaJson>>> {
    let page = query.page()?;
    let listing = app.pinbox.media_uploads.list(&caller, page).await?;
    Ok(Json(Paginated::from_listing(listing, |u| {
        MediaJson::new(&app, &u)
    })))
}

/// <https://developers.pinterest.com/docs/api/v5/media-create>
async fn media_create(
    State(app): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<MediaUploadCreateJson>,
) -> Result<Response> {
    let media_type = match body.media_type.as_deref() {
        None => {
            return Err(Error::invalid(
                "Invalid request: 'media_type' is required: set it to 'video'.",
            ));
        }
        Some(t) => MediaType::parse(t).ok_or_else(|| {
            Error::invalid(format!(
                "Invalid request: 'media_type' value '{}' is not one of: video.",
                truncate(t, 64)
            ))
        })?,
    };
    let registered = app
        .pinbox
        .media_uploads
        .register(&caller, media_type)
        .await?;
    let form = registered.form;
    Ok(created(MediaUploadJson {
        media_id: registered.upload.id.to_string(),
        media_type: registered.upload.media_type.as_str(),
        upload_url: upload_url(&app.public_url),
        upload_parameters: UploadParametersJson {
            date: form.date,
            signature: form.signature,
            security_token: form.security_token,
            algorithm: form.algorithm,
            key: form.key,
            policy: form.policy,
            credential: form.credential,
            content_type: form.content_type,
        },
    }))
}

/// <https://developers.pinterest.com/docs/api/v5/media-get>
async fn media_get(
    State(app): State<AppState>,
    caller: Caller,
    path: PathParams,
) -> Result<Json<MediaJson>> {
    let id = MediaId(path.id("media_id")?);
    let upload = app.pinbox.media_uploads.get(&caller, id).await?;
    Ok(Json(MediaJson::new(&app, &upload)))
}
