//! Ad accounts: create, list, read, the Sandbox-only delete and its three outcomes, and
//! `ad_account_id` acting for the ad account's owner.

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::env::Env;
use serde_json::json;

use crate::support::{TestApp, TestUser};

const ADS: Scopes = Scopes::of(&[Scope::AdsRead, Scope::AdsWrite]);

async fn ads_token(app: &TestApp, user: &TestUser, env: Env) -> String {
    app.token_in(user, ADS.with(Scope::BoardsRead).with(Scope::PinsRead), env)
        .await
}

#[tokio::test]
async fn a_created_ad_account_belongs_to_its_creator() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice, Env::Production).await;
    let r = app
        .call("ad_accounts/create")
        .token(&token)
        .json(json!({"name": "ACME Ads", "country": "FR", "currency": "EUR"}))
        .send()
        .await
        .expect(201);
    let a = &r.json;
    let id = a["id"].as_str().unwrap();
    assert!(
        id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(a["name"], "ACME Ads");
    assert_eq!(a["country"], "FR");
    assert_eq!(a["currency"], "EUR");
    assert_eq!(a["owner"]["username"], "alice");
    assert_eq!(a["owner"]["id"], alice.user.id.to_string());
    assert_eq!(a["permissions"], json!(["OWNER"]));
    assert_eq!(a["created_time"], 1_793_491_200);

    let got = app
        .call("ad_accounts/get")
        .path("ad_account_id", id)
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(got.json, r.json);

    // Defaults where the spec makes every field optional.
    let plain = app
        .call("ad_accounts/create")
        .token(&token)
        .json(json!({}))
        .send()
        .await
        .expect(201);
    assert_eq!(plain.json["country"], "US");
    assert_eq!(plain.json["currency"], "USD");
    assert_eq!(plain.json["name"], "Ad account");
}

#[tokio::test]
async fn bad_ad_account_input_is_refused_and_creates_nothing() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = ads_token(&app, &alice, Env::Production).await;
    let cases = [
        (json!({"country": "XX"}), 400, "'country'"),
        (json!({"currency": "DOGE"}), 400, "'currency'"),
        (json!({"name": "n".repeat(257)}), 400, "'name'"),
        (json!({"name": null}), 400, "name"),
        (json!({"owner_user_id": "abc"}), 400, "'owner_user_id'"),
    ];
    for (body, status, part) in cases {
        let r = app
            .call("ad_accounts/create")
            .token(&token)
            .json(body.clone())
            .send()
            .await
            .expect(status);
        assert!(
            r.json["message"].as_str().unwrap().contains(part),
            "{body}: {}",
            r.json
        );
    }
    for someone_else in [
        bob.user.id.to_string(),
        "6190557992890843443287444".to_string(),
    ] {
        app.call("ad_accounts/create")
            .token(&token)
            .json(json!({"owner_user_id": someone_else}))
            .send()
            .await
            .expect_error(403, 29, "owner_user_id");
    }
    let list = app
        .call("ad_accounts/list")
        .token(&token)
        .send()
        .await
        .expect(200);
    assert!(list.items().is_empty(), "{}", list.json);
}

#[tokio::test]
async fn ad_accounts_are_listed_newest_first_and_paged() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = ads_token(&app, &alice, Env::Production).await;
    let bob_token = ads_token(&app, &bob, Env::Production).await;
    let mut made = Vec::new();
    for i in 0..5 {
        let r = app
            .call("ad_accounts/create")
            .token(&token)
            .json(json!({"name": format!("acct {i}")}))
            .send()
            .await
            .expect(201);
        made.push(r.id());
    }
    app.call("ad_accounts/create")
        .token(&bob_token)
        .json(json!({"name": "bob's"}))
        .send()
        .await
        .expect(201);
    let mut seen = Vec::new();
    let mut bookmark = None;
    loop {
        let mut call = app
            .call("ad_accounts/list")
            .token(&token)
            .query("page_size", 2)
            .query("include_shared_accounts", "true");
        if let Some(b) = &bookmark {
            call = call.query("bookmark", b);
        }
        let r = call.send().await.expect(200);
        seen.extend(
            r.items()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_string()),
        );
        bookmark = r.bookmark();
        if bookmark.is_none() {
            break;
        }
    }
    made.reverse();
    assert_eq!(seen, made);
}

