//! Request extractors that answer bad input the way Pinterest does: a 400 (or 413/415) with
//! `{code, message}` naming the parameter or field that was wrong, never a panic or a plain-text error.

use axum::body::Bytes;
use axum::extract::path::ErrorKind as PathErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use bytes::BytesMut;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;

use crate::domain::PageRequest;
use crate::domain::caller::Caller;
use crate::domain::ids::parse_digits;
use crate::domain::page::parse_page_size;
use crate::error::{Error, ErrorKind, Result};
use crate::http::transport::body_timeout::BodyStalled;

/// Largest JSON body accepted by default; Pin creation with images raises its own limit.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The authenticated caller, put in place by the auth middleware from the operation catalog.
impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Caller> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            Error::internal(anyhow::anyhow!(
                "a handler asked for the caller but no auth ran"
            ))
        })
    }
}

/// Path parameters, kept as text so each can be checked and named in the error.
pub struct PathParams(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<PathParams> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| Error::invalid(format!("Invalid path parameter: {e}")))?;
        Ok(PathParams(
            raw.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
    }
}

impl PathParams {
    /// A parameter as sent, for the operations whose spec answers a malformed value specially.
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// A numeric id parameter. Anything that cannot be an id (not digits, or too large) gives 0,
    /// which matches nothing, so the operation answers its own "not found" as for any unknown id:
    /// a path that names no object is a 404, whatever it looks like.
    pub fn id(&self, name: &str) -> Result<i64> {
        let raw = self
            .0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        Ok(parse_digits(raw).unwrap_or(0))
    }
}

/// axum's `Path`, refused with Pinterest's body and the segment named (axum's own rejection
/// is plain text).
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Path<T>> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => match e.kind() {
                PathErrorKind::InvalidUtf8InPathParam { key } => Err(Error::invalid(format!(
                    "Invalid path: its '{key}' segment is not UTF-8 once percent-decoded; \
                     percent-encode the UTF-8 bytes of the text."
                ))),
                _ => Err(Error::invalid(format!("Invalid path: {}", e.body_text()))),
            },
            Err(e) => Err(Error::invalid(format!("Invalid path: {}", e.body_text()))),
        }
    }
}

/// Query parameters, decoded once; each accessor checks and names its parameter.
pub struct QueryParams(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<QueryParams> {
        Ok(QueryParams::parse(parts.uri.query()))
    }
}

impl QueryParams {
    pub fn parse(query: Option<&str>) -> QueryParams {
        QueryParams(
            form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// A parameter that may appear at most once.
    pub fn single(&self, name: &str) -> Result<Option<&str>> {
        let mut values = self
            .0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(Error::invalid(format!(
                "Parameter '{name}' was given more than once; give it once."
            )));
        }
        Ok(first)
    }

    /// Every value of a parameter that may repeat (`?creative_types=A&creative_types=B`) or be
    /// comma-separated (`?creative_types=A,B`); empty values are kept for the caller to refuse.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .collect()
    }

    pub fn page(&self) -> Result<PageRequest> {
        Ok(PageRequest {
            page_size: parse_page_size(self.single("page_size")?)?,
            bookmark: self.single("bookmark")?.map(str::to_string),
        })
    }

