//! The wording of refusals, path by path: the spec's example where it gives one, Pinterest's
//! documented message where it does not, and a refused edit says it could not edit.

use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn a_refused_board_edit_says_it_could_not_edit_the_board() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    for name in ["Recipes", "Other"] {
        app.call("boards/create")
            .token(&alice.token)
            .json(json!({ "name": name }))
            .send()
            .await
            .expect(201);
    }
    let other = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200)
        .items()
        .iter()
        .find(|b| b["name"] == "Other")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let refused = app
        .call("boards/update")
        .path("board_id", &other)
        .token(&alice.token)
        .json(json!({"name": "RECIPES"}))
        .send()
        .await
        .expect_error(409, 58, "already have a board with this name");
    let message = refused.json["message"].as_str().unwrap();
    assert!(message.starts_with("Could not edit board"), "{message}");
    // The create path keeps its own wording.
    let created = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "recipes"}))
        .send()
        .await
        .expect_error(409, 58, "already have a board with this name");
    let message = created.json["message"].as_str().unwrap();
    assert!(!message.starts_with("Could not edit"), "{message}");
}

#[tokio::test]
async fn section_refusals_use_the_specs_examples() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let board = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Kitchen"}))
        .send()
        .await
        .expect(201)
        .id();
    let section = app
        .call("board_sections/create")
        .path("board_id", &board)
        .token(&alice.token)
        .json(json!({"name": "Salads"}))
        .send()
        .await
        .expect(201)
        .id();
    // board_sections/create and update: 400 "Invalid board section parameters."
    for (op, section_id) in [
        ("board_sections/create", None),
        ("board_sections/update", Some(&section)),
    ] {
        let mut call = app
            .call(op)
            .path("board_id", &board)
            .token(&alice.token)
            .json(json!({"name": "   "}));
        if let Some(s) = section_id {
            call = call.path("section_id", s);
        }
        call.send()
            .await
            .expect_error(400, 400, "Invalid board section parameters");
    }
    // board_sections/update of a taken name: 409 "Board section conflict."
    let soups = app
        .call("board_sections/create")
        .path("board_id", &board)
        .token(&alice.token)
        .json(json!({"name": "Soups"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("board_sections/update")
        .path("board_id", &board)
        .path("section_id", &soups)
        .token(&alice.token)
        .json(json!({"name": "Salads"}))
        .send()
        .await
        .expect_error(409, 409, "Board section conflict.");
    // board_sections/delete of an unknown section: 404 "Board section not found."
    app.call("board_sections/delete")
        .path("board_id", &board)
        .path("section_id", "1234567890123456789")
        .token(&alice.token)
        .send()
        .await
        .expect_error(404, 404, "Board section not found.");
    // board_sections/list_pins: 404 "Board or section not found." for either.
    for (b, s) in [
        (board.as_str(), "1234567890123456789"),
        ("1234567890123456789", section.as_str()),
    ] {
        app.call("board_sections/list_pins")
            .path("board_id", b)
            .path("section_id", s)
            .token(&alice.token)
            .send()
            .await
            .expect_error(404, 404, "Board or section not found.");
    }
}
