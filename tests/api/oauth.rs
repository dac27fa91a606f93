//! The OAuth token endpoints over HTTP: the code, refresh and client-credentials grants, revoke,
//! and every refusal (bad client, wrong redirect URI, reused or expired code, widened scope,
//! revoked and expired tokens), with each JSON answer checked against the spec.

use std::time::Duration;

use pinbox::domain::apps::Tier;
use serde_json::Value;

use crate::oauth_support::{
    Dev, REDIRECT, account_status, code_for, dev, exchange, refresh, tokens,
};
use crate::support::{TestApp, openapi};

const DAY: u64 = 24 * 3600;

/// Validates a token answer against one of the spec's discriminated response forms.
fn assert_schema(schema: &str, json: &Value) {
    if let Some(spec) = openapi::Spec::get() {
        spec.validate_schema(schema, json)
            .unwrap_or_else(|e| panic!("{schema}: {e:?}\n{json}"));
    }
}

fn keys(json: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    k.sort();
    k
}

#[tokio::test]
async fn a_code_is_exchanged_for_tokens_with_exactly_the_specs_fields() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let code = code_for(
        &app,
        &alice,
        alice.user.id,
        "pins:read,boards:read,user_accounts:read",
    )
    .await;
    let r = exchange(&app, &alice, &code).await.expect(200);
    assert_schema("OauthAccessTokenResponseCode", &r.json);
    assert_eq!(
        keys(&r.json),
        [
            "access_token",
            "expires_in",
            "refresh_token",
            "refresh_token_expires_at",
            "refresh_token_expires_in",
            "response_type",
            "scope",
            "token_type"
        ]
    );
    let j = &r.json;
    assert!(j["access_token"].as_str().unwrap().starts_with("pina_"));
    assert!(j["refresh_token"].as_str().unwrap().starts_with("pinr_"));
    assert_eq!(j["response_type"], "authorization_code");
    assert_eq!(j["token_type"], "bearer");
    assert_eq!(j["expires_in"], 2_592_000);
    assert_eq!(j["refresh_token_expires_in"], 60 * DAY);
    assert_eq!(
        j["refresh_token_expires_at"],
        app.clock.now().seconds() + (60 * DAY) as i64
    );
    // Pinterest's format: comma-separated, in the spec's order.
    assert_eq!(j["scope"], "boards:read,pins:read,user_accounts:read");
    assert_eq!(r.headers["cache-control"], "no-store");

    let access = j["access_token"].as_str().unwrap();
    let me = app
        .call("user_account/get")
        .token(access)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["username"], "alice");
    // Only the scopes the user approved.
    app.call("boards/create")
        .token(access)
        .json(serde_json::json!({"name": "x"}))
        .send()
        .await
        .expect_error(403, 3, "sufficient permissions");
}

#[tokio::test]
async fn tokens_belong_to_the_environment_of_the_token_endpoint_called() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let code = code_for(&app, &alice, alice.user.id, "user_accounts:read").await;
    let r = app
        .call_sandbox("oauth/token")
        .basic(alice.app_id, &alice.secret)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .expect(200);
    let access = r.json["access_token"].as_str().unwrap();
    app.call_sandbox("user_account/get")
        .token(access)
        .send()
        .await
        .expect(200);
    app.call("user_account/get")
        .token(access)
        .send()
        .await
        .expect_error(401, 2, "sandbox token");
    // Its refresh token refreshes only at the Sandbox endpoint.
    let refresh_token = r.json["refresh_token"].as_str().unwrap();
    refresh(&app, &alice, refresh_token, None)
        .await
        .expect_error(400, 1, "/sandbox/v5/oauth/token");
}

