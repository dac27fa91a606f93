//! Answers made before or around the handlers (a method a route does not take, a path that does
//! not decode) carry Pinterest's `{code, message}` body like every other answer.

use crate::raw_http;
use crate::support::TestApp;

#[tokio::test]
async fn a_method_a_media_or_oauth_route_does_not_take_answers_json() {
    let app = TestApp::start().await;
    for (method, path) in [
        ("POST", "/media/avatars/default.png"),
        ("DELETE", "/media/150x150/ab/cd/ef/abcdef.jpg"),
        ("PUT", "/media/videos/ab/cd/abcdef.mp4"),
        ("DELETE", "/oauth/"),
        ("GET", "/oauth/consent"),
        ("GET", "/_pinbox/engagement"),
    ] {
        let r = app.raw(method, path, None).await;
        let r = r.expect_error(405, 5, "Method not allowed");
        let message = r.json["message"].as_str().unwrap();
        assert!(
            message.contains(method) && message.contains(path),
            "{message}"
        );
        let allow = r
            .headers
            .get("allow")
            .map(|v| v.to_str().unwrap().to_string());
        assert!(
            allow.is_some_and(|a| !a.is_empty()),
            "405 names the methods: {:?}",
            r.headers
        );
    }
}

#[tokio::test]
async fn a_media_path_that_is_not_utf8_once_decoded_answers_json() {
    let app = TestApp::start().await;
    for path in [
        "/media/150x150/ab/cd/ef/%FF%FE.jpg",
        "/media/videos/ab/cd/%C3%28.mp4",
    ] {
        app.raw("GET", path, None)
            .await
            .expect_error(400, 1, "'file' segment is not UTF-8");
    }
}

/// Heads hyper refuses before any handler runs: each is still answered with `{code, message}`
/// saying what was wrong.
#[tokio::test]
async fn heads_the_http_parser_refuses_answer_json_saying_what_was_wrong() {
    let app = TestApp::start().await;
    let addr = app.server.as_ref().unwrap().addr;
    let long_id = "1".repeat(70_000);
    let many: String = (0..120).map(|i| format!("X-Header-{i}: v\r\n")).collect();
    let big = "a".repeat(140 * 1024);
    let cases: Vec<(Vec<u8>, u16, u64, &str)> = vec![
        (
            b"GET /v5/pins/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
            1,
            "not UTF-8 (byte 0xFF at position 9)",
        ),
        (
            b"G@T /v5/pins/1 HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
            1,
            "method 'G@T'",
        ),
        (
            b"GET /v5/pins/1 HTTP/7.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
            1,
            "'HTTP/7.1'",
        ),
        (
            b"GET /v5/pins/1 HTTP/1.1\r\nHo st: x\r\n\r\n".to_vec(),
            400,
            1,
            "header is malformed",
        ),
        (
            format!("GET /v5/pins/{long_id} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes(),
            414,
            414,
            "longer than the 65,534 bytes",
        ),
        (
            format!("GET /v5/boards?bookmark={long_id} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes(),
            414,
            414,
            "shorter path and query",
        ),
        (
            format!("GET /v5/pins/1 HTTP/1.1\r\nHost: x\r\n{many}\r\n").into_bytes(),
            431,
            431,
            "at most 100 headers",
        ),
        (
            format!("GET /v5/pins/1 HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n").into_bytes(),
            431,
            431,
            "128 KiB",
        ),
    ];
    for (request, status, code, part) in cases {
        let answer = raw_http::exchange(addr, &request).await;
        answer.expect_error(status, code, part);
        assert_eq!(answer.header("connection"), Some("close"));
    }
    // The server still serves after all that.
    app.raw("GET", "/v5/nowhere", None).await.expect(404);
}
