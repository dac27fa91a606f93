//! Bad input of every kind gets a 4xx with Pinterest's `{code, message}` body, names what was
//! wrong, and changes nothing.

use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn unknown_paths_and_wrong_methods_answer_json() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let r = app
        .raw("GET", "/v5/nowhere", Some(&alice.token))
        .await
        .expect(404);
    assert!(r.json["message"].as_str().unwrap().contains("/v5/nowhere"));
    app.raw("GET", "/", None).await.expect(404);
    let r = app.raw("PUT", "/v5/boards", Some(&alice.token)).await;
    let r = r.expect_error(405, 5, "Method not allowed");
    assert!(r.json["message"].as_str().unwrap().contains("/v5/boards"));
    app.raw("POST", "/v5/user_account", Some(&alice.token))
        .await
        .expect(405);
}

#[tokio::test]
async fn spec_operations_not_served_yet_say_so_by_name() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.raw("GET", "/v5/catalogs", Some(&alice.token))
        .await
        .expect_error(501, 4181, "'catalogs/list'");
}

#[tokio::test]
async fn path_ids_that_are_not_numeric_name_no_object() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let board = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Real"}))
        .send()
        .await
        .expect(201)
        .id();
    // "None" is what Python clients send for a missing id; digits too long for an id name nothing.
    for bad in [
        "abc",
        "12a",
        "-5",
        "1.5",
        "None",
        "%F0%9F%98%80",
        "99999999999999999999999999",
    ] {
        app.call("boards/get")
            .path("board_id", bad)
            .token(&alice.token)
            .send()
            .await
            .expect_error(404, 40, "Board not found.");
        app.call("pins/get")
            .path("pin_id", bad)
            .token(&alice.token)
            .send()
            .await
            .expect_error(404, 50, "Pin not found.");
        app.call("board_sections/list_pins")
            .path("board_id", &board)
            .path("section_id", bad)
            .token(&alice.token)
            .send()
            .await
            .expect(404);
        app.call("board_sections/delete")
            .path("board_id", &board)
            .path("section_id", bad)
            .token(&alice.token)
            .send()
            .await
            .expect(404);
    }
}

#[tokio::test]
async fn malformed_bodies_are_refused_and_name_the_field() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let cases: Vec<(&[u8], Option<&str>, u16, &str)> = vec![
        (
            b"{not json",
            Some("application/json"),
            400,
            "Invalid request body",
        ),
        (b"", Some("application/json"), 400, "empty"),
        (b"[]", Some("application/json"), 400, "Invalid request body"),
        (br#"{"name": 12}"#, Some("application/json"), 400, "'name'"),
        (
            br#"{"name": null}"#,
            Some("application/json"),
            400,
            "'name'",
        ),
        (
            br#"{"description": "no name"}"#,
            Some("application/json"),
            400,
            "name",
        ),
        (
            br#"{"name": "x", "privacy": "HIDDEN"}"#,
            Some("application/json"),
            400,
            "'privacy'",
        ),
        (
            br#"{"name": "x", "is_ads_only": "yes"}"#,
            Some("application/json"),
            400,
            "'is_ads_only'",
        ),
        (
            br#"{"name": "x", "description": 5}"#,
            Some("application/json"),
            400,
            "'description'",
        ),
        (br#"{"name": "x"}"#, Some("text/plain"), 415, "Content-Type"),
        (
            br#"name=x"#,
            Some("application/x-www-form-urlencoded"),
            415,
            "Content-Type",
        ),
    ];
    for (body, ct, status, part) in cases {
        let r = app
            .call("boards/create")
            .token(&alice.token)
            .raw_body(body, ct)
            .send()
            .await;
        assert_eq!(
            r.status,
            status,
            "{:?}: {}",
            String::from_utf8_lossy(body),
            r.text
        );
        assert!(
            r.json["message"].as_str().unwrap().contains(part),
            "{:?}: {} should mention {part}",
            String::from_utf8_lossy(body),
            r.text
        );
    }
    let long = "x".repeat(181);
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": long}))
        .send()
        .await
        .expect_error(400, 1, "'name' is longer than 180");
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "ok", "description": "d".repeat(501)}))
        .send()
        .await
        .expect_error(400, 1, "'description'");
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "   "}))
        .send()
        .await
        .expect_error(400, 1, "'name'");
    let list = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(list.items().is_empty(), "no refused request wrote anything");
}