#[tokio::test]
async fn bad_client_credentials_get_authentication_failed() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let bob = dev(&app, "bob").await;
    let code = code_for(&app, &alice, alice.user.id, "boards:read").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    for (id, secret) in [
        (alice.app_id.to_string(), "0".repeat(40)),
        (alice.app_id.to_string(), bob.secret.clone()),
        ("123".to_string(), alice.secret.clone()),
        ("not-a-number".to_string(), alice.secret.clone()),
        (alice.app_id.to_string(), String::new()),
    ] {
        let r = app
            .call("oauth/token")
            .basic(&id, &secret)
            .form(&form)
            .send()
            .await
            .expect(401);
        assert_eq!(
            r.json,
            serde_json::json!({"code": 2, "message": "Authentication failed."})
        );
    }
    // No credentials, or a bearer token instead of Basic.
    app.call("oauth/token").form(&form).send().await.expect(401);
    let (access, _) = tokens(&app, &bob, "boards:read").await;
    app.call("oauth/token")
        .token(&access)
        .form(&form)
        .send()
        .await
        .expect_error(401, 2, "Authentication failed.");
    // Nothing was consumed: the right app still redeems the code.
    exchange(&app, &alice, &code).await.expect(200);
}

#[tokio::test]
async fn a_code_is_bound_to_its_redirect_uri_and_app() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let bob = dev(&app, "bob").await;
    let code = code_for(&app, &alice, alice.user.id, "boards:read").await;
    for wrong in [
        "http://127.0.0.1:9/oauth/callback/",
        "http://127.0.0.1:9/oauth/callback?x=1",
        "http://127.0.0.1:9/",
    ] {
        app.call("oauth/token")
            .basic(alice.app_id, &alice.secret)
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", wrong),
            ])
            .send()
            .await
            .expect_error(400, 1, "redirect_uri");
    }
    // Another app cannot redeem it, even with its own valid credentials.
    app.call("oauth/token")
        .basic(bob.app_id, &bob.secret)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .expect_error(400, 1, "another app");
    exchange(&app, &alice, &code).await.expect(200);
    exchange(&app, &alice, "0123abcd")
        .await
        .expect_error(400, 1, "did not issue");
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_the_tokens_issued_from_it() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let code = code_for(&app, &alice, alice.user.id, "user_accounts:read").await;
    let first = exchange(&app, &alice, &code).await.expect(200);
    let access = first.json["access_token"].as_str().unwrap().to_string();
    let refresh_token = first.json["refresh_token"].as_str().unwrap().to_string();
    // A token refreshed from the grant belongs to it too.
    let refreshed = refresh(&app, &alice, &refresh_token, None)
        .await
        .expect(200);
    let refreshed_access = refreshed.json["access_token"].as_str().unwrap().to_string();
    assert_eq!(account_status(&app, &access).await, 200);

    exchange(&app, &alice, &code)
        .await
        .expect_error(400, 1, "already been used");
    for token in [&access, &refreshed_access] {
        app.call("user_account/get")
            .token(token)
            .send()
            .await
            .expect_error(401, 2, "revoked");
    }
    refresh(&app, &alice, &refresh_token, None)
        .await
        .expect_error(400, 1, "revoked");
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let code = code_for(&app, &alice, alice.user.id, "boards:read").await;
    let late = code_for(&app, &alice, alice.user.id, "boards:read").await;
    app.advance(Duration::from_secs(10 * 60 - 1));
    exchange(&app, &alice, &code).await.expect(200);
    app.advance(Duration::from_secs(1));
    exchange(&app, &alice, &late)
        .await
        .expect_error(400, 1, "expired");
}

