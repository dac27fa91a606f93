//! Tests of the test harness's OpenAPI validator itself, against the real spec: it must catch
//! what it claims to catch, or every schema check built on it is worthless.

#[path = "support/openapi.rs"]
mod openapi;

use openapi::Spec;
use serde_json::{Value, json};

fn board() -> Value {
    json!({
        "id": "549755885175",
        "name": "x",
        "privacy": "PUBLIC",
        "owner": {"username": "a"},
        "created_at": "2024-01-01T20:10:40Z",
        "description": null,
        "media": {"image_cover_url": null, "pin_thumbnail_urls": []}
    })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

#[test]
fn a_valid_board_passes_and_each_kind_of_flaw_fails() {
    let Some(spec) = Spec::get() else { return };
    spec.validate_response("boards/get", 200, &board()).unwrap();
    for (flaw, bad) in [
        ("a numeric id", with(board(), "id", json!(5))),
        (
            "an unknown privacy",
            with(board(), "privacy", json!("NOPE")),
        ),
        (
            "a date that is not RFC 3339",
            with(board(), "created_at", json!("yesterday")),
        ),
        (
            "a date without a zone",
            with(board(), "created_at", json!("2024-01-01T20:10:40")),
        ),
        ("a null name", with(board(), "name", Value::Null)),
        ("a null media object", with(board(), "media", Value::Null)),
        (
            "an id that is not digits",
            with(board(), "id", json!("12a")),
        ),
    ] {
        assert!(
            spec.validate_response("boards/get", 200, &bad).is_err(),
            "{flaw} should fail"
        );
    }
    let mut missing = board();
    missing.as_object_mut().unwrap().remove("name");
    let errors = spec
        .validate_response("boards/get", 200, &missing)
        .unwrap_err();
    assert!(errors.iter().any(|e| e.contains("'name'")), "{errors:?}");
}

#[test]
fn lists_need_their_items() {
    let Some(spec) = Spec::get() else { return };
    spec.validate_response("boards/list", 200, &json!({"items": [], "bookmark": null}))
        .unwrap();
    spec.validate_response(
        "boards/list",
        200,
        &json!({"items": [board()], "bookmark": "abc"}),
    )
    .unwrap();
    assert!(
        spec.validate_response("boards/list", 200, &json!({"bookmark": null}))
            .is_err()
    );
    assert!(
        spec.validate_response(
            "boards/list",
            200,
            &json!({"items": [with(board(), "id", json!(1))]})
        )
        .is_err()
    );
}

#[test]
fn error_bodies_fit_documented_statuses_only() {
    let Some(spec) = Spec::get() else { return };
    let err = json!({"code": 40, "message": "Board not found."});
    spec.validate_response("boards/get", 404, &err).unwrap();
    assert!(
        spec.validate_response("boards/get", 404, &json!({"code": "40", "message": "x"}))
            .is_err()
    );
    assert!(
        spec.validate_response("boards/get", 404, &json!({"message": "x"}))
            .is_err()
    );
    assert!(
        spec.validate_response("no/such_operation", 200, &err)
            .is_err()
    );
    // A documented answer without a body (204) accepts no JSON body.
    spec.validate_response("boards/delete", 204, &Value::Null)
        .unwrap();
    assert!(spec.validate_response("boards/delete", 204, &err).is_err());
}

#[test]
fn oneof_with_a_discriminator_picks_the_named_member() {
    let Some(spec) = Spec::get() else { return };
    let image = json!({
        "media_type": "image",
        "images": {"150x150": {"width": 150, "height": 150, "url": "http://x/a.jpg"}}
    });
    spec.validate_schema("PinMedia", &image).unwrap();
    let carousel =
        json!({"media_type": "multiple_images", "items": [{"images": {}, "item_type": "image"}]});
    spec.validate_schema("PinMedia", &carousel).unwrap();
    let wrong_member = json!({"media_type": "image", "images": {"150x150": {"width": "wide", "height": 1, "url": "u"}}});
    assert!(spec.validate_schema("PinMedia", &wrong_member).is_err());
    assert!(
        spec.validate_schema("PinMedia", &json!({"media_type": "hologram"}))
            .is_err()
    );
    assert!(
        spec.validate_schema("PinMedia", &json!({"images": {}}))
            .is_err()
    );
}

#[test]
fn nullable_fields_accept_null_and_others_do_not() {
    let Some(spec) = Spec::get() else { return };
    let pin = json!({"id": "123", "title": null, "board_section_id": null, "pin_metrics": null});
    spec.validate_schema("Pin", &pin).unwrap();
    assert!(
        spec.validate_schema("Pin", &json!({"id": "123", "is_owner": null}))
            .is_err()
    );
    assert!(spec.validate_schema("Pin", &json!({"id": null})).is_err());
}

#[test]
fn operations_carry_scopes_category_and_sandbox() {
    let Some(spec) = Spec::get() else { return };
    let ops = spec.operations();
    assert!(ops.len() > 200, "{}", ops.len());
    let create = spec.operation("boards/create").unwrap();
    assert_eq!(create.method, "post");
    assert_eq!(create.path, "/boards");
    assert!(create.security.contains(&(
        "pinterest_oauth2".to_string(),
        vec!["boards:read".to_string(), "boards:write".to_string()]
    )));
    assert_eq!(create.ratelimit_category.as_deref(), Some("org_write"));
    assert_eq!(create.sandbox.as_deref(), Some("enabled"));
    assert!(
        spec.oauth_scopes()
            .contains(&("pins:read".to_string(), "See your public Pins".to_string()))
    );
}
