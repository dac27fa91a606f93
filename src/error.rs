//! The one error type of pinbox's API: it knows Pinterest's error code and message and what
//! kind of failure it is; the HTTP layer turns the kind into a status and the body
//! `{"code": N, "message": "..."}`.

use std::borrow::Cow;
use std::fmt;

use crate::catalog::scope::Scopes;

/// What went wrong, which decides the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: the request is malformed or fails validation.
    InvalidInput,
    /// 401: no valid access token.
    Unauthenticated,
    /// 403: the token lacks a scope, or the caller may not do this.
    Forbidden,
    /// 404: no such object, or not visible to this token.
    NotFound,
    /// 405
    MethodNotAllowed,
    /// 408: the request body stopped arriving.
    RequestTimeout,
    /// 409: conflicts with the current state (duplicate names, ...).
    Conflict,
    /// 413
    PayloadTooLarge,
    /// 415
    UnsupportedMediaType,
    /// 429
    RateLimited,
    /// 500: a fault inside pinbox; details are logged, never sent.
    Internal,
    /// 501: an operation of Pinterest's spec that pinbox does not serve yet.
    NotImplemented,
    /// 503: the store is unreachable or shutting down.
    Unavailable,
}

/// The spec's message for code 8, as the 429 examples of `events/create` and
/// `msot_events/create` give it.
pub const RATE_LIMITED_MESSAGE: &str = "This request exceeded a rate limit. This can happen if the \
     client exceeds one\nof the published rate limits within a short time window.";

/// An API error with Pinterest's code and message.
pub struct Error {
    pub kind: ErrorKind,
    pub code: u32,
    pub message: Cow<'static, str>,
    /// Scopes the token lacked, reported in a header to help debugging.
    pub missing_scopes: Option<Scopes>,
    /// The underlying cause of an internal error, for the log only.
    pub cause: Option<anyhow::Error>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, code: u32, message: impl Into<Cow<'static, str>>) -> Error {
        Error {
            kind,
            code,
            message: message.into(),
            missing_scopes: None,
            cause: None,
        }
    }

    /// The same error with another Pinterest code, where an operation's spec gives its own.
    pub fn with_code(mut self, code: u32) -> Error {
        self.code = code;
        self
    }

    /// 400 with Pinterest's generic validation code.
    pub fn invalid(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::InvalidInput, 1, message)
    }

    /// 401 as Pinterest answers a missing, unknown, expired or revoked token.
    pub fn unauthenticated() -> Error {
        Error::new(ErrorKind::Unauthenticated, 2, "Authentication failed.")
    }

    /// 401 with a more specific reason, still Pinterest's code 2.
    pub fn unauthenticated_because(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Unauthenticated, 2, message)
    }

    /// 403 for a token without every scope the operation needs: Pinterest's code and sentence,
    /// then the scopes the token lacks, so that the fix is in the message.
    pub fn insufficient_scope(missing: Scopes) -> Error {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        let mut e = Error::new(
            ErrorKind::Forbidden,
            3,
            format!(
                "Your token does not have sufficient permissions to perform this operation. \
                 Please ensure your token is authorized with the correct set of scopes. \
                 Missing scopes: {}.",
                names.join(", ")
            ),
        );
        e.missing_scopes = Some(missing);
        e
    }

    pub fn forbidden(code: u32, message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Forbidden, code, message)
    }

    pub fn not_found(code: u32, message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::NotFound, code, message)
    }

    pub fn conflict(code: u32, message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Conflict, code, message)
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Error {
        let mut e = Error::new(
            ErrorKind::Internal,
            500,
            "Something went wrong inside pinbox; the server log has the details.",
        );
        e.cause = Some(cause.into());
        e
    }

    pub fn unavailable(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Unavailable, 503, message)
    }

    /// 429 with the spec's body for an exceeded rate limit (code 8, the message exactly as the
    /// spec's examples give it, line break included).
    pub fn rate_limited() -> Error {
        Error::new(ErrorKind::RateLimited, 8, RATE_LIMITED_MESSAGE)
    }

    pub fn not_implemented(operation_id: &str) -> Error {
        Error::new(
            ErrorKind::NotImplemented,
            4181,
            format!(
                "Not implemented at the moment: pinbox does not serve the operation \
                 '{operation_id}' yet. See docs/compatibility.md for what it serves."
            ),
        )
    }

    /// An operation the spec marks `x-sandbox: disabled`, called on the Sandbox base URL.
    pub fn not_in_sandbox(operation_id: &str) -> Error {
        Error::forbidden(
            29,
            format!(
                "You are not permitted to access that resource in Sandbox: '{operation_id}' is not \
                 available in API Sandbox. Call it in production (https://api.pinterest.com/v5; on \
                 pinbox, /v5 on a Host that does not start with api-sandbox.) with a production \
                 token."
            ),
        )
    }

    // Pinterest's not-found answers, with the codes its spec gives.

    pub fn board_not_found() -> Error {
        Error::not_found(40, "Board not found.")
    }

    pub fn pin_not_found() -> Error {
        Error::not_found(50, "Pin not found.")
    }

    pub fn section_not_found() -> Error {
        Error::not_found(2031, "Sorry! We couldn't find this board section.")
    }

    pub fn user_not_found() -> Error {
        Error::not_found(30, "User not found.")
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("cause", &self.cause)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)?;
        if let Some(cause) = &self.cause {
            write!(f, ": {cause:#}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
