//! hyper answers a request head it cannot parse itself, before any handler runs, with an empty
//! 400, 414 or 431. pinbox recognises those answers on their way to the socket and sends its own
//! instead: the same status, with a `{code, message}` body saying what was wrong, read from the
//! first bytes of the head (kept by the socket wrapper for this).

use super::raw_answer::raw_answer;
use super::{MAX_HEAD_BYTES, MAX_HEADERS};
use crate::http::extract::truncate;

/// pinbox's answer in place of `written`, when `written` is one of hyper's own error answers:
/// exactly a status line, `connection: close`, `content-length: 0` and hyper's date, nothing
/// else. Every answer a handler gives has a body, so no handler's answer looks like this.
pub(super) fn replace(written: &[u8], head: &[u8]) -> Option<Vec<u8>> {
    const HYPER: &[u8] = b"\r\nconnection: close\r\ncontent-length: 0\r\ndate: ";
    const DATE_AND_END: usize = "Mon, 07 Dec 2026 18:03:25 GMT\r\n\r\n".len();
    if written.len() > 160 || !written.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    let line_end = written.windows(HYPER.len()).position(|w| w == HYPER)?;
    if written.len() != line_end + HYPER.len() + DATE_AND_END || !written.ends_with(b"\r\n\r\n") {
        return None;
    }
    let status_line = std::str::from_utf8(&written[9..line_end]).ok()?;
    let (code, message) = match &written[9..12] {
        b"400" => (1, bad_request(head)),
        b"414" => (
            414,
            // hyper's longest request target (its MAX_URI_LEN).
            "The request's URL is longer than the 65,534 bytes pinbox reads: send a shorter \
             path and query (no id or bookmark pinbox gives is anywhere near as long)."
                .to_string(),
        ),
        b"431" => (
            431,
            format!(
                "The request's headers are too large: pinbox reads at most {MAX_HEADERS} headers, \
                 and at most {} KiB of request line and headers together. Send fewer or smaller \
                 headers.",
                MAX_HEAD_BYTES / 1024
            ),
        ),
        _ => return None,
    };
    Some(raw_answer(status_line, code, &message, ""))
}

/// Why hyper refused the head that begins with `head`: the method, the path, the version or a
/// header (hyper does not say which, so the request line is checked here).
fn bad_request(head: &[u8]) -> String {
    let line_end = head.iter().position(|&b| b == b'\n');
    let line = match line_end {
        Some(i) => head[..i].strip_suffix(b"\r").unwrap_or(&head[..i]),
        None => head,
    };
    let shown = |bytes: &[u8]| truncate(&String::from_utf8_lossy(bytes), 64);
    let mut parts = line.split(|&b| b == b' ');
    let method = parts.next().unwrap_or_default();
    if method.is_empty() || !method.iter().all(|&b| is_token(b)) {
        return format!(
            "The request method '{}' is not an HTTP method: send GET, POST, PATCH, PUT or DELETE.",
            shown(method)
        );
    }
    let (Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next()) else {
        if line_end.is_none() {
            return "The request line could not be read: it must be 'METHOD /path HTTP/1.1'."
                .into();
        }
        return "The request line must be 'METHOD /path HTTP/1.1', with single spaces and no \
                space in the path (percent-encode one as %20)."
            .into();
    };
    if let Err(e) = std::str::from_utf8(target) {
        let at = e.valid_up_to();
        return format!(
            "The request path is not UTF-8 (byte 0x{:02X} at position {at}): percent-encode \
             bytes that are not text (é is %C3%A9).",
            target[at]
        );
    }
    if let Err(e) = axum::http::Uri::try_from(target) {
        return format!(
            "The request path '{}' is not a valid URL ({e}): percent-encode spaces, quotes, \
             angle brackets and control characters.",
            shown(target)
        );
    }
    if version != b"HTTP/1.1" && version != b"HTTP/1.0" {
        return format!(
            "The request line ends in '{}': pinbox speaks HTTP/1.1 (and HTTP/1.0).",
            shown(version)
        );
    }
    "A request header is malformed: each header line is a name of letters, digits and \
     !#$%&'*+-.^_`|~, a colon, then a value without control characters."
        .into()
}

/// RFC 9110's `tchar`: what a method or a header name is made of.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HYPER_431: &[u8] =
        b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\
        content-length: 0\r\ndate: Mon, 07 Dec 2026 18:03:25 GMT\r\n\r\n";

    fn message(answer: &[u8]) -> String {
        let text = String::from_utf8_lossy(answer);
        let body = text.split_once("\r\n\r\n").unwrap().1;
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        json["message"].as_str().unwrap().to_string()
    }

    #[test]
    fn only_hypers_own_empty_answers_are_replaced() {
        let answer = replace(HYPER_431, b"").expect("hyper's 431 is replaced");
        assert!(answer.starts_with(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(message(&answer).contains("at most 100 headers"));
        // A handler's answer always has a body, or another framing; never replaced.
        let handler = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\
            content-length: 10\r\ndate: Mon, 07 Dec 2026 18:03:25 GMT\r\n\r\n";
        assert!(replace(handler, b"").is_none());
        let ok = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\
            date: Mon, 07 Dec 2026 18:03:25 GMT\r\n\r\n";
        assert!(replace(ok, b"").is_none());
        let mut longer = HYPER_431.to_vec();
        longer.extend_from_slice(b"{}");
        assert!(replace(&longer, b"").is_none());
    }

    #[test]
    fn a_bad_request_says_which_part_of_the_head_was_wrong() {
        let cases: [(&[u8], &str); 6] = [
            (b"G@T /v5/pins/1 HTTP/1.1\r\n", "method 'G@T'"),
            (
                b"GET /v5/pins/\xff HTTP/1.1\r\n",
                "not UTF-8 (byte 0xFF at position 9)",
            ),
            (b"GET /v5/<pins> HTTP/1.1\r\n", "not a valid URL"),
            (b"GET /v5/pins/1 HTTP/7.1\r\n", "ends in 'HTTP/7.1'"),
            (b"GET /v5/my pins HTTP/1.1\r\n", "no space in the path"),
            (
                b"GET /v5/pins/1 HTTP/1.1\r\nHo st: x\r\n",
                "A request header is malformed",
            ),
        ];
        for (head, part) in cases {
            let m = bad_request(head);
            assert!(m.contains(part), "{:?}: {m}", String::from_utf8_lossy(head));
        }
    }
}
