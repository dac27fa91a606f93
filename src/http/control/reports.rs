//! Report downloads: the files `analytics/get_report` links to, standing in for Pinterest's
//! S3 links. No access token: the link's signature and expiry are the credential, as a
//! presigned S3 URL's are. An unknown or forged link is a 404; an expired one (the link's five
//! minutes, or the report's hour) a 410.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::domain::ads_reports::{DownloadRefusal, Format};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/_pinbox/reports/{file}", get(download))
}

#[derive(serde::Deserialize)]
struct LinkQuery {
    expires: Option<String>,
    signature: Option<String>,
}

fn refusal(status: StatusCode, message: &str) -> Response {
    let body = json!({"code": status.as_u16(), "message": message});
    (
        status,
        [(CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn download(
    State(app): State<AppState>,
    Path(file): Path<String>,
    Query(link): Query<LinkQuery>,
) -> Response {
    let expires = link.expires.and_then(|e| e.parse::<i64>().ok());
    let (Some(expires), Some(signature)) = (expires, link.signature) else {
        return refusal(
            StatusCode::NOT_FOUND,
            "Report not found: this is not a link analytics/get_report answered.",
        );
    };
    match app
        .pinbox
        .ads_reports
        .download(&file, expires, &signature)
        .await
    {
        Ok(Ok(f)) => {
            let content_type = match f.format {
                Format::Json => "application/json",
                Format::Csv => "text/csv; charset=utf-8",
            };
            (
                StatusCode::OK,
                [
                    (CONTENT_TYPE, content_type.to_string()),
                    (
                        CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{file}\""),
                    ),
                ],
                f.bytes,
            )
                .into_response()
        }
        Ok(Err(DownloadRefusal::Unknown)) => refusal(
            StatusCode::NOT_FOUND,
            "Report not found: this is not a link analytics/get_report answered, or its report \
             is gone.",
        ),
        Ok(Err(DownloadRefusal::Expired)) => refusal(
            StatusCode::GONE,
            "Report link expired: links work for five minutes and reports for an hour; ask \
             analytics/get_report for a new link, or create the report again.",
        ),
        Err(e) => e.into_response(),
    }
}
