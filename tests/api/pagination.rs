//! Bookmark pagination: page sizes, opaque signed bookmarks, and lists that neither lose nor
//! repeat items while others are inserted.

use std::collections::HashSet;

use serde_json::json;

use crate::support::{TestApp, TestUser};

async fn make_boards(app: &TestApp, user: &TestUser, prefix: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(
            app.call("boards/create")
                .token(&user.token)
                .json(json!({"name": format!("{prefix}{i}")}))
                .send()
                .await
                .expect(201)
                .id(),
        );
    }
    ids
}

#[tokio::test]
async fn page_size_defaults_to_25_and_must_be_1_to_250() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    make_boards(&app, &alice, "b", 30).await;
    let first = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(first.items().len(), 25);
    assert!(first.bookmark().is_some());
    let all = app
        .call("boards/list")
        .query("page_size", 250)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(all.items().len(), 30);
    assert_eq!(all.bookmark(), None);
    assert_eq!(all.json["bookmark"], serde_json::Value::Null);
    for bad in ["0", "251", "-1", "3e", "", "1.5"] {
        app.call("boards/list")
            .query("page_size", bad)
            .token(&alice.token)
            .send()
            .await
            .expect_error(400, 1, "'page_size'");
    }
}

#[tokio::test]
async fn paging_while_inserting_neither_loses_nor_repeats_items() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let original: HashSet<String> = make_boards(&app, &alice, "orig", 40)
        .await
        .into_iter()
        .collect();
    let mut seen = Vec::new();
    let mut bookmark: Option<String> = None;
    let mut inserted = 0;
    loop {
        let mut call = app
            .call("boards/list")
            .query("page_size", 7)
            .token(&alice.token);
        if let Some(b) = &bookmark {
            call = call.query("bookmark", b);
        }
        let page = call.send().await.expect(200);
        seen.extend(
            page.items()
                .iter()
                .map(|b| b["id"].as_str().unwrap().to_string()),
        );
        // Someone else writes between our pages.
        make_boards(&app, &alice, &format!("new{inserted}-"), 2).await;
        inserted += 1;
        match page.bookmark() {
            Some(b) => bookmark = Some(b),
            None => break,
        }
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "an item was repeated across pages"
    );
    assert!(
        original.is_subset(&unique),
        "an item that existed before paging was lost"
    );
}

#[tokio::test]
async fn sections_page_too() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let board = make_boards(&app, &alice, "b", 1).await.remove(0);
    for i in 0..5 {
        app.call("board_sections/create")
            .path("board_id", &board)
            .token(&alice.token)
            .json(json!({"name": format!("s{i}")}))
            .send()
            .await
            .expect(201);
    }
    let mut names = Vec::new();
    let mut bookmark: Option<String> = None;
    loop {
        let mut call = app
            .call("board_sections/list")
            .path("board_id", &board)
            .query("page_size", 2)
            .token(&alice.token);
        if let Some(b) = &bookmark {
            call = call.query("bookmark", b);
        }
        let page = call.send().await.expect(200);
        names.extend(
            page.items()
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_string()),
        );
        match page.bookmark() {
            Some(b) => bookmark = Some(b),
            None => break,
        }
    }
    assert_eq!(names, ["s0", "s1", "s2", "s3", "s4"]);
}

#[tokio::test]
async fn malformed_or_foreign_bookmarks_are_400() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    make_boards(&app, &alice, "a", 3).await;
    make_boards(&app, &bob, "b", 3).await;
    let alices = app
        .call("boards/list")
        .query("page_size", 1)
        .token(&alice.token)
        .send()
        .await
        .expect(200)
        .bookmark()
        .unwrap();
    // Bob cannot use Alice's bookmark to walk her boards.
    app.call("boards/list")
        .query("bookmark", &alices)
        .token(&bob.token)
        .send()
        .await
        .expect_error(400, 1, "bookmark");
    // Nor can a bookmark of one list continue another.
    let board = make_boards(&app, &alice, "c", 1).await.remove(0);
    app.call("board_sections/list")
        .path("board_id", &board)
        .query("bookmark", &alices)
        .token(&alice.token)
        .send()
        .await
        .expect_error(400, 1, "bookmark");
    let mut tampered = alices.clone().into_bytes();
    tampered[3] ^= 1;
    for bad in [
        "garbage".to_string(),
        "!!!".to_string(),
        String::from_utf8(tampered).unwrap_or_else(|_| "x".into()),
        "A".repeat(2000),
    ] {
        app.call("boards/list")
            .query("bookmark", &bad)
            .token(&alice.token)
            .send()
            .await
            .expect_error(400, 1, "bookmark");
    }
    // Her own bookmark works.
    app.call("boards/list")
        .query("bookmark", &alices)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
}