    /// An enum parameter, parsed by `parse`, naming the allowed values when wrong.
    pub fn enumerated<T>(
        &self,
        name: &str,
        allowed: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>> {
        match self.single(name)? {
            None => Ok(None),
            Some(v) => parse(v).map(Some).ok_or_else(|| {
                Error::invalid(format!(
                    "Parameter '{name}' has an unknown value '{}'; use one of: {}.",
                    truncate(v, 64),
                    allowed.join(", ")
                ))
            }),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>> {
        match self.single(name)? {
            None => Ok(None),
            Some("true") | Some("True") | Some("1") => Ok(Some(true)),
            Some("false") | Some("False") | Some("0") => Ok(Some(false)),
            Some(v) => Err(Error::invalid(format!(
                "Parameter '{name}' must be true or false (was {}).",
                truncate(v, 64)
            ))),
        }
    }

    /// The spec's `ad_account_id`: digits. Digits that cannot be an id give 0, which names no
    /// ad account, so the caller answers "not found".
    pub fn ad_account_id(&self) -> Result<Option<i64>> {
        match self.single("ad_account_id")? {
            None => Ok(None),
            Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Some(parse_digits(v).unwrap_or(0)))
            }
            Some(v) => Err(Error::invalid(format!(
                "'ad_account_id' value '{}' must match the pattern: ^\\d+$",
                truncate(v, 64)
            ))),
        }
    }
}

/// A JSON request body deserialized into `T`, with errors that name the offending field.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<JsonBody<T>> {
        check_json_content_type(&req)?;
        let bytes = read_body(req, state, DEFAULT_BODY_LIMIT).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// A JSON request body that is an array of items, as the ads batch operations take.
pub struct JsonArray(pub Vec<serde_json::Value>);

impl<S: Send + Sync> FromRequest<S> for JsonArray {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<JsonArray> {
        check_json_content_type(&req)?;
        let bytes = read_body(req, state, DEFAULT_BODY_LIMIT).await?;
        match serde_json::from_slice(&bytes) {
            Ok(serde_json::Value::Array(items)) => Ok(JsonArray(items)),
            Ok(_) => Err(Error::invalid(
                "Invalid request body: expected a JSON array of items ([{...}, ...]).",
            )),
            Err(e) => Err(Error::invalid(format!(
                "Invalid request body: it is not valid JSON ({}).",
                strip_position(&e.to_string())
            ))),
        }
    }
}

pub fn check_json_content_type(req: &Request) -> Result<()> {
    let Some(ct) = req.headers().get(CONTENT_TYPE) else {
        return Ok(());
    };
    let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
    let essence = ct.split(';').next().unwrap_or("").trim();
    if essence == "application/json" || essence.ends_with("+json") {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::UnsupportedMediaType,
            1,
            format!(
                "Unsupported Content-Type '{}': send the body as JSON with 'Content-Type: application/json'.",
                truncate(&ct, 64)
            ),
        ))
    }
}

/// Reads a body of at most `limit` bytes. A `Content-Length` over the limit is refused before
/// anything is read, and a body without one as soon as it passes the limit, so an oversized
/// body is never held whole; the buffer is sized once from `Content-Length`.
pub async fn read_body<S: Send + Sync>(req: Request, _: &S, limit: usize) -> Result<Bytes> {
    let too_large = || {
        Error::new(
            ErrorKind::PayloadTooLarge,
            1,
            format!("The request body is larger than the {limit} bytes this operation accepts."),
        )
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut buf = BytesMut::with_capacity(declared.unwrap_or(0) as usize);
    let mut body = http_body_util::Limited::new(req.into_body(), limit);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                too_large()
            } else if let Some(stalled) = BodyStalled::find(e.as_ref()) {
                Error::new(
                    ErrorKind::RequestTimeout,
                    408,
                    format!(
                        "The request body stopped arriving: nothing came for {:?}. Send the \
                         whole body without pausing that long.",
                        stalled.after
                    ),
                )
            } else {
                Error::invalid(format!("The request body could not be read: {e}"))
            }
        })?;
        if let Ok(data) = frame.into_data() {
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::invalid(
            "Invalid request: the request body is empty; send a JSON object.",
        ));
    }
    // Every request body of the API is an object; serde would also read a struct from an array.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
        return Err(Error::invalid(
            "Invalid request body: expected a JSON object ({...}).",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = strip_position(&e.inner().to_string());
        let not_json = (e.inner().is_syntax() || e.inner().is_eof())
            && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err();
        if not_json {
            Error::invalid(format!(
                "Invalid request body: it is not valid JSON ({inner})."
            ))
        } else if path == "." {
            Error::invalid(format!("Invalid request body: {inner}"))
        } else if inner == "expected value" {
            // serde_json's only word for a null, number, boolean or array where an enum value belongs.
            Error::invalid(wrong_enum_type::<T>(bytes, e.path()))
        } else {
            Error::invalid(format!("Invalid request: '{path}': {inner}"))
        }
    })?;
    de.end().map_err(|_| {
        Error::invalid("Invalid request body: unexpected data after the JSON object.")
    })?;
    Ok(value)
}

