//! The upload target of media uploads: pinbox's stand-in for the S3 bucket Pinterest hands out in
//! `upload_url`. It takes what S3's browser-based POST takes (multipart/form-data, the policy
//! fields first and `file` last, no bearer token), checks it as S3 does, answers `204 No Content`,
//! and answers errors with S3's XML bodies, because the client was written against S3. The file
//! streams to disk as it arrives; nothing holds a whole video in memory.

use axum::Router;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::domain::media_uploads::UploadTicket;
use crate::http::state::AppState;
use crate::media::s3_post::{S3Code, S3Error};

/// Where the endpoint lives, below the server's public URL.
pub const PATH: &str = "/_pinbox/media-upload/";

/// Most form fields before the file, and most bytes in any one of them: S3's own limit on what
/// precedes the file is 20 KB.
const MAX_FIELDS: usize = 64;
const MAX_FIELD_BYTES: usize = 20 * 1024;
/// Room for the form fields and multipart framing around the largest file.
const FORM_OVERHEAD: u64 = 1024 * 1024;

pub fn routes() -> Router<AppState> {
    // The body limit is this handler's own (streamed, per field, and the policy's size range).
    let upload = post(media_upload).layer(DefaultBodyLimit::disable());
    Router::new()
        .route(PATH, upload.clone())
        .route(PATH.trim_end_matches('/'), upload)
}

fn status(code: S3Code) -> StatusCode {
    match code {
        S3Code::AccessDenied | S3Code::SignatureDoesNotMatch | S3Code::InvalidAccessKeyId => {
            StatusCode::FORBIDDEN
        }
        S3Code::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        S3Code::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// S3's error body: `<Error><Code>..</Code><Message>..</Message>...<RequestId>..</RequestId></Error>`.
fn xml_error(e: S3Error) -> Response {
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>");
    body.push_str(e.code.as_str());
    body.push_str("</Code><Message>");
    body.push_str(&xml_escape(&e.message));
    body.push_str("</Message>");
    for (name, value) in &e.extra {
        body.push_str(&format!("<{name}>{}</{name}>", xml_escape(value)));
    }
    let request_id = format!("{:016X}", rand::random::<u64>());
    body.push_str(&format!(
        "<RequestId>{request_id}</RequestId><HostId>pinbox</HostId></Error>"
    ));
    (status(e.code), [(CONTENT_TYPE, "application/xml")], body).into_response()
}

fn malformed() -> S3Error {
    S3Error::new(
        S3Code::MalformedPOSTRequest,
        "The body of your POST request is not well-formed multipart/form-data.",
    )
}

/// `POST /_pinbox/media-upload/`
async fn media_upload(
    State(app): State<AppState>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    match receive(&app, &headers, multipart).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => xml_error(e),
    }
}

async fn receive(
    app: &AppState,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(), S3Error> {
    let max = app.pinbox.media_uploads.max_upload_bytes();
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Refused before a byte is read (a client sending `Expect: 100-continue` sends nothing).
    if let Some(n) = declared
        && n > max.saturating_add(FORM_OVERHEAD)
    {
        return Err(S3Error::too_large(n, max));
    }
    let mut multipart = multipart.map_err(|_| malformed())?;
    let mut fields: Vec<(String, String)> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| malformed())? {
        let name = field.name().unwrap_or("").to_string();
        if name.eq_ignore_ascii_case("file") {
            let result = match app.pinbox.media_uploads.check_upload_fields(&fields).await {
                Ok(ticket) => store_file(app, ticket, &mut field, declared).await,
                Err(e) => Err(e),
            };
            // Read what the client still sends (S3 ignores fields after the file), so that it
            // sees the answer rather than a reset connection.
            drain(&mut field).await;
            drop(field);
            while let Ok(Some(mut rest)) = multipart.next_field().await {
                if !drain(&mut rest).await {
                    break;
                }
            }
            return result;
        }
        if fields.len() >= MAX_FIELDS {
            return Err(pre_data_too_large());
        }
        fields.push((name, read_text(field).await?));
    }
    Err(S3Error::new(
        S3Code::IncorrectNumberOfFilesInPostRequest,
        "POST requires exactly one file upload per request.",
    )
    .with("ProvidedNumberOfFiles", 0))
}

/// Reads and drops the rest of a part, up to a bound; whether it reached the part's end.
async fn drain(field: &mut Field<'_>) -> bool {
    const DRAIN_MAX: usize = 16 * 1024 * 1024;
    let mut seen = 0usize;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                seen += chunk.len();
                if seen > DRAIN_MAX {
                    return false;
                }
            }
            Ok(None) => return true,
            Err(_) => return false,
        }
    }
}

fn pre_data_too_large() -> S3Error {
    S3Error::new(
        S3Code::MaxPostPreDataLengthExceeded,
        "Your POST request fields preceding the upload file were too large.",
    )
    .with("MaxPostPreDataLength", MAX_FIELD_BYTES)
}

async fn read_text(mut field: Field<'_>) -> Result<String, S3Error> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
        if buf.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(pre_data_too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| malformed())
}

/// Streams the `file` part to a temporary file, stopping as soon as it passes the size limit.
async fn store_file(
    app: &AppState,
    ticket: UploadTicket,
    field: &mut Field<'_>,
    declared: Option<u64>,
) -> Result<(), S3Error> {
    let files = &app.pinbox.media.files;
    let (temp, file) = files.temp_file().await.map_err(|e| {
        tracing::error!(error = %e, "cannot create a temporary upload file");
        S3Error::internal()
    })?;
    let mut out = BufWriter::with_capacity(1024 * 1024, file);
    let mut size: u64 = 0;
    while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
        size += chunk.len() as u64;
        if size > ticket.max_bytes {
            return Err(S3Error::too_large(
                declared.unwrap_or(size).max(size),
                ticket.max_bytes,
            ));
        }
        out.write_all(&chunk).await.map_err(|e| {
            tracing::error!(error = %e, "writing an upload failed");
            S3Error::internal()
        })?;
    }
    out.flush().await.map_err(|e| {
        tracing::error!(error = %e, "writing an upload failed");
        S3Error::internal()
    })?;
    drop(out);
    app.pinbox
        .media_uploads
        .finish_upload(ticket, temp, size)
        .await?;
    Ok(())
}