#[tokio::test]
async fn token_requests_with_missing_or_unknown_fields_are_refused() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let call = || app.call("oauth/token").basic(alice.app_id, &alice.secret);
    call()
        .form(&[])
        .send()
        .await
        .expect_error(400, 1, "grant_type");
    call()
        .form(&[("grant_type", "password")])
        .send()
        .await
        .expect_error(400, 1, "Unsupported grant_type 'password'");
    call()
        .form(&[
            ("grant_type", "authorization_code"),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .expect_error(400, 1, "'code'");
    call()
        .form(&[("grant_type", "authorization_code"), ("code", "abc")])
        .send()
        .await
        .expect_error(400, 1, "'redirect_uri'");
    call()
        .form(&[("grant_type", "refresh_token")])
        .send()
        .await
        .expect_error(400, 1, "'refresh_token'");
    call()
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect_error(400, 1, "'scope'");
    call()
        .form(&[
            ("grant_type", "refresh_token"),
            ("grant_type", "refresh_token"),
        ])
        .send()
        .await
        .expect_error(400, 1, "more than once");
    call()
        .json(serde_json::json!({"grant_type": "client_credentials", "scope": "boards:read"}))
        .send()
        .await
        .expect_error(415, 1, "x-www-form-urlencoded");
}

#[tokio::test]
async fn refreshing_continues_indefinitely_with_a_new_sixty_day_refresh_token() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let (_, mut refresh_token) = tokens(&app, &alice, "boards:read,user_accounts:read").await;
    // 5 x 50 days is far past one refresh token's 60 days: each refresh starts a new 60 days.
    for _ in 0..5 {
        app.advance(Duration::from_secs(50 * DAY));
        let r = refresh(&app, &alice, &refresh_token, None)
            .await
            .expect(200);
        assert_schema("OauthAccessTokenResponseRefresh", &r.json);
        assert_eq!(r.json["response_type"], "refresh_token");
        assert_eq!(r.json["token_type"], "bearer");
        assert_eq!(r.json["expires_in"], 2_592_000);
        assert_eq!(r.json["refresh_token_expires_in"], 60 * DAY);
        assert_eq!(
            r.json["refresh_token_expires_at"],
            app.clock.now().seconds() + (60 * DAY) as i64
        );
        assert_eq!(r.json["scope"], "boards:read,user_accounts:read");
        let access = r.json["access_token"].as_str().unwrap();
        assert_eq!(account_status(&app, access).await, 200);
        let next = r.json["refresh_token"].as_str().unwrap().to_string();
        assert!(next.starts_with("pinr_"));
        assert_ne!(next, refresh_token);
        refresh_token = next;
    }
}

#[tokio::test]
async fn a_refresh_may_narrow_the_scopes_but_never_widen_them() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let (_, refresh_token) = tokens(&app, &alice, "boards:read,pins:read,user_accounts:read").await;
    let narrow = refresh(&app, &alice, &refresh_token, Some("user_accounts:read"))
        .await
        .expect(200);
    assert_eq!(narrow.json["scope"], "user_accounts:read");
    let access = narrow.json["access_token"].as_str().unwrap();
    assert_eq!(account_status(&app, access).await, 200);
    app.call("boards/list")
        .token(access)
        .send()
        .await
        .expect_error(403, 3, "sufficient permissions");
    // The new refresh token still carries the grant's scopes.
    let next = narrow.json["refresh_token"].as_str().unwrap();
    let full = refresh(&app, &alice, next, None).await.expect(200);
    assert_eq!(
        full.json["scope"],
        "boards:read,pins:read,user_accounts:read"
    );

    refresh(
        &app,
        &alice,
        &refresh_token,
        Some("boards:read,boards:write"),
    )
    .await
    .expect_error(400, 1, "boards:write would be new");
    refresh(&app, &alice, &refresh_token, Some("boards:fly"))
        .await
        .expect_error(400, 1, "'boards:fly'");
}

#[tokio::test]
async fn refresh_tokens_are_refused_when_foreign_expired_revoked_or_not_refresh_tokens() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let bob = dev(&app, "bob").await;
    let (access, refresh_token) = tokens(&app, &alice, "boards:read").await;
    refresh(&app, &bob, &refresh_token, None)
        .await
        .expect_error(400, 1, "another app");
    refresh(&app, &alice, &access, None)
        .await
        .expect_error(400, 1, "did not issue");
    // A refresh token is not an access token.
    app.call("user_account/get")
        .token(&refresh_token)
        .send()
        .await
        .expect_error(401, 2, "Authentication failed");
    app.advance(Duration::from_secs(60 * DAY));
    refresh(&app, &alice, &refresh_token, None)
        .await
        .expect_error(400, 1, "expired");
}

#[tokio::test]
async fn access_tokens_from_the_flow_expire_after_thirty_days() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let (access, refresh_token) = tokens(&app, &alice, "user_accounts:read").await;
    app.advance(Duration::from_secs(30 * DAY - 1));
    assert_eq!(account_status(&app, &access).await, 200);
    app.advance(Duration::from_secs(1));
    app.call("user_account/get")
        .token(&access)
        .send()
        .await
        .expect_error(401, 2, "the access token has expired");
    // The refresh token outlives it and brings a working one.
    let r = refresh(&app, &alice, &refresh_token, None)
        .await
        .expect(200);
    assert_eq!(
        account_status(&app, r.json["access_token"].as_str().unwrap()).await,
        200
    );
}

