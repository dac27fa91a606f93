//! Boards: create, read, list, update, delete, with their errors and secret visibility.

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::Limits;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn a_created_board_has_every_field_filled_truthfully() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let r = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Summer recipes", "description": "My favorite summer recipes"}))
        .send()
        .await
        .expect(201);
    let b = &r.json;
    assert!(b["id"].as_str().unwrap().len() >= 18);
    assert_eq!(b["name"], "Summer recipes");
    assert_eq!(b["description"], "My favorite summer recipes");
    assert_eq!(b["privacy"], "PUBLIC");
    assert_eq!(b["owner"]["username"], "alice");
    assert_eq!(b["pin_count"], 0);
    assert_eq!(b["follower_count"], 0);
    assert_eq!(b["collaborator_count"], 0);
    assert_eq!(b["is_ads_only"], false);
    assert_eq!(b["created_at"], "2026-11-01T00:00:00Z");
    assert_eq!(b["board_pins_modified_at"], "2026-11-01T00:00:00Z");
    assert_eq!(b["media"]["image_cover_url"], serde_json::Value::Null);
    assert_eq!(b["media"]["pin_thumbnail_urls"], json!([]));

    let got = app
        .call("boards/get")
        .path("board_id", r.id())
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(got.json, r.json);
    app.stop().await;
}

#[tokio::test]
async fn boards_of_another_user_are_not_found() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let board = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "mine"}))
        .send()
        .await
        .expect(201)
        .id();
    for op in ["boards/get", "boards/delete"] {
        app.call(op)
            .path("board_id", &board)
            .token(&bob.token)
            .send()
            .await
            .expect_error(404, 40, "Board not found.");
    }
    app.call("boards/update")
        .path("board_id", &board)
        .token(&bob.token)
        .json(json!({"name": "stolen"}))
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
    let list = app
        .call("boards/list")
        .token(&bob.token)
        .send()
        .await
        .expect(200);
    assert!(list.items().is_empty());
}

#[tokio::test]
async fn board_names_are_unique_per_owner_regardless_of_case() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Recipes"}))
        .send()
        .await
        .expect(201);
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "  recipes "}))
        .send()
        .await
        .expect_error(409, 58, "already have a board with this name");
    app.call("boards/create")
        .token(&bob.token)
        .json(json!({"name": "Recipes"}))
        .send()
        .await
        .expect(201);
    let other = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Other"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("boards/update")
        .path("board_id", &other)
        .token(&alice.token)
        .json(json!({"name": "RECIPES"}))
        .send()
        .await
        .expect(409);
    let list = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(list.items().len(), 2, "the refused writes changed nothing");
}

#[tokio::test]
async fn updates_change_only_the_given_fields() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let id = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Before", "description": "keep"}))
        .send()
        .await
        .expect(201)
        .id();
    let r = app
        .call("boards/update")
        .path("board_id", &id)
        .token(&alice.token)
        .json(json!({"name": "After"}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["name"], "After");
    assert_eq!(r.json["description"], "keep");
    let r = app
        .call("boards/update")
        .path("board_id", &id)
        .token(&alice.token)
        .json(json!({"description": null, "privacy": "SECRET"}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["description"], serde_json::Value::Null);
    assert_eq!(r.json["privacy"], "SECRET");
    assert_eq!(r.json["name"], "After");
}

#[tokio::test]
async fn deleting_a_board_removes_it_and_its_sections() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let id = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Doomed"}))
        .send()
        .await
        .expect(201)
        .id();
    let section = app
        .call("board_sections/create")
        .path("board_id", &id)
        .token(&alice.token)
        .json(json!({"name": "Part"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("boards/delete")
        .path("board_id", &id)
        .token(&alice.token)
        .send()
        .await
        .expect(204);
    app.call("boards/get")
        .path("board_id", &id)
        .token(&alice.token)
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
    app.call("board_sections/list_pins")
        .path("board_id", &id)
        .path("section_id", &section)
        .token(&alice.token)
        .send()
        .await
        .expect(404);
    app.call("boards/delete")
        .path("board_id", &id)
        .token(&alice.token)
        .send()
        .await
        .expect(404);
    let n = app
        .pinbox
        .users
        .content_counts(alice.user.id, Default::default())
        .await
        .unwrap();
    assert_eq!(n.total_boards(), 0);
}

#[tokio::test]
async fn the_board_limit_refuses_the_next_board_with_a_clear_error() {
    let app = TestApp::start_with(Limits {
        max_boards_per_user: 3,
        ..Limits::default()
    })
    .await;
    let alice = app.user("alice").await;
    for i in 0..3 {
        app.call("boards/create")
            .token(&alice.token)
            .json(json!({"name": format!("b{i}")}))
            .send()
            .await
            .expect(201);
    }
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "one too many"}))
        .send()
        .await
        .expect_error(403, 2014, "limit of 3 boards");
}

