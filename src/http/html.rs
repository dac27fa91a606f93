//! Plain server-rendered HTML for pinbox's own pages (OAuth sign-in and consent): escaping and
//! one page layout. No JavaScript; every value from outside is escaped on the way in.

use std::fmt::Write as _;

use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName};
use axum::response::{IntoResponse, Response};

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A hidden form field.
pub fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f5f5f5;margin:0}\
main{max-width:30rem;margin:3rem auto;background:#fff;border-radius:1rem;padding:2rem;\
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}\
label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%;\
padding:.5rem;box-sizing:border-box;font-size:1rem}button{font-size:1rem;padding:.6rem 1.4rem;\
border-radius:2rem;border:0;margin:1rem .5rem 0 0;cursor:pointer}.primary{background:#e60023;\
color:#fff}.secondary{background:#e9e9e9}.error{color:#b00020}li{margin:.4rem 0}\
code{font-size:.9rem}.note{color:#555;font-size:.9rem}.link{background:none;padding:0;\
color:#555;text-decoration:underline;font-size:.9rem}";

/// A whole page: `title` is text (escaped here), `body` is HTML built by the caller from escaped parts.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let mut html = String::with_capacity(body.len() + 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · pinbox</title><style>{STYLE}</style></head>\
         <body><main><h1>{}</h1>{body}</main></body></html>\n",
        escape(title),
        escape(title)
    );
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
            // Consent must not be framed (clickjacking) and the pages run no scripts. No
            // form-action limit: browsers apply it to the redirect to the app after a form.
            (
                HeaderName::from_static("content-security-policy"),
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
                 frame-ancestors 'none'; base-uri 'none'",
            ),
            (HeaderName::from_static("x-frame-options"), "DENY"),
            (HeaderName::from_static("referrer-policy"), "no-referrer"),
        ],
        html,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(
            hidden("state", "\"><b>"),
            "<input type=\"hidden\" name=\"state\" value=\"&quot;&gt;&lt;b&gt;\">"
        );
    }
}
