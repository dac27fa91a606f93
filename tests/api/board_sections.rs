//! Board sections: create, list, rename, delete, and their errors.

use serde_json::json;

use crate::support::{TestApp, TestUser};

async fn board(app: &TestApp, user: &TestUser, name: &str) -> String {
    app.call("boards/create")
        .token(&user.token)
        .json(json!({"name": name}))
        .send()
        .await
        .expect(201)
        .id()
}

#[tokio::test]
async fn sections_are_created_listed_renamed_and_deleted() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "Recipes").await;
    let mut ids = Vec::new();
    for name in ["Salads", "Soups", "Bread"] {
        let r = app
            .call("board_sections/create")
            .path("board_id", &b)
            .token(&alice.token)
            .json(json!({"name": name}))
            .send()
            .await
            .expect(201);
        assert_eq!(r.json["name"], name);
        ids.push(r.id());
    }
    let list = app
        .call("board_sections/list")
        .path("board_id", &b)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let names: Vec<_> = list
        .items()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Salads", "Soups", "Bread"],
        "sections list in creation order"
    );
    assert_eq!(list.bookmark(), None);

    let renamed = app
        .call("board_sections/update")
        .path("board_id", &b)
        .path("section_id", &ids[2])
        .token(&alice.token)
        .json(json!({"name": "Breads"}))
        .send()
        .await
        .expect(200);
    assert_eq!(renamed.json, json!({"id": ids[2], "name": "Breads"}));

    app.call("board_sections/delete")
        .path("board_id", &b)
        .path("section_id", &ids[0])
        .token(&alice.token)
        .send()
        .await
        .expect(204);
    app.call("board_sections/delete")
        .path("board_id", &b)
        .path("section_id", &ids[0])
        .token(&alice.token)
        .send()
        .await
        .expect_error(404, 404, "Board section not found.");
    let list = app
        .call("board_sections/list")
        .path("board_id", &b)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(list.items().len(), 2);
}

#[tokio::test]
async fn section_names_conflict_within_a_board_only() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b1 = board(&app, &alice, "one").await;
    let b2 = board(&app, &alice, "two").await;
    let create = |b: String, name: &'static str| {
        app.call("board_sections/create")
            .path("board_id", b)
            .token(&alice.token)
            .json(json!({"name": name}))
            .send()
    };
    create(b1.clone(), "Salads").await.expect(201);
    create(b1.clone(), "salads")
        .await
        .expect_error(409, 409, "Board section conflict.");
    create(b2.clone(), "Salads").await.expect(201);
    let soups = create(b1.clone(), "Soups").await.expect(201).id();
    app.call("board_sections/update")
        .path("board_id", &b1)
        .path("section_id", &soups)
        .token(&alice.token)
        .json(json!({"name": "SALADS"}))
        .send()
        .await
        .expect_error(409, 409, "Board section conflict.");
}

#[tokio::test]
async fn bad_section_names_are_refused() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b").await;
    for body in [
        json!({"name": ""}),
        json!({"name": "x".repeat(181)}),
        // The spec's maxLength counts the name as sent, spaces and all.
        json!({"name": format!("\r{}", "x".repeat(180))}),
        json!({"name": "   "}),
        json!({"name": 7}),
        json!({}),
    ] {
        app.call("board_sections/create")
            .path("board_id", &b)
            .token(&alice.token)
            .json(body.clone())
            .send()
            .await
            .expect(400);
    }
    let list = app
        .call("board_sections/list")
        .path("board_id", &b)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(list.items().is_empty(), "refused creates wrote nothing");
}

#[tokio::test]
async fn sections_of_unknown_or_foreign_boards_are_not_found() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let b = board(&app, &alice, "b").await;
    let s = app
        .call("board_sections/create")
        .path("board_id", &b)
        .token(&alice.token)
        .json(json!({"name": "s"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("board_sections/create")
        .path("board_id", &b)
        .token(&bob.token)
        .json(json!({"name": "mine now"}))
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
    app.call("board_sections/update")
        .path("board_id", &b)
        .path("section_id", &s)
        .token(&bob.token)
        .json(json!({"name": "x"}))
        .send()
        .await
        .expect(404);
    // A section id under the wrong board is not found either.
    let other = board(&app, &alice, "other").await;
    app.call("board_sections/update")
        .path("board_id", &other)
        .path("section_id", &s)
        .token(&alice.token)
        .json(json!({"name": "x"}))
        .send()
        .await
        .expect_error(404, 2031, "couldn't find this board section");
    app.call("board_sections/list_pins")
        .path("board_id", &other)
        .path("section_id", &s)
        .token(&alice.token)
        .send()
        .await
        .expect(404);
    app.call("board_sections/list")
        .path("board_id", "1234567890123456789")
        .token(&alice.token)
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
}

#[tokio::test]
async fn pin_lists_of_boards_and_sections_start_empty() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b").await;
    let s = app
        .call("board_sections/create")
        .path("board_id", &b)
        .token(&alice.token)
        .json(json!({"name": "s"}))
        .send()
        .await
        .expect(201)
        .id();
    let r = app
        .call("boards/list_pins")
        .path("board_id", &b)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json, json!({"items": [], "bookmark": null}));
    let r = app
        .call("board_sections/list_pins")
        .path("board_id", &b)
        .path("section_id", &s)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json, json!({"items": [], "bookmark": null}));
}