#[tokio::test]
async fn secret_boards_need_the_secret_scopes_to_be_seen_or_changed() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let secret = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Surprise party", "privacy": "SECRET"}))
        .send()
        .await
        .expect(201)
        .id();
    let public = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Everyone"}))
        .send()
        .await
        .expect(201)
        .id();
    let plain = app
        .token(
            &alice,
            Scopes::of(&[
                Scope::BoardsRead,
                Scope::BoardsWrite,
                Scope::PinsRead,
                Scope::UserAccountsRead,
            ]),
        )
        .await;

    // Invisible: not found, not listed, not counted.
    app.call("boards/get")
        .path("board_id", &secret)
        .token(&plain)
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
    let list = app
        .call("boards/list")
        .token(&plain)
        .send()
        .await
        .expect(200);
    let ids: Vec<_> = list
        .items()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![public.as_str()]);
    let only_secret = app
        .call("boards/list")
        .query("privacy", "SECRET")
        .token(&plain)
        .send()
        .await
        .expect(200);
    assert!(only_secret.items().is_empty());
    let me = app
        .call("user_account/get")
        .token(&plain)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["board_count"], 1);
    for op in ["board_sections/list", "boards/list_pins"] {
        app.call(op)
            .path("board_id", &secret)
            .token(&plain)
            .send()
            .await
            .expect(404);
    }
    // Unwritable without boards:write_secret, even when it can be read.
    let read_secret = app
        .token(
            &alice,
            Scopes::of(&[
                Scope::BoardsRead,
                Scope::BoardsReadSecret,
                Scope::BoardsWrite,
            ]),
        )
        .await;
    app.call("boards/get")
        .path("board_id", &secret)
        .token(&read_secret)
        .send()
        .await
        .expect(200);
    app.call("boards/update")
        .path("board_id", &secret)
        .token(&read_secret)
        .json(json!({"name": "renamed"}))
        .send()
        .await
        .expect(404);
    app.call("boards/delete")
        .path("board_id", &secret)
        .token(&read_secret)
        .send()
        .await
        .expect(404);
    app.call("board_sections/create")
        .path("board_id", &secret)
        .token(&read_secret)
        .json(json!({"name": "s"}))
        .send()
        .await
        .expect(404);
    // Creating a secret board, or making one secret, needs boards:write_secret.
    app.call("boards/create")
        .token(&read_secret)
        .json(json!({"name": "Another secret", "privacy": "SECRET"}))
        .send()
        .await
        .expect_error(
            403,
            3,
            "Your token does not have sufficient permissions to perform this operation.",
        );
    app.call("boards/update")
        .path("board_id", &public)
        .token(&read_secret)
        .json(json!({"privacy": "SECRET"}))
        .send()
        .await
        .expect(403);
    // The full token sees and changes everything.
    let all = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(all.items().len(), 2);
    app.call("boards/update")
        .path("board_id", &secret)
        .token(&alice.token)
        .json(json!({"name": "Still secret"}))
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn the_privacy_filter_selects_boards() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    for (name, privacy) in [("a", "PUBLIC"), ("b", "SECRET"), ("c", "PROTECTED")] {
        app.call("boards/create")
            .token(&alice.token)
            .json(json!({"name": name, "privacy": privacy}))
            .send()
            .await
            .expect(201);
    }
    for (filter, expected) in [
        ("ALL", vec!["c", "b", "a"]),
        ("PUBLIC", vec!["a"]),
        ("SECRET", vec!["b"]),
        ("PROTECTED", vec!["c"]),
        ("PUBLIC_AND_SECRET", vec!["b", "a"]),
    ] {
        let r = app
            .call("boards/list")
            .query("privacy", filter)
            .token(&alice.token)
            .send()
            .await
            .expect(200);
        let names: Vec<_> = r
            .items()
            .iter()
            .map(|b| b["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, expected, "privacy={filter}");
    }
    app.call("boards/list")
        .query("privacy", "EVERYTHING")
        .token(&alice.token)
        .send()
        .await
        .expect_error(400, 1, "'privacy'");
}

#[tokio::test]
async fn an_ad_only_board_is_protected_and_named_by_pinterest() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let r = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "whatever", "is_ads_only": true}))
        .send()
        .await
        .expect(201);
    assert_eq!(r.json["name"], "Ad-only Pins");
    assert_eq!(r.json["privacy"], "PROTECTED");
    assert_eq!(r.json["is_ads_only"], true);
}