#[tokio::test]
async fn odd_but_valid_text_is_kept_exactly() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let name = "Café ☕ 🍰 — \"quotes\" & <tags> \u{202E}rtl";
    let r = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": name, "description": "línea\nnueva"}))
        .send()
        .await
        .expect(201);
    assert_eq!(r.json["name"], name);
    assert_eq!(r.json["description"], "línea\nnueva");
}

#[tokio::test]
async fn duplicate_and_malformed_query_parameters_are_refused() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.call("boards/list")
        .query("page_size", 5)
        .query("page_size", 6)
        .token(&alice.token)
        .send()
        .await
        .expect_error(400, 1, "'page_size'");
    app.call("boards/list")
        .query("ad_account_id", "abc")
        .token(&alice.token)
        .send()
        .await
        .expect_error(400, 1, "'ad_account_id'");
    app.call("boards/list_pins")
        .path("board_id", "1234567890123456789")
        .query("pin_metrics", "maybe")
        .token(&alice.token)
        .send()
        .await
        .expect_error(400, 1, "'pin_metrics'");
}

#[tokio::test]
async fn null_is_refused_where_the_spec_does_not_allow_it() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    for body in [
        json!({"name": "x", "privacy": null}),
        json!({"name": "x", "is_ads_only": null}),
    ] {
        app.call("boards/create")
            .token(&alice.token)
            .json(body)
            .send()
            .await
            .expect_error(400, 1, "null");
    }
    let b = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "kept", "description": "d"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("boards/update")
        .path("board_id", &b)
        .token(&alice.token)
        .json(json!({"name": null}))
        .send()
        .await
        .expect_error(400, 1, "'name'");
    // description is nullable: null clears it.
    let r = app
        .call("boards/update")
        .path("board_id", &b)
        .token(&alice.token)
        .json(json!({"description": null}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["name"], "kept");
    app.call("pins/create")
        .token(&alice.token)
        .json(
            json!({"board_id": null, "media_source": crate::fixtures::png_source(4, 4, [0, 0, 0])}),
        )
        .send()
        .await
        .expect_error(400, 1, "'board_id'");
}

#[tokio::test]
async fn an_unknown_ad_account_is_not_found_for_every_operation() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.call("boards/list")
        .query("ad_account_id", "549755885175")
        .token(&alice.token)
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found.");
    app.call("boards/create")
        .query("ad_account_id", "12345678901234567890")
        .token(&alice.token)
        .json(json!({"name": "never made"}))
        .send()
        .await
        .expect(404);
    let list = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(list.items().is_empty(), "the refused create wrote nothing");
}

#[tokio::test]
async fn array_bodies_and_empty_enum_values_are_refused() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "b"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("boards/update")
        .path("board_id", &b)
        .token(&alice.token)
        .raw_body(b"[]", Some("application/json"))
        .send()
        .await
        .expect_error(400, 1, "JSON object");
    app.call("pins/list")
        .query("creative_types", "")
        .token(&alice.token)
        .send()
        .await
        .expect_error(400, 1, "'creative_types'");
}

#[tokio::test]
async fn an_enum_field_of_the_wrong_type_names_the_values_and_the_type_sent() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    for (privacy, sent) in [
        (json!(7), "not a number"),
        (json!(true), "not a boolean"),
        (json!(["PUBLIC"]), "not an array"),
        (json!(null), "not null"),
    ] {
        app.call("boards/create")
            .token(&alice.token)
            .json(json!({"name": "x", "privacy": privacy}))
            .send()
            .await
            .expect_error(
                400,
                1,
                &format!("'privacy' must be one of PUBLIC, PROTECTED, SECRET, {sent}"),
            );
    }
    let b = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "b"}))
        .send()
        .await
        .expect(201)
        .id();
    // An update may not make a board PROTECTED, so its list is shorter.
    app.call("boards/update")
        .path("board_id", &b)
        .token(&alice.token)
        .json(json!({"privacy": 7}))
        .send()
        .await
        .expect_error(
            400,
            1,
            "'privacy' must be one of PUBLIC, SECRET, not a number",
        );
    let list = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(list.items().len(), 1, "only the valid board was made");
    assert_eq!(list.items()[0]["privacy"], "PUBLIC");
}
