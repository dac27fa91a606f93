//! Bearer tokens: missing, malformed, unknown, expired, revoked and wrong-environment tokens all
//! get Pinterest's 401.

use std::time::Duration;

use pinbox::catalog::scope::Scopes;
use pinbox::domain::env::Env;

use crate::support::TestApp;

#[tokio::test]
async fn requests_without_a_valid_token_get_401() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.call("boards/list")
        .send()
        .await
        .expect_error(401, 2, "Authentication failed");
    for bad in [
        "pina_NOTAREALTOKEN",
        "garbage",
        &alice.token[..alice.token.len() - 1],
        &alice.token.replace("pina_", "pinr_"),
    ] {
        app.call("boards/list")
            .token(bad)
            .send()
            .await
            .expect_error(401, 2, "Authentication failed");
    }
    let basic = app
        .client
        .get(format!("{}/v5/boards", app.base))
        .header("authorization", format!("Basic {}", alice.token))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    app.call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn tokens_expire_after_thirty_days_on_the_clock() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.advance(Duration::from_secs(30 * 24 * 3600 - 1));
    app.call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    app.advance(Duration::from_secs(1));
    app.call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect_error(401, 2, "expired");
}

#[tokio::test]
async fn revoked_tokens_stop_working_at_once() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let token = app
        .pinbox
        .tokens
        .lookup(&alice.token)
        .await
        .unwrap()
        .unwrap();
    app.pinbox
        .tokens
        .revoke(token.id, app.clock.now())
        .await
        .unwrap();
    app.call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect_error(401, 2, "revoked");
}

#[tokio::test]
async fn a_token_works_only_in_its_own_environment() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;
    app.call("user_account/get")
        .token(&sandbox)
        .send()
        .await
        .expect_error(401, 2, "sandbox token");
    let r = app
        .client
        .get(format!("{}/sandbox/v5/user_account", app.base))
        .bearer_auth(&sandbox)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .client
        .get(format!("{}/sandbox/v5/user_account", app.base))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