#[tokio::test]
async fn client_credentials_give_an_app_token_that_acts_as_the_apps_owner() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let bob = app.user("bob").await;
    let grant = |scope: &'static str| [("grant_type", "client_credentials"), ("scope", scope)];
    let r = app
        .call("oauth/token")
        .basic(alice.app_id, &alice.secret)
        .form(&grant("boards:read,boards:write,user_accounts:read"))
        .send()
        .await
        .expect(200);
    assert_schema("OauthAccessTokenResponseClientCredentials", &r.json);
    assert_eq!(
        keys(&r.json),
        [
            "access_token",
            "expires_in",
            "response_type",
            "scope",
            "token_type"
        ]
    );
    assert_eq!(r.json["response_type"], "client_credentials");
    assert_eq!(
        r.json["scope"],
        "boards:read,boards:write,user_accounts:read"
    );
    let token = r.json["access_token"].as_str().unwrap();

    // Where the spec lists client_credentials, the token is the app's owner, alice.
    let me = app
        .call("user_account/get")
        .token(token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["username"], "alice");
    let board = app
        .call("boards/create")
        .token(token)
        .json(serde_json::json!({"name": "Made by the app"}))
        .send()
        .await
        .expect(201);
    assert_eq!(board.json["owner"]["username"], "alice");
    let alices = app
        .pinbox
        .tokens
        .issue(
            Some(alice.user.id),
            alice.app_id,
            pinbox::catalog::scope::Scopes::CONTENT,
            pinbox::domain::env::Env::Production,
        )
        .await
        .unwrap()
        .secret;
    app.call("boards/get")
        .path("board_id", board.id())
        .token(&alices)
        .send()
        .await
        .expect(200);
    // Someone else's board stays someone else's.
    let bobs = app
        .call("boards/create")
        .token(&bob.token)
        .json(serde_json::json!({"name": "Bob's"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("boards/get")
        .path("board_id", &bobs)
        .token(token)
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
    // With the scopes the token was granted, checked as the spec lists them.
    app.call("pins/list")
        .token(token)
        .send()
        .await
        .expect_error(403, 3, "Missing scopes: pins:read.");
    // Where the spec does not list client_credentials, refused.
    app.call("boards/delete")
        .path("board_id", board.id())
        .token(token)
        .send()
        .await
        .expect_error(403, 29, "client-credentials");
    app.call("boards/get")
        .path("board_id", board.id())
        .token(token)
        .send()
        .await
        .expect(200);

    // A Sandbox app token acts for alice in Sandbox only.
    let sandbox = app
        .call_sandbox("oauth/token")
        .basic(alice.app_id, &alice.secret)
        .form(&grant("boards:read"))
        .send()
        .await
        .expect(200);
    let sandbox = sandbox.json["access_token"].as_str().unwrap();
    let listed = app
        .call_sandbox("boards/list")
        .token(sandbox)
        .send()
        .await
        .expect(200);
    assert!(listed.items().is_empty(), "{}", listed.text);
    app.call("boards/list")
        .token(sandbox)
        .send()
        .await
        .expect_error(401, 2, "sandbox token");

    app.call("oauth/token")
        .basic(alice.app_id, &alice.secret)
        .form(&[("grant_type", "client_credentials"), ("scope", "pins:fly")])
        .send()
        .await
        .expect_error(400, 1, "'pins:fly'");
}

#[tokio::test]
async fn revoking_an_access_token_stops_it_at_once() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let (access, refresh_token) = tokens(&app, &alice, "user_accounts:read").await;
    let r = app
        .call("token/revoke")
        .basic(alice.app_id, &alice.secret)
        .form(&[("token", &access), ("token_type_hint", "access_token")])
        .send()
        .await
        .expect(200);
    assert!(r.text.is_empty(), "the spec: no content; got {}", r.text);
    app.call("user_account/get")
        .token(&access)
        .send()
        .await
        .expect_error(401, 2, "revoked");
    // Only that token: the refresh token still brings a new one.
    let fresh = refresh(&app, &alice, &refresh_token, None)
        .await
        .expect(200);
    assert_eq!(
        account_status(&app, fresh.json["access_token"].as_str().unwrap()).await,
        200
    );
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_its_whole_grant() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let (access, refresh_token) = tokens(&app, &alice, "user_accounts:read").await;
    app.call("token/revoke")
        .basic(alice.app_id, &alice.secret)
        .form(&[("token", &refresh_token)])
        .send()
        .await
        .expect(200);
    refresh(&app, &alice, &refresh_token, None)
        .await
        .expect_error(400, 1, "revoked");
    assert_eq!(account_status(&app, &access).await, 401);
}

#[tokio::test]
async fn revoke_refuses_bad_clients_and_other_apps_tokens() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let bob = dev(&app, "bob").await;
    let (access, _) = tokens(&app, &alice, "user_accounts:read").await;
    let r = app
        .call("token/revoke")
        .basic(alice.app_id, "wrong")
        .form(&[("token", &access)])
        .send()
        .await
        .expect(401);
    assert_eq!(
        r.json,
        serde_json::json!({"code": 2, "message": "Authentication failed."})
    );
    let r = app
        .call("token/revoke")
        .basic(bob.app_id, &bob.secret)
        .form(&[("token", &access)])
        .send()
        .await
        .expect(403);
    assert_eq!(
        r.json,
        serde_json::json!({"code": 29, "message": "You are not permitted to access that resource."})
    );
    assert_eq!(account_status(&app, &access).await, 200);
    // An unknown token is already as dead as revoking would make it.
    for unknown in ["pina_NOTATOKEN", ""] {
        app.call("token/revoke")
            .basic(alice.app_id, &alice.secret)
            .form(&[("token", unknown)])
            .send()
            .await
            .expect(200);
    }
    app.call("token/revoke")
        .basic(alice.app_id, &alice.secret)
        .form(&[("token", &access), ("token_type_hint", "id_token")])
        .send()
        .await
        .expect_error(400, 1, "token_type_hint");
    app.call("token/revoke")
        .basic(alice.app_id, &alice.secret)
        .form(&[])
        .send()
        .await
        .expect_error(400, 1, "'token'");
}

