//! `application/x-www-form-urlencoded` request bodies (the OAuth token endpoints and the consent
//! pages' forms), read into the same parameter list as a query string so that each field is
//! checked and named the same way.

use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;

use crate::error::{Error, ErrorKind, Result};
use crate::http::extract::{QueryParams, read_body, truncate};

/// Form bodies are a few short fields; anything larger is not a form pinbox expects.
const FORM_BODY_LIMIT: usize = 64 * 1024;

/// A form body, decoded once; use [`QueryParams`]'s accessors on it.
pub struct FormBody(pub QueryParams);

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<FormBody> {
        if let Some(ct) = req.headers().get(CONTENT_TYPE) {
            let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
            let essence = ct.split(';').next().unwrap_or("").trim();
            if essence != "application/x-www-form-urlencoded" {
                return Err(Error::new(
                    ErrorKind::UnsupportedMediaType,
                    1,
                    format!(
                        "Unsupported Content-Type '{}': send the fields as a form with \
                         'Content-Type: application/x-www-form-urlencoded'.",
                        truncate(&ct, 64)
                    ),
                ));
            }
        }
        let bytes = read_body(req, state, FORM_BODY_LIMIT).await?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| Error::invalid("Invalid request body: the form is not valid UTF-8."))?;
        Ok(FormBody(QueryParams::parse(Some(text))))
    }
}

impl FormBody {
    /// A field that must be present and not empty.
    pub fn required(&self, name: &str) -> Result<&str> {
        match self.0.single(name)? {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(Error::invalid(format!(
                "Missing field: '{name}' is required in the form body."
            ))),
        }
    }

    pub fn optional(&self, name: &str) -> Result<Option<&str>> {
        self.0.single(name)
    }
}
