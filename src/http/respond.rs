//! Turns pinbox's one error type into Pinterest's error response, and builds JSON answers.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{Error, ErrorKind};

pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorKind::NotImplemented => StatusCode::NOT_IMPLEMENTED,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: u32,
    message: &'a str,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if self.kind == ErrorKind::Internal {
            tracing::error!(error = %self, "internal error");
        }
        let status = status_of(self.kind);
        let mut response = (
            status,
            Json(ErrorBody {
                code: self.code,
                message: &self.message,
            }),
        )
            .into_response();
        if let Some(missing) = self.missing_scopes
            && let Ok(v) = HeaderValue::from_str(&missing.to_string())
        {
            response.headers_mut().insert("x-pinbox-missing-scopes", v);
        }
        response
    }
}

/// A JSON answer, written straight into one buffer sized for a typical answer: the extractor's
/// counterpart in axum starts small and grows (and copies) several times for a single Pin.
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(1024);
        match sonic_rs::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                body,
            )
                .into_response(),
            Err(e) => Error::internal(e).into_response(),
        }
    }
}

/// 201 Created with a JSON body.
pub fn created<T: Serialize>(body: T) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

/// 204 No Content.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn json_answers_escape_exactly_as_serde_json_does() {
        let tricky = serde_json::json!({
            "text": "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 😀 </script>",
            "n": [0, -1, 1.5, 1e-7, 12345678901234567_i64],
            "none": null,
        });
        let response = Json(&tricky).into_response();
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let ours: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(ours, tricky);
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            serde_json::to_string(&tricky).unwrap()
        );
    }
}