#[tokio::test]
async fn another_users_ad_account_is_forbidden_and_an_unknown_one_not_found() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = ads_token(&app, &alice, Env::Production).await;
    let bob_token = ads_token(&app, &bob, Env::Production).await;
    let id = app
        .call("ad_accounts/create")
        .token(&token)
        .json(json!({"name": "mine"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("ad_accounts/get")
        .path("ad_account_id", &id)
        .token(&bob_token)
        .send()
        .await
        .expect_error(403, 29, "Not authorized");
    app.call("ad_accounts/get")
        .path("ad_account_id", "123456789012345")
        .token(&token)
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found.");
    // Scopes come from the catalog: a token without ads:read is refused.
    app.call("ad_accounts/get")
        .path("ad_account_id", &id)
        .token(&alice.token)
        .send()
        .await
        .expect_error(403, 3, "sufficient permissions");
}

#[tokio::test]
async fn the_sandbox_delete_removes_an_ad_account_in_sandbox_only() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let prod = ads_token(&app, &alice, Env::Production).await;
    let sandbox = ads_token(&app, &alice, Env::Sandbox).await;
    let bob_sandbox = ads_token(&app, &bob, Env::Sandbox).await;
    let make = |token: String| {
        let app = &app;
        async move {
            app.call_sandbox("ad_accounts/create")
                .token(&token)
                .json(json!({"name": "to delete"}))
                .send()
                .await
                .expect(201)
                .id()
        }
    };
    let id = make(sandbox.clone()).await;
    let keep = make(sandbox.clone()).await;

    // Someone else's: 403, and it stays.
    app.call_sandbox("sandbox/delete")
        .path("ad_account_id", &id)
        .token(&bob_sandbox)
        .send()
        .await
        .expect_error(403, 29, "Not authorized");
    // Production refuses the operation altogether (and a Sandbox id is unknown there anyway).
    app.call("sandbox/delete")
        .path("ad_account_id", &id)
        .token(&prod)
        .send()
        .await
        .expect_error(403, 29, "only available in Sandbox");
    // The owner's: 204, then it is gone (404) and the other one is untouched.
    app.call_sandbox("sandbox/delete")
        .path("ad_account_id", &id)
        .token(&sandbox)
        .send()
        .await
        .expect(204);
    app.call_sandbox("ad_accounts/get")
        .path("ad_account_id", &id)
        .token(&sandbox)
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found.");
    app.call_sandbox("sandbox/delete")
        .path("ad_account_id", &id)
        .token(&sandbox)
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found.");
    let left = app
        .call_sandbox("ad_accounts/list")
        .token(&sandbox)
        .send()
        .await
        .expect(200);
    let ids: Vec<_> = left.items().iter().map(|a| a["id"].clone()).collect();
    assert_eq!(ids, vec![json!(keep)]);
    // An id that cannot be one gets the spec's own answer.
    app.call_sandbox("sandbox/delete")
        .path("ad_account_id", "1234567890123456789")
        .token(&sandbox)
        .send()
        .await
        .expect_error(400, 400, "Invalid ad account id");
}

#[tokio::test]
async fn the_delete_also_answers_at_the_path_seed_000_documents() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox = ads_token(&app, &alice, Env::Sandbox).await;
    let id = app
        .call_sandbox("ad_accounts/create")
        .token(&sandbox)
        .json(json!({"name": "seeded"}))
        .send()
        .await
        .expect(201)
        .id();
    app.raw(
        "DELETE",
        &format!("/sandbox/v5/ad_accounts/{id}"),
        Some(&sandbox),
    )
    .await
    .expect(204);
    app.call_sandbox("ad_accounts/get")
        .path("ad_account_id", &id)
        .token(&sandbox)
        .send()
        .await
        .expect(404);
}

#[tokio::test]
async fn ad_account_id_acts_for_its_owner_and_refuses_anyone_else() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = ads_token(&app, &alice, Env::Production).await;
    let bob_token = ads_token(&app, &bob, Env::Production).await;
    let id = app
        .call("ad_accounts/create")
        .token(&token)
        .json(json!({"name": "mine"}))
        .send()
        .await
        .expect(201)
        .id();
    let board = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Ads board"}))
        .send()
        .await
        .expect(201)
        .id();
    let ads_and_boards = app
        .token(
            &alice,
            pinbox::catalog::scope::Scopes::CONTENT.with(Scope::AdsRead),
        )
        .await;
    let r = app
        .call("boards/list")
        .token(&ads_and_boards)
        .query("ad_account_id", &id)
        .send()
        .await
        .expect(200);
    assert_eq!(r.items()[0]["id"], board);
    let bob_boards = app
        .token(
            &bob,
            pinbox::catalog::scope::Scopes::CONTENT.with(Scope::AdsRead),
        )
        .await;
    app.call("boards/list")
        .token(&bob_boards)
        .query("ad_account_id", &id)
        .send()
        .await
        .expect_error(403, 29, "Not authorized");
    app.call("boards/list")
        .token(&bob_boards)
        .query("ad_account_id", "999999999999999")
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found.");
    let _ = bob_token;
}
