//! Answers written straight to a socket, where no handler runs (a refused connection, a head that
//! never arrived, hyper's own error answers): still Pinterest's `{code, message}` JSON.

use time::OffsetDateTime;
use time::macros::format_description;

use crate::clock::Clock;

/// A whole HTTP/1.1 answer that closes the connection. `status_line` is e.g. `"503 Service
/// Unavailable"`; `extra_headers` are complete lines (`"retry-after: 1\r\n"`).
pub(super) fn raw_answer(
    status_line: &str,
    code: u32,
    message: &str,
    extra_headers: &str,
) -> Vec<u8> {
    let body = serde_json::to_vec(&serde_json::json!({"code": code, "message": message}))
        .unwrap_or_default();
    // The wall clock, as in the Date hyper puts on every other answer (a test's frozen domain
    // clock has no say in transport headers).
    let date = OffsetDateTime::from_unix_timestamp(Clock::system().now().seconds())
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
            ))
            .ok()
        })
        .unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n{extra_headers}date: {date}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_answer_is_framed_json() {
        let a = raw_answer(
            "503 Service Unavailable",
            503,
            "busy \"now\"",
            "retry-after: 1\r\n",
        );
        let text = String::from_utf8(a).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{head}"
        );
        assert!(head.contains("\r\nretry-after: 1\r\n"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": 503, "message": "busy \"now\""})
        );
        let date = head.split("date: ").nth(1).unwrap();
        assert_eq!(date.len(), "Mon, 07 Dec 2026 18:03:25 GMT".len(), "{date}");
        assert!(date.ends_with(" GMT"), "{date}");
    }
}
