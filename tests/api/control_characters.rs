//! Control characters in stored text: every engine gives the same answer. Names refuse every
//! control character; free text (descriptions, titles, alt text) keeps tabs and line breaks and
//! refuses the rest; NUL, which PostgreSQL cannot store, is refused everywhere with a 400 that
//! names the field, before anything is written.

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::env::Env;
use serde_json::{Value, json};

use crate::fixtures::png_source;
use crate::support::{TestApp, TestUser};

/// Asserts a 400 with code 1 whose message names `field`.
fn refused(reply: crate::support::Reply, field: &str) {
    let reply = reply.expect(400);
    assert_eq!(reply.json["code"], 1, "{}", reply.json);
    let message = reply.json["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("'{field}'")) && message.contains("control character"),
        "message should name '{field}' and the control character: {message}"
    );
}

async fn board(app: &TestApp, user: &TestUser, name: &str) -> String {
    app.call("boards/create")
        .token(&user.token)
        .json(json!({"name": name}))
        .send()
        .await
        .expect(201)
        .id()
}

async fn pin(app: &TestApp, user: &TestUser, board: &str) -> String {
    app.call("pins/create")
        .token(&user.token)
        .json(json!({"board_id": board, "title": "Kept", "media_source": png_source(8, 8, [1, 2, 3])}))
        .send()
        .await
        .expect(201)
        .id()
}

#[tokio::test]
async fn nul_in_board_and_section_text_is_refused_and_nothing_is_written() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let kept = board(&app, &alice, "Kept").await;
    for (body, field) in [
        (json!({"name": "a\u{0}b"}), "name"),
        (
            json!({"name": "ok", "description": "a\u{0}b"}),
            "description",
        ),
    ] {
        refused(
            app.call("boards/create")
                .token(&alice.token)
                .json(body.clone())
                .send()
                .await,
            field,
        );
        refused(
            app.call("boards/update")
                .path("board_id", &kept)
                .token(&alice.token)
                .json(body)
                .send()
                .await,
            field,
        );
    }
    for call in ["board_sections/create", "board_sections/update"] {
        let mut c = app
            .call(call)
            .path("board_id", &kept)
            .token(&alice.token)
            .json(json!({"name": "a\u{0}b"}));
        if call == "board_sections/update" {
            let section = app
                .call("board_sections/create")
                .path("board_id", &kept)
                .token(&alice.token)
                .json(json!({"name": "Salads"}))
                .send()
                .await
                .expect(201)
                .id();
            c = c.path("section_id", section);
        }
        refused(c.send().await, "name");
    }
    let boards = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let names: Vec<&Value> = boards.items().iter().map(|b| &b["name"]).collect();
    assert_eq!(names, [&json!("Kept")]);
    let sections = app
        .call("board_sections/list")
        .path("board_id", &kept)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let names: Vec<&Value> = sections.items().iter().map(|s| &s["name"]).collect();
    assert_eq!(names, [&json!("Salads")]);
}

#[tokio::test]
async fn nul_in_pin_text_is_refused_on_create_and_update() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "Pins").await;
    let p = pin(&app, &alice, &b).await;
    for field in ["title", "description", "alt_text", "link"] {
        let value = if field == "link" {
            "https://example.com/a\u{0}b"
        } else {
            "a\u{0}b"
        };
        let mut body = json!({"board_id": b, "media_source": png_source(8, 8, [1, 2, 3])});
        body[field] = json!(value);
        refused(
            app.call("pins/create")
                .token(&alice.token)
                .json(body)
                .send()
                .await,
            field,
        );
        refused(
            app.call("pins/update")
                .path("pin_id", &p)
                .token(&alice.token)
                .json(json!({ field: value }))
                .send()
                .await,
            field,
        );
    }
    let pins = app
        .call("pins/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(pins.items().len(), 1);
    assert_eq!(pins.items()[0]["title"], "Kept");
    assert_eq!(pins.items()[0]["link"], Value::Null);
}

#[tokio::test]
async fn nul_in_an_ad_account_name_or_a_followed_username_is_refused() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = app
        .token_in(
            &alice,
            Scopes::of(&[Scope::AdsRead, Scope::AdsWrite]),
            Env::Production,
        )
        .await;
    refused(
        app.call("ad_accounts/create")
            .token(&ads)
            .json(json!({"name": "a\u{0}b"}))
            .send()
            .await,
        "name",
    );
    let listed = app
        .call("ad_accounts/list")
        .token(&ads)
        .send()
        .await
        .expect(200);
    assert!(listed.items().is_empty(), "{}", listed.json);

    refused(
        app.call("follow_user/update")
            .path("username", "a%00b")
            .token(&alice.token)
            .json(json!({}))
            .send()
            .await,
        "username",
    );
}

#[tokio::test]
async fn names_refuse_every_control_character_and_free_text_keeps_line_breaks() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    for bad in [
        "tab\there",
        "line\nbreak",
        "bell\u{7}",
        "del\u{7f}",
        "c1\u{85}",
    ] {
        refused(
            app.call("boards/create")
                .token(&alice.token)
                .json(json!({ "name": bad }))
                .send()
                .await,
            "name",
        );
    }
    refused(
        app.call("boards/create")
            .token(&alice.token)
            .json(json!({"name": "ok", "description": "escape \u{1b}[31m"}))
            .send()
            .await,
        "description",
    );
    // Everything a person types survives the round trip, byte for byte, on every engine.
    let description = "Line one\r\nline two\tindented 🍓 e\u{301} \u{200f}עברית \u{fffd}";
    let created = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Fruit 🍓 e\u{301}", "description": description}))
        .send()
        .await
        .expect(201);
    let read = app
        .call("boards/get")
        .path("board_id", created.id())
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(read.json["name"], "Fruit 🍓 e\u{301}");
    assert_eq!(read.json["description"], description);
}
