//! The user account: fields and counts as the caller's scopes allow.

use pinbox::catalog::scope::{Scope, Scopes};
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn the_account_shows_the_user_and_exact_counts() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let me = app
        .call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["username"], "alice");
    assert_eq!(me.json["id"], alice.user.id.to_string());
    assert_eq!(me.json["account_type"], "PINNER");
    assert_eq!(me.json["board_count"], 0);
    assert_eq!(me.json["pin_count"], 0);
    assert_eq!(me.json["business_name"], serde_json::Value::Null);
    let avatar = me.json["profile_image"].as_str().unwrap().to_string();
    assert!(
        avatar.starts_with(&app.base),
        "pinbox serves the avatar itself: {avatar}"
    );
    let img = app.client.get(&avatar).send().await.unwrap();
    assert_eq!(img.status(), 200);
    assert_eq!(img.headers()["content-type"], "image/png");
    assert!(img.bytes().await.unwrap().starts_with(b"\x89PNG"));

    for (name, privacy) in [("a", "PUBLIC"), ("b", "PUBLIC"), ("c", "SECRET")] {
        app.call("boards/create")
            .token(&alice.token)
            .json(json!({"name": name, "privacy": privacy}))
            .send()
            .await
            .expect(201);
    }
    let me = app
        .call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["board_count"], 3);
    let public_only = app
        .token(&alice, Scopes::of(&[Scope::UserAccountsRead]))
        .await;
    let me = app
        .call("user_account/get")
        .token(&public_only)
        .send()
        .await
        .expect(200);
    assert_eq!(
        me.json["board_count"], 2,
        "secret boards are not counted without boards:read_secret"
    );
}

#[tokio::test]
async fn business_accounts_carry_a_business_name() {
    let app = TestApp::start().await;
    let user = app
        .pinbox
        .users
        .create("shop", None, pinbox::domain::users::AccountType::Business)
        .await
        .unwrap();
    let alice = app.user("alice").await;
    let token = app
        .pinbox
        .tokens
        .issue(
            Some(user.id),
            alice.app_id,
            Scopes::of(&[Scope::UserAccountsRead]),
            Default::default(),
        )
        .await
        .unwrap()
        .secret;
    let me = app
        .call("user_account/get")
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["account_type"], "BUSINESS");
    assert_eq!(me.json["business_name"], "shop");
}
