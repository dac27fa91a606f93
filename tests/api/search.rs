//! Search over the caller's own Pins and boards: words (case and accents folded, all must match,
//! title matches first), Pin ids, secret content, bookmarks, freshness after writes, and the
//! Sandbox refusal the spec's `x-sandbox: disabled` asks for.

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::env::Env;
use serde_json::{Value, json};

use crate::fixtures::png_source;
use crate::pins::{board, pin};
use crate::support::{TestApp, TestUser};

async fn search(app: &TestApp, user: &TestUser, query: &str) -> Vec<String> {
    app.call("search_user_pins/list")
        .token(&user.token)
        .query("query", query)
        .send()
        .await
        .expect(200)
        .items()
        .iter()
        .map(|p| p["title"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn described(
    app: &TestApp,
    user: &TestUser,
    board: &str,
    title: &str,
    description: &str,
    alt: &str,
) -> Value {
    app.call("pins/create")
        .token(&user.token)
        .json(json!({
            "board_id": board, "title": title, "description": description, "alt_text": alt,
            "media_source": png_source(20, 10, [10, 200, 10])
        }))
        .send()
        .await
        .expect(201)
        .json
}

#[tokio::test]
async fn words_match_title_description_and_alt_text_without_case_or_accents() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let b = board(&app, &alice, "Food", "PUBLIC").await;
    described(&app, &alice, &b, "Crème brûlée", "dessert", "").await;
    described(&app, &alice, &b, "Dinner", "CREME BRULEE for two", "").await;
    described(
        &app,
        &alice,
        &b,
        "Photo",
        "nothing to see",
        "crème — brûlée, close-up",
    )
    .await;
    described(&app, &alice, &b, "Creme only", "one word", "").await;
    described(&app, &alice, &b, "Brûlée crème again", "", "").await;
    let bb = board(&app, &bob, "Bob's", "PUBLIC").await;
    described(&app, &bob, &bb, "Creme brulee", "not alice's", "").await;

    // Title matches first, newest first; then description and alt text matches, newest first.
    assert_eq!(
        search(&app, &alice, "creme brulee").await,
        vec!["Brûlée crème again", "Crème brûlée", "Photo", "Dinner"]
    );
    assert_eq!(search(&app, &alice, "BRÛLÉE").await.len(), 4);
    // Every word must match, as a whole word.
    assert!(search(&app, &alice, "creme pie").await.is_empty());
    assert!(search(&app, &alice, "crem").await.is_empty());
    assert_eq!(search(&app, &bob, "creme").await, vec!["Creme brulee"]);
}

#[tokio::test]
async fn a_comma_separated_list_of_ids_finds_those_pins_of_the_caller() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let one = pin(&app, &alice, &b, "One").await;
    let two = pin(&app, &alice, &b, "Two").await;
    pin(&app, &alice, &b, "Three").await;
    let bb = board(&app, &bob, "bb", "PUBLIC").await;
    let theirs = pin(&app, &bob, &bb, "Bob's").await;
    let query = format!(
        "{}, {},{}",
        one["id"].as_str().unwrap(),
        two["id"].as_str().unwrap(),
        theirs["id"].as_str().unwrap()
    );
    assert_eq!(search(&app, &alice, &query).await, vec!["Two", "One"]);
}

#[tokio::test]
async fn secret_pins_and_boards_are_found_only_with_the_read_secret_scopes() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let public = board(&app, &alice, "Open plans", "PUBLIC").await;
    let secret = board(&app, &alice, "Hidden plans", "SECRET").await;
    pin(&app, &alice, &public, "Garden plan").await;
    pin(&app, &alice, &secret, "Secret plan").await;
    assert_eq!(
        search(&app, &alice, "plan").await,
        vec!["Secret plan", "Garden plan"]
    );
    let boards = app
        .call("search_user_boards/get")
        .token(&alice.token)
        .query("query", "plans")
        .send()
        .await
        .expect(200);
    assert_eq!(boards.items().len(), 2);

    // The spec requires the secret scopes for both searches: without them, no search at all.
    let public_only = app
        .token(
            &alice,
            Scopes::of(&[Scope::BoardsRead, Scope::PinsRead, Scope::UserAccountsRead]),
        )
        .await;
    app.call("search_user_pins/list")
        .token(&public_only)
        .query("query", "plan")
        .send()
        .await
        .expect_error(403, 3, "scopes");
    app.call("search_user_boards/get")
        .token(&public_only)
        .query("query", "plans")
        .send()
        .await
        .expect_error(403, 3, "scopes");
}