#[tokio::test]
async fn a_password_change_ends_every_token_of_the_user() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let bob = dev(&app, "bob").await;
    let (access, refresh_token) = tokens(&app, &alice, "user_accounts:read").await;
    let (bobs, _) = tokens(&app, &bob, "user_accounts:read").await;
    let pending = code_for(&app, &alice, alice.user.id, "user_accounts:read").await;
    let n = app
        .pinbox
        .users
        .set_password("alice", "a brand new password")
        .await
        .unwrap();
    assert_eq!(n, 2);
    app.call("user_account/get")
        .token(&access)
        .send()
        .await
        .expect_error(401, 2, "revoked");
    refresh(&app, &alice, &refresh_token, None)
        .await
        .expect_error(400, 1, "revoked");
    assert_eq!(account_status(&app, &bobs).await, 200);
    // A code approved before the change brings no tokens after it.
    exchange(&app, &alice, &pending)
        .await
        .expect_error(400, 1, "expired");
}

#[tokio::test]
async fn a_rotated_secret_replaces_the_old_one_at_once() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let rotated = app.pinbox.apps.rotate_secret(alice.app_id).await.unwrap();
    let code = code_for(&app, &alice, alice.user.id, "boards:read").await;
    exchange(&app, &alice, &code)
        .await
        .expect_error(401, 2, "Authentication failed.");
    let renewed = Dev {
        secret: rotated.secret,
        ..alice
    };
    exchange(&app, &renewed, &code).await.expect(200);
}

#[tokio::test]
async fn a_developer_may_own_at_most_five_apps() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    for i in 2..=5 {
        app.pinbox
            .apps
            .create(&alice.user, &format!("app {i}"), vec![], Tier::Trial)
            .await
            .unwrap();
    }
    let sixth = app
        .pinbox
        .apps
        .create(&alice.user, "app 6", vec![], Tier::Trial)
        .await
        .err()
        .expect("a sixth app is refused");
    assert_eq!(
        (sixth.kind, sixth.code),
        (pinbox::error::ErrorKind::Forbidden, 2016)
    );
    assert!(
        sixth.message.contains("at most 5 apps"),
        "{}",
        sixth.message
    );
    assert_eq!(
        app.pinbox.apps.of_owner(Some("alice")).await.unwrap().len(),
        5
    );
}
