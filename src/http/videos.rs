//! Video files of video Pins, served by pinbox itself at unguessable URLs
//! (`/media/videos/ab/cd/<key>.mp4`) with HTTP range requests, as players and download clients
//! expect: `206 Partial Content` with `Content-Range`, `416` for a range past the end, and
//! `Accept-Ranges: bytes` on every answer. The URL is handed out only to apps granted the
//! restricted `video_url` feature.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_RANGE,
    RANGE,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::domain::pins::VideoRef;
use crate::domain::pins::is_image_key;
use crate::domain::pins::video_file;
use crate::error::{Error, Result};
use crate::http::extract::Path;
use crate::http::state::AppState;
use crate::media::bmff::Container;

pub fn video_url(public_url: &str, video: &VideoRef) -> String {
    let k = &video.key;
    format!(
        "{public_url}/media/videos/{}/{}/{k}.{}",
        &k[0..2],
        &k[2..4],
        video.container.extension()
    )
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAsk {
    /// No usable range: the whole file with 200.
    Whole,
    /// Bytes `start..=end`, with 206.
    Part { start: u64, end: u64 },
    /// A range that starts past the end: 416.
    Unsatisfiable,
}

/// Parses a single `bytes=` range (RFC 9110 §14.1.2). Syntax pinbox does not take (other units,
/// several ranges, malformed values) is ignored, which the RFC allows: the whole file follows.
pub fn parse_range(header: &str, len: u64) -> RangeAsk {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeAsk::Whole;
    };
    if spec.contains(',') {
        return RangeAsk::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAsk::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => match number(suffix) {
            Some(0) => RangeAsk::Unsatisfiable,
            Some(_) if len == 0 => RangeAsk::Unsatisfiable,
            Some(n) => RangeAsk::Part {
                start: len.saturating_sub(n),
                end: len - 1,
            },
            None => RangeAsk::Whole,
        },
        (start, "") => match number(start) {
            Some(s) if s >= len => RangeAsk::Unsatisfiable,
            Some(s) => RangeAsk::Part {
                start: s,
                end: len - 1,
            },
            None => RangeAsk::Whole,
        },
        (start, end) => match (number(start), number(end)) {
            (Some(s), Some(e)) if s > e => RangeAsk::Whole,
            (Some(s), Some(_)) if s >= len => RangeAsk::Unsatisfiable,
            (Some(s), Some(e)) => RangeAsk::Part {
                start: s,
                end: e.min(len - 1),
            },
            _ => RangeAsk::Whole,
        },
    }
}

/// `GET /media/videos/{a}/{b}/{key}.{ext}`
pub async fn serve_video(
    State(app): State<AppState>,
    Path((a, b, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let not_found = || Error::not_found(404, "No such video.");
    let (key, ext) = file.rsplit_once('.').ok_or_else(not_found)?;
    let container = Container::from_extension(ext).ok_or_else(not_found)?;
    if !is_image_key(key) || a != key[0..2] || b != key[2..4] {
        return Err(not_found());
    }
    let path = app
        .pinbox
        .media
        .files
        .path(&video_file(key, container))
        .map_err(|_| not_found())?;
    let mut f = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
        Err(e) => return Err(Error::internal(anyhow::anyhow!("opening a video: {e}"))),
    };
    let len = f
        .metadata()
        .await
        .map_err(|e| Error::internal(anyhow::anyhow!("reading a video's size: {e}")))?
        .len();
    let etag = format!("\"{key}\"");
    let ask = match headers.get(RANGE).and_then(|v| v.to_str().ok()) {
        None => RangeAsk::Whole,
        Some(range) => {
            // A range is honoured only for the representation the client has (RFC 9110 §13.1.5).
            let stale = headers
                .get(IF_RANGE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim() != etag);
            if stale {
                RangeAsk::Whole
            } else {
                parse_range(range, len)
            }
        }
    };
    let common = [
        (ACCEPT_RANGES, "bytes".to_string()),
        (CONTENT_TYPE, container.mime().to_string()),
        (ETAG, etag.clone()),
        (
            CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_string(),
        ),
    ];
    let (status, start, count, range) = match ask {
        RangeAsk::Whole => (StatusCode::OK, 0, len, None),
        RangeAsk::Part { start, end } => (
            StatusCode::PARTIAL_CONTENT,
            start,
            end - start + 1,
            Some(format!("bytes {start}-{end}/{len}")),
        ),
        RangeAsk::Unsatisfiable => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                common,
                [(CONTENT_RANGE, format!("bytes */{len}"))],
            )
                .into_response());
        }
    };
    f.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|e| Error::internal(anyhow::anyhow!("seeking in a video: {e}")))?;
    let stream = futures_util::stream::unfold((f, count), |(mut f, left)| async move {
        if left == 0 {
            return None;
        }
        let mut buf = vec![0u8; left.min(256 * 1024) as usize];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((
                    Ok::<_, std::io::Error>(Bytes::from(buf)),
                    (f, left - n as u64),
                ))
            }
            Err(e) => Some((Err(e), (f, 0))),
        }
    });
    let mut response = (status, common, Body::from_stream(stream)).into_response();
    let h = response.headers_mut();
    h.insert(CONTENT_LENGTH, count.into());
    if let Some(r) = range
        && let Ok(v) = r.parse()
    {
        h.insert(CONTENT_RANGE, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        use RangeAsk::*;
        assert_eq!(parse_range("bytes=0-99", 1000), Part { start: 0, end: 99 });
        assert_eq!(
            parse_range("bytes=900-", 1000),
            Part {
                start: 900,
                end: 999
            }
        );
        assert_eq!(
            parse_range("bytes=-100", 1000),
            Part {
                start: 900,
                end: 999
            }
        );
        assert_eq!(
            parse_range("bytes=-5000", 1000),
            Part { start: 0, end: 999 }
        );
        assert_eq!(
            parse_range("bytes=990-5000", 1000),
            Part {
                start: 990,
                end: 999
            }
        );
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=1000-1001", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 1000), Whole);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Whole);
        assert_eq!(parse_range("items=0-1", 1000), Whole);
        assert_eq!(parse_range("bytes=a-b", 1000), Whole);
        assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
    }
}
