//! The scope matrix, generated from the operation catalog: for every served operation and every
//! scope it requires, a token lacking exactly that scope is refused with 403.

use pinbox::catalog::{self, Auth, Method};
use pinbox::domain::rate_limit::RateLimits;
use pinbox::domain::scope::Scopes;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn a_token_lacking_any_required_scope_gets_403() {
    // Limits off: on the frozen clock every call lands in one second, and the matrix makes far
    // more than a user's 100 calls a second.
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let alice = app.user("alice").await;
    let mut checked = 0;
    // The OAuth token endpoints authenticate the app (HTTP Basic), not a token with scopes.
    let bearer: Vec<_> = catalog::OPERATIONS
        .iter()
        .filter(|o| o.auth == Auth::Bearer)
        .collect();
    for op in bearer.iter().copied() {
        // With every scope, the request gets past the scope check (whatever else it answers).
        let full = app.token(&alice, Scopes::all()).await;
        let r = request(&app, op, &full).await;
        assert_ne!(
            r.status, 403,
            "{} refused a token with every scope: {}",
            op.id, r.text
        );
        for scope in op.scopes.iter() {
            let token = app.token(&alice, Scopes::all().without(scope)).await;
            let r = request(&app, op, &token).await;
            assert_eq!(r.status, 403, "{} without {scope}: {}", op.id, r.text);
            assert_eq!(r.json["code"], 3, "{} without {scope}", op.id);
            assert!(
                r.json["message"].as_str().unwrap().starts_with(
                    "Your token does not have sufficient permissions to perform this operation."
                ),
                "{}",
                r.text
            );
            assert_eq!(
                r.headers["x-pinbox-missing-scopes"].to_str().unwrap(),
                scope.as_str()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= bearer.len(),
        "every operation needs at least one scope"
    );
}

async fn request(app: &TestApp, op: &catalog::Operation, token: &str) -> crate::support::Reply {
    let mut call = app.call(op.id).token(token);
    for param in [
        "board_id",
        "section_id",
        "pin_id",
        "media_id",
        "ad_account_id",
        "username",
    ] {
        if op.path.contains(&format!("{{{param}}}")) {
            call = call.path(param, "1234567890123456789");
        }
    }
    if matches!(op.method, Method::Post | Method::Patch) {
        call = call.json(json!({}));
    }
    call.send().await
}