#[tokio::test]
async fn pin_results_page_with_bookmarks_across_title_and_other_matches() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let mut expected = Vec::new();
    for i in 0..4 {
        described(&app, &alice, &b, &format!("other {i}"), "tulip", "").await;
    }
    for i in 0..3 {
        described(&app, &alice, &b, &format!("Tulip {i}"), "", "").await;
    }
    expected.extend(["Tulip 2", "Tulip 1", "Tulip 0"].map(String::from));
    expected.extend(["other 3", "other 2", "other 1", "other 0"].map(String::from));

    let mut seen = Vec::new();
    let mut bookmark: Option<String> = None;
    loop {
        let mut call = app
            .call("search_user_pins/list")
            .token(&alice.token)
            .query("query", "tulip")
            .query("page_size", 2);
        if let Some(b) = &bookmark {
            call = call.query("bookmark", b);
        }
        let page = call.send().await.expect(200);
        assert!(page.items().len() <= 2);
        seen.extend(
            page.items()
                .iter()
                .map(|p| p["title"].as_str().unwrap().to_string()),
        );
        bookmark = page.bookmark();
        if bookmark.is_none() {
            break;
        }
    }
    assert_eq!(seen, expected);

    // A bookmark continues only the search it came from.
    let page = app
        .call("search_user_pins/list")
        .token(&alice.token)
        .query("query", "tulip")
        .query("page_size", 2)
        .send()
        .await
        .expect(200);
    app.call("search_user_pins/list")
        .token(&alice.token)
        .query("query", "other")
        .query("bookmark", page.bookmark().unwrap())
        .send()
        .await
        .expect_error(400, 1, "bookmark");
}

#[tokio::test]
async fn new_edited_moved_and_deleted_pins_are_searchable_at_once() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let other = board(&app, &alice, "other", "PUBLIC").await;
    let p = pin(&app, &alice, &b, "Blue vase").await;
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(search(&app, &alice, "vase").await, vec!["Blue vase"]);

    app.call("pins/update")
        .token(&alice.token)
        .path("pin_id", &id)
        .json(json!({"title": "Green bowl", "alt_text": "ceramic"}))
        .send()
        .await
        .expect(200);
    assert!(search(&app, &alice, "vase").await.is_empty());
    assert_eq!(
        search(&app, &alice, "green ceramic").await,
        vec!["Green bowl"]
    );

    app.call("pins/update")
        .token(&alice.token)
        .path("pin_id", &id)
        .json(json!({"board_id": other}))
        .send()
        .await
        .expect(200);
    assert_eq!(search(&app, &alice, "bowl").await, vec!["Green bowl"]);

    app.call("pins/delete")
        .token(&alice.token)
        .path("pin_id", &id)
        .send()
        .await
        .expect(204);
    assert!(search(&app, &alice, "bowl").await.is_empty());
}

#[tokio::test]
async fn bad_queries_are_refused_by_name() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.call("search_user_pins/list")
        .token(&alice.token)
        .send()
        .await
        .expect_error(400, 1, "'query'");
    app.call("search_user_pins/list")
        .token(&alice.token)
        .query("query", " ,;")
        .send()
        .await
        .expect_error(400, 1, "'query'");
    app.call("search_user_boards/get")
        .token(&alice.token)
        .query("page_size", 0)
        .send()
        .await
        .expect_error(400, 1, "page_size");
}

#[tokio::test]
async fn boards_match_name_and_description_name_matches_first() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    for (name, description) in [
        ("Kitchen", "ideas for the café"),
        ("Café corner", ""),
        ("Garden", "plants"),
        ("Cafe Noir", "coffee"),
    ] {
        app.call("boards/create")
            .token(&alice.token)
            .json(json!({"name": name, "description": description}))
            .send()
            .await
            .expect(201);
    }
    let names = |r: &crate::support::Reply| -> Vec<String> {
        r.items()
            .iter()
            .map(|b| b["name"].as_str().unwrap().to_string())
            .collect()
    };
    let found = app
        .call("search_user_boards/get")
        .token(&alice.token)
        .query("query", "CAFE")
        .send()
        .await
        .expect(200);
    assert_eq!(names(&found), vec!["Cafe Noir", "Café corner", "Kitchen"]);

    // No query: every board, newest first, paged.
    let first = app
        .call("search_user_boards/get")
        .token(&alice.token)
        .query("page_size", 3)
        .send()
        .await
        .expect(200);
    assert_eq!(names(&first), vec!["Cafe Noir", "Garden", "Café corner"]);
    let rest = app
        .call("search_user_boards/get")
        .token(&alice.token)
        .query("page_size", 3)
        .query("bookmark", first.bookmark().unwrap())
        .send()
        .await
        .expect(200);
    assert_eq!(names(&rest), vec!["Kitchen"]);
    assert!(rest.bookmark().is_none());
}

#[tokio::test]
async fn both_searches_are_refused_in_sandbox_by_path_and_by_host() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;
    for op in ["search_user_pins/list", "search_user_boards/get"] {
        app.call_sandbox(op)
            .token(&sandbox)
            .query("query", "x")
            .send()
            .await
            .expect_error(403, 29, op);
        app.call(op)
            .header("Host", "api-sandbox.pinterest.com")
            .token(&sandbox)
            .query("query", "x")
            .send()
            .await
            .expect_error(403, 29, op);
    }
}
