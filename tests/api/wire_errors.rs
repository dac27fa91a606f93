//! Answers made before or around the handlers (a method a route does not take, a path that does
//! not decode) carry Pinterest's `{code, message}` body like every other answer.

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