/// The spec's answer to `boards/update` (`BoardWithUpdatePrivacy`) allows only PUBLIC and SECRET:
/// a PROTECTED board's update answer leaves `privacy` out rather than break the schema or lie,
/// every other answer (`Board`) says PROTECTED, and an ad-only board's privacy cannot change.
#[tokio::test]
async fn a_protected_board_answers_every_operation_within_its_schema() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ad_only = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "x", "is_ads_only": true}))
        .send()
        .await
        .expect(201)
        .id();
    // The harness checks each answer against the operation's response schema.
    let r = app
        .call("boards/update")
        .path("board_id", &ad_only)
        .token(&alice.token)
        .json(json!({"description": "For ads"}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["description"], "For ads");
    assert_eq!(r.json["is_ads_only"], true);
    assert!(r.json.get("privacy").is_none(), "{}", r.text);
    for privacy in ["PUBLIC", "SECRET"] {
        app.call("boards/update")
            .path("board_id", &ad_only)
            .token(&alice.token)
            .json(json!({"privacy": privacy}))
            .send()
            .await
            .expect_error(400, 1, "ad-only board is always PROTECTED");
    }
    let got = app
        .call("boards/get")
        .path("board_id", &ad_only)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        got.json["privacy"], "PROTECTED",
        "unchanged by the refusals"
    );
    assert_eq!(got.json["description"], "For ads");

    // A PROTECTED board that is not ad-only may become PUBLIC or SECRET; never PROTECTED again.
    let protected = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Drafts", "privacy": "PROTECTED"}))
        .send()
        .await
        .expect(201)
        .id();
    let renamed = app
        .call("boards/update")
        .path("board_id", &protected)
        .token(&alice.token)
        .json(json!({"name": "Later"}))
        .send()
        .await
        .expect(200);
    assert_eq!(renamed.json["name"], "Later");
    assert!(renamed.json.get("privacy").is_none(), "{}", renamed.text);
    let public = app
        .call("boards/update")
        .path("board_id", &protected)
        .token(&alice.token)
        .json(json!({"privacy": "PUBLIC"}))
        .send()
        .await
        .expect(200);
    assert_eq!(public.json["privacy"], "PUBLIC");
    app.call("boards/update")
        .path("board_id", &protected)
        .token(&alice.token)
        .json(json!({"privacy": "PROTECTED"}))
        .send()
        .await
        .expect_error(400, 1, "'privacy'");
}