/// The message for an enum field that holds something other than a string: the values it takes
/// (found by deserializing again with a string no variant has there, so that serde lists them)
/// and the JSON type that was sent instead. Runs only on the error path.
fn wrong_enum_type<T: DeserializeOwned>(bytes: &[u8], path: &serde_path_to_error::Path) -> String {
    let shown = path.to_string();
    let mut root: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(_) => return format!("Invalid request: '{shown}': expected one of its listed values."),
    };
    let Some(slot) = value_at(&mut root, path) else {
        return format!("Invalid request: '{shown}': expected one of its listed values.");
    };
    let sent = match slot {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    };
    *slot = serde_json::Value::String(String::new());
    let again = match serde_path_to_error::deserialize::<_, T>(root) {
        Err(e) if e.path().to_string() == shown => e.inner().to_string(),
        _ => String::new(),
    };
    match listed_variants(&again) {
        Some(values) => format!(
            "Invalid request: '{shown}' must be one of {}, not {sent}.",
            values.join(", ")
        ),
        None => {
            format!("Invalid request: '{shown}': expected one of its listed values, not {sent}.")
        }
    }
}

/// The value a serde path points at, if every step of it exists.
fn value_at<'a>(
    mut v: &'a mut serde_json::Value,
    path: &serde_path_to_error::Path,
) -> Option<&'a mut serde_json::Value> {
    use serde_path_to_error::Segment;
    for segment in path.iter() {
        v = match segment {
            Segment::Map { key } => v.get_mut(key.as_str())?,
            Segment::Seq { index } => v.get_mut(*index)?,
            Segment::Enum { .. } | Segment::Unknown => return None,
        };
    }
    Some(v)
}

/// The variants serde names in "unknown variant ``, expected one of `A`, `B`" (or "`A` or `B`").
fn listed_variants(message: &str) -> Option<Vec<&str>> {
    let (_, expected) = message.split_once(", expected ")?;
    let values: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    (!values.is_empty()).then_some(values)
}

/// serde_json appends " at line 1 column 17"; the field path says more.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// Deserializes a field that may be absent but is not nullable in the spec: `null` is refused
/// (plain `Option` would take it as absent and accept a request the spec calls invalid).
pub fn present<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// Deserializes a field that may be absent (outer `None`), null (`Some(None)`) or a value.
pub fn nullable<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Body {
        #[allow(dead_code)]
        name: String,
        #[serde(default, deserialize_with = "nullable")]
        description: Option<Option<String>>,
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = parse_json::<Body>(br#"{"name": 5}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.contains("'name'"), "{}", e.message);
        assert!(!e.message.contains("line 1"), "{}", e.message);
        let e = parse_json::<Body>(b"{\"description\": \"x\"}").unwrap_err();
        assert!(e.message.contains("name"), "{}", e.message);
        assert!(parse_json::<Body>(b"  ").is_err());
        assert!(parse_json::<Body>(b"[1]").is_err());
        assert!(parse_json::<Body>(br#"{"name":"a"} x"#).is_err());
    }

    #[test]
    fn absent_null_and_present_are_told_apart() {
        let absent: Body = parse_json(br#"{"name":"a"}"#).unwrap();
        assert_eq!(absent.description, None);
        let null: Body = parse_json(br#"{"name":"a","description":null}"#).unwrap();
        assert_eq!(null.description, Some(None));
        let set: Body = parse_json(br#"{"name":"a","description":"d"}"#).unwrap();
        assert_eq!(set.description, Some(Some("d".into())));
    }
}
