//! Tests of the OpenAPI response validator, `pinbox_testkit::openapi` (testkit/src/openapi.rs):
//! every schema check in the suites is only as good as its ability to reject.

use pinbox_testkit::openapi;

use openapi::Spec;
use serde_json::{Value, json};

fn board() -> Value {
    json!({
        "id": "549755885175",
        "name": "x",
        "privacy": "PUBLIC",
        "owner": {"username": "a"},
        "created_at": "2024-01-01T20:10:40Z",
        "media": {"image_cover_url": null, "pin_thumbnail_urls": []}
    })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

/// The errors of a value that must fail, so that tests can also check what they say.
fn rejection(result: Result<(), Vec<String>>) -> Vec<String> {
    match result {
        Ok(()) => panic!("the value was accepted but should have been rejected"),
        Err(errors) => errors,
    }
}

fn mentions(errors: &[String], needle: &str) -> bool {
    errors.iter().any(|e| e.contains(needle))
}

/// A small document for checking validator semantics that Pinterest's spec does not exercise.
fn made_up(schemas: Value) -> Spec {
    Spec::from_document(json!({
        "openapi": "3.0.3",
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "things/get",
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                        "4XX": {"description": "client error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                        "204": {"description": "nothing"}
                    }
                }
            }
        },
        "components": {"schemas": schemas}
    }))
}

fn thing_and_problem() -> Spec {
    made_up(json!({
        "Thing": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        "Problem": {"type": "object", "properties": {"code": {"type": "integer"}}, "required": ["code"]}
    }))
}

// ---- against Pinterest's spec -------------------------------------------------------------

#[test]
fn a_valid_board_conforms_to_boards_get() {
    let Some(spec) = Spec::get() else { return };
    spec.validate_response("boards/get", 200, &board()).unwrap();
}

#[test]
fn a_board_with_a_numeric_id_is_rejected_at_its_path() {
    let Some(spec) = Spec::get() else { return };
    let errors =
        rejection(spec.validate_response("boards/get", 200, &with(board(), "id", json!(5))));
    assert!(
        mentions(&errors, "$.id: expected string, got number 5"),
        "{errors:?}"
    );
}

#[test]
fn a_board_id_that_is_not_digits_breaks_the_pattern() {
    let Some(spec) = Spec::get() else { return };
    let errors =
        rejection(spec.validate_response("boards/get", 200, &with(board(), "id", json!("12a"))));
    assert!(mentions(&errors, "$.id:"), "{errors:?}");
}

#[test]
fn an_unknown_board_privacy_is_rejected() {
    let Some(spec) = Spec::get() else { return };
    let errors = rejection(spec.validate_response(
        "boards/get",
        200,
        &with(board(), "privacy", json!("NOPE")),
    ));
    assert!(
        mentions(&errors, "$.privacy: \"NOPE\" is not one of"),
        "{errors:?}"
    );
}

#[test]
fn a_board_without_a_name_is_rejected() {
    let Some(spec) = Spec::get() else { return };
    let errors = rejection(spec.validate_response("boards/get", 200, &without(board(), "name")));
    assert!(
        mentions(&errors, "$: missing required property 'name'"),
        "{errors:?}"
    );
}

#[test]
fn a_board_created_yesterday_has_no_date_time() {
    let Some(spec) = Spec::get() else { return };
    for bad in ["yesterday", "2024-01-01T20:10:40", "2024-02-30T20:10:40Z"] {
        let errors = rejection(spec.validate_response(
            "boards/get",
            200,
            &with(board(), "created_at", json!(bad)),
        ));
        assert!(mentions(&errors, "$.created_at:"), "{bad}: {errors:?}");
    }
}

#[test]
fn an_empty_board_list_with_a_null_bookmark_conforms() {
    let Some(spec) = Spec::get() else { return };
    spec.validate_response("boards/list", 200, &json!({"items": [], "bookmark": null}))
        .unwrap();
    spec.validate_response(
        "boards/list",
        200,
        &json!({"items": [board()], "bookmark": "b"}),
    )
    .unwrap();
}

#[test]
fn a_board_list_without_items_is_rejected() {
    let Some(spec) = Spec::get() else { return };
    let errors = rejection(spec.validate_response("boards/list", 200, &json!({"bookmark": null})));
    assert!(
        mentions(&errors, "missing required property 'items'"),
        "{errors:?}"
    );
}

#[test]
fn an_error_deep_in_a_list_names_the_item_and_field() {
    let Some(spec) = Spec::get() else { return };
    let bad = with(board(), "owner", json!({"username": null}));
    let errors = rejection(spec.validate_response(
        "boards/list",
        200,
        &json!({"items": [board(), board(), board(), bad], "bookmark": null}),
    ));
    assert_eq!(
        errors,
        ["$.items[3].owner.username: expected string, got null"]
    );
}

#[test]
fn a_not_found_error_body_conforms_to_boards_get_404() {
    let Some(spec) = Spec::get() else { return };
    let body = json!({"code": 40, "message": "Board not found."});
    spec.validate_response("boards/get", 404, &body).unwrap();
    assert!(
        spec.validate_response("boards/get", 404, &json!({"code": "40", "message": "x"}))
            .is_err()
    );
    assert!(
        spec.validate_response("boards/get", 404, &json!({"message": "x"}))
            .is_err()
    );
}

#[test]
fn an_unknown_operation_is_rejected() {
    // Every operation in Pinterest's spec documents `default`, so only a made-up id (or a
    // made-up document, below) can have an undocumented status.
    let Some(spec) = Spec::get() else { return };
    let errors = rejection(spec.validate_response(
        "boards/make_coffee",
        418,
        &json!({"code": 1, "message": "x"}),
    ));
    assert!(
        mentions(&errors, "'boards/make_coffee' is not in the spec"),
        "{errors:?}"
    );
}

#[test]
fn a_body_for_a_documented_bodiless_response_is_rejected() {
    let Some(spec) = Spec::get() else { return };
    spec.validate_response("boards/delete", 204, &Value::Null)
        .unwrap();
    let errors = rejection(spec.validate_response("boards/delete", 204, &json!({"code": 1})));
    assert!(mentions(&errors, "without a JSON body"), "{errors:?}");
}

#[test]
fn a_null_description_is_allowed_but_a_null_name_is_not() {
    let Some(spec) = Spec::get() else { return };
    spec.validate_response(
        "boards/get",
        200,
        &with(board(), "description", Value::Null),
    )
    .unwrap();
    let errors =
        rejection(spec.validate_response("boards/get", 200, &with(board(), "name", Value::Null)));
    assert_eq!(errors, ["$.name: expected string, got null"]);
}

#[test]
fn null_through_an_allof_wrapper_follows_the_declared_nullable() {
    let Some(spec) = Spec::get() else { return };
    // Pin.creative_type is {"allOf": [CreativeType], "nullable": true}.
    spec.validate_schema("Pin", &json!({"id": "1", "creative_type": null}))
        .unwrap();
    // Pin.board_owner is {"allOf": [BoardOwner]}, where neither says nullable.
    let errors = rejection(spec.validate_schema("Pin", &json!({"id": "1", "board_owner": null})));
    assert_eq!(errors, ["$.board_owner: expected object, got null"]);
    // Board.media wraps BoardMedia, an object schema without `type`: still not nullable.
    assert!(
        spec.validate_response("boards/get", 200, &with(board(), "media", Value::Null))
            .is_err()
    );
}

#[test]
fn pin_media_is_checked_against_the_member_its_media_type_names() {
    let Some(spec) = Spec::get() else { return };
    let image = json!({
        "media_type": "image",
        "images": {"150x150": {"width": 150, "height": 150, "url": "https://i.pinimg.com/a.jpg"}}
    });
    spec.validate_schema("PinMedia", &image).unwrap();
    let carousel =
        json!({"media_type": "multiple_images", "items": [{"images": {}, "item_type": "image"}]});
    spec.validate_schema("PinMedia", &carousel).unwrap();

    let mut wide = image.clone();
    wide["images"]["150x150"]["width"] = json!("wide");
    let errors = rejection(spec.validate_schema("PinMedia", &wide));
    assert_eq!(
        errors,
        ["$.images[\"150x150\"].width: expected integer, got string \"wide\""]
    );
}

#[test]
fn pin_media_without_a_known_media_type_is_rejected() {
    let Some(spec) = Spec::get() else { return };
    let errors = rejection(spec.validate_schema("PinMedia", &json!({"media_type": "hologram"})));
    assert!(
        mentions(&errors, "\"hologram\" names no alternative"),
        "{errors:?}"
    );
    let errors = rejection(spec.validate_schema("PinMedia", &json!({"images": {}})));
    assert!(
        mentions(&errors, "missing discriminator property 'media_type'"),
        "{errors:?}"
    );
}

#[test]
fn a_media_source_follows_the_discriminator_mapping_to_its_required_fields() {
    let Some(spec) = Spec::get() else { return };
    // "image_url" maps to PinMediaSourceImageURL, a name no member's $ref ends with.
    spec.validate_schema(
        "PinMediaSource",
        &json!({"source_type": "image_url", "url": "https://example.com/a.jpg"}),
    )
    .unwrap();
    let errors =
        rejection(spec.validate_schema("PinMediaSource", &json!({"source_type": "image_url"})));
    assert!(
        mentions(&errors, "missing required property 'url'"),
        "{errors:?}"
    );
}

#[test]
fn operations_include_boards_create_with_its_security_category_and_sandbox() {
    let Some(spec) = Spec::get() else { return };
    let ops = spec.operations();
    assert!(ops.len() > 200, "only {} operations", ops.len());
    let create = spec.operation("boards/create").unwrap();
    assert!(ops.contains(&create));
    assert_eq!(create.method, "post");
    assert_eq!(create.path, "/boards");
    assert!(create.security.contains(&(
        "pinterest_oauth2".to_string(),
        vec!["boards:read".to_string(), "boards:write".to_string()]
    )));
    assert_eq!(create.ratelimit_category.as_deref(), Some("org_write"));
    assert_eq!(create.sandbox.as_deref(), Some("enabled"));
    assert_eq!(
        spec.operation("boards/get").unwrap().path,
        "/boards/{board_id}"
    );
    assert!(spec.operation("boards/make_coffee").is_none());
}

#[test]
fn operation_ids_are_unique_and_methods_lowercase() {
    let Some(spec) = Spec::get() else { return };
    let ops = spec.operations();
    let mut ids: Vec<&str> = ops.iter().map(|o| o.operation_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ops.len());
    assert!(
        ops.iter()
            .all(|o| o.method.chars().all(|c| c.is_ascii_lowercase()))
    );
    assert!(
        ops.iter()
            .all(|o| o.path.starts_with('/') && !o.path.starts_with("/v5"))
    );
}

#[test]
fn the_pins_read_scope_is_described() {
    let Some(spec) = Spec::get() else { return };
    let scopes = spec.oauth_scopes();
    assert!(scopes.contains(&("pins:read".to_string(), "See your public Pins".to_string())));
    assert!(scopes.iter().any(|(s, _)| s == "boards:write_secret"));
}

#[test]
fn every_documented_response_schema_resolves() {
    let Some(spec) = Spec::get() else { return };
    // Checking `{}` against every documented response walks each top-level schema once; any
    // dangling $ref or schema cycle would show up as a spec error.
    for op in spec.operations() {
        for status in [200, 201, 204, 400, 404, 500] {
            if let Err(errors) = spec.validate_response(&op.operation_id, status, &json!({})) {
                assert!(
                    !mentions(&errors, "spec error") && !mentions(&errors, "schema cycle"),
                    "{} {status}: {errors:?}",
                    op.operation_id
                );
            }
        }
    }
}

/// Every schema node in `node` that carries an `example`, with that example.
fn examples<'a>(node: &'a Value, at: String, out: &mut Vec<(String, &'a Value, &'a Value)>) {
    match node {
        Value::Object(map) => {
            let is_schema = ["type", "$ref", "allOf", "oneOf", "anyOf"]
                .iter()
                .any(|k| map.contains_key(*k));
            if let Some(example) = map.get("example")
                && is_schema
            {
                out.push((at.clone(), node, example));
            }
            for (key, child) in map {
                if key != "example" && key != "examples" {
                    examples(child, format!("{at}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                examples(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_specs_own_examples_conform_apart_from_zoneless_times() {
    let Some(spec) = Spec::get() else { return };
    let mut found = Vec::new();
    examples(spec.document(), String::new(), &mut found);
    assert!(found.len() > 1000, "only {} examples", found.len());
    // Pinterest's examples are the closest thing to real answers, so a validator that rejects
    // them is too strict. The known exception: catalogs item-batch times such as
    // "2024-01-01T20:10:40" lack the zone RFC 3339 requires.
    let mut rejected = Vec::new();
    for (at, schema, example) in found {
        if let Err(errors) = spec.validate_value(schema, example)
            && !errors
                .iter()
                .all(|e| e.contains("is not an RFC 3339 date-time"))
        {
            rejected.push(format!("{at}: {errors:?}"));
        }
    }
    assert!(rejected.is_empty(), "{rejected:#?}");
}

#[test]
fn assert_conforms_panics_with_the_path_and_the_body() {
    if Spec::get().is_none() {
        return;
    }
    openapi::assert_conforms("boards/get", 200, &board());
    let bad = with(board(), "privacy", json!("NOPE"));
    let panic = std::panic::catch_unwind(|| openapi::assert_conforms("boards/get", 200, &bad))
        .expect_err("a bad board must panic");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("$.privacy"), "{message}");
    assert!(message.contains("\"privacy\": \"NOPE\""), "{message}");
}

// ---- against made-up documents ------------------------------------------------------------

#[test]
fn an_undocumented_status_is_rejected_when_there_is_no_default() {
    let spec = thing_and_problem();
    let errors = rejection(spec.validate_response("things/get", 500, &json!({"code": 1})));
    assert!(
        mentions(&errors, "does not document status 500"),
        "{errors:?}"
    );
}

#[test]
fn a_status_documented_by_a_range_key_uses_that_schema() {
    let spec = thing_and_problem();
    spec.validate_response("things/get", 200, &json!({"id": "1"}))
        .unwrap();
    spec.validate_response("things/get", 404, &json!({"code": 1}))
        .unwrap();
    assert!(
        spec.validate_response("things/get", 404, &json!({"id": "1"}))
            .is_err()
    );
    assert!(
        spec.validate_response("things/get", 204, &json!({"id": "1"}))
            .is_err()
    );
}

#[test]
fn refs_with_escaped_pointer_segments_resolve() {
    let spec = made_up(json!({
        "Thing": {"$ref": "#/components/schemas/a~1b"},
        "a/b": {"$ref": "#/components/schemas/c~0d"},
        "c~d": {"type": "integer"},
        "Problem": {}
    }));
    spec.validate_schema("Thing", &json!(3)).unwrap();
    assert!(spec.validate_schema("Thing", &json!("3")).is_err());
    let dangling = made_up(json!({"Thing": {"$ref": "#/components/schemas/Nowhere"}}));
    let errors = rejection(dangling.validate_schema("Thing", &json!(3)));
    assert!(mentions(&errors, "cannot resolve $ref"), "{errors:?}");
}

#[test]
fn a_ref_with_a_nullable_sibling_admits_null() {
    let spec = made_up(json!({
        "Thing": {"type": "object", "properties": {
            "loose": {"$ref": "#/components/schemas/Inner", "nullable": true},
            "strict": {"$ref": "#/components/schemas/Inner"},
            "wrapped": {"allOf": [{"$ref": "#/components/schemas/NullableInner"}]},
            "either": {"oneOf": [{"type": "string", "nullable": true}, {"type": "integer"}]}
        }},
        "Inner": {"type": "object"},
        "NullableInner": {"type": "object", "nullable": true}
    }));
    spec.validate_schema(
        "Thing",
        &json!({"loose": null, "wrapped": null, "either": null}),
    )
    .unwrap();
    let errors = rejection(spec.validate_schema("Thing", &json!({"strict": null})));
    assert_eq!(errors, ["$.strict: expected object, got null"]);
}

#[test]
fn oneof_without_a_discriminator_needs_exactly_one_match() {
    let spec = made_up(json!({
        "Thing": {"oneOf": [{"type": "number"}, {"type": "integer"}]}
    }));
    spec.validate_schema("Thing", &json!(5.5)).unwrap();
    let errors = rejection(spec.validate_schema("Thing", &json!(5)));
    assert!(
        mentions(&errors, "matches 2 oneOf alternatives"),
        "{errors:?}"
    );
    let errors = rejection(spec.validate_schema("Thing", &json!("5")));
    assert!(
        mentions(&errors, "matches none of the 2 oneOf alternatives"),
        "{errors:?}"
    );
}

#[test]
fn anyof_reports_the_closest_alternative() {
    let spec = made_up(json!({
        "Thing": {"anyOf": [
            {"type": "string"},
            {"type": "object", "properties": {"n": {"type": "integer"}, "m": {"type": "integer"}}}
        ]}
    }));
    spec.validate_schema("Thing", &json!("s")).unwrap();
    spec.validate_schema("Thing", &json!({"n": 1})).unwrap();
    let errors = rejection(spec.validate_schema("Thing", &json!({"n": "one"})));
    assert!(mentions(&errors, "$.n: expected integer"), "{errors:?}");
    assert!(!mentions(&errors, "expected string"), "{errors:?}");
}

#[test]
fn allof_members_must_all_pass_and_additional_properties_false_is_local() {
    let spec = made_up(json!({
        "Thing": {"allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]}
        ]},
        "Closed": {"type": "object", "properties": {"a": {}}, "additionalProperties": false},
        "Counts": {"type": "object", "additionalProperties": {"type": "integer"}}
    }));
    spec.validate_schema("Thing", &json!({"a": "x", "b": 1, "extra": true}))
        .unwrap();
    assert!(spec.validate_schema("Thing", &json!({"a": "x"})).is_err());
    spec.validate_schema("Closed", &json!({"a": 1})).unwrap();
    let errors = rejection(spec.validate_schema("Closed", &json!({"a": 1, "z": 2})));
    assert_eq!(
        errors,
        ["$.z: is not a declared property (additionalProperties: false)"]
    );
    spec.validate_schema("Counts", &json!({"x": 1})).unwrap();
    assert!(spec.validate_schema("Counts", &json!({"x": "1"})).is_err());
}

#[test]
fn patterns_are_unanchored_searches_with_lookaround() {
    let spec = made_up(json!({
        "Digits": {"type": "string", "pattern": "\\d+"},
        "Whole": {"type": "string", "pattern": "^\\d+$"},
        // Pinterest's username pattern needs fancy-regex for its look-ahead.
        "Username": {"type": "string", "pattern": "(?!^\\d+$)^.+$"},
        "Broken": {"type": "string", "pattern": "(unclosed"}
    }));
    spec.validate_schema("Digits", &json!("ab12")).unwrap();
    assert!(spec.validate_schema("Digits", &json!("abc")).is_err());
    assert!(spec.validate_schema("Whole", &json!("12a")).is_err());
    spec.validate_schema("Username", &json!("ann42")).unwrap();
    assert!(spec.validate_schema("Username", &json!("42")).is_err());
    spec.validate_schema("Broken", &json!("anything")).unwrap();
}

#[test]
fn date_time_and_date_formats_follow_rfc_3339() {
    let spec = made_up(json!({
        "Stamp": {"type": "string", "format": "date-time"},
        "Day": {"type": "string", "format": "date"}
    }));
    for good in [
        "2024-01-01T20:10:40Z",
        "2024-01-01t20:10:40z",
        "2024-02-29T23:59:60.123456+05:30",
        "2024-01-01T00:00:00-00:00",
    ] {
        spec.validate_schema("Stamp", &json!(good)).unwrap();
    }
    for bad in [
        "yesterday",
        "2024-01-01T20:10:40",
        "2024-01-01 20:10:40Z",
        "2023-02-29T20:10:40Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T20:10:40.Z",
        "2024-01-01T20:10:40+0530",
        "2024-01-éé1T20:10:40Z",
    ] {
        assert!(spec.validate_schema("Stamp", &json!(bad)).is_err(), "{bad}");
    }
    spec.validate_schema("Day", &json!("2024-12-31")).unwrap();
    for bad in [
        "2024-13-01",
        "2024-04-31",
        "24-01-01",
        "2024-01-01T00:00:00Z",
    ] {
        assert!(spec.validate_schema("Day", &json!(bad)).is_err(), "{bad}");
    }
}

#[test]
fn lengths_count_characters_and_numbers_respect_their_bounds() {
    let spec = made_up(json!({
        "Short": {"type": "string", "minLength": 2, "maxLength": 3},
        "Positive": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10},
        "Tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2, "uniqueItems": true},
        "Level": {"type": "string", "enum": ["LOW", "HIGH"]}
    }));
    spec.validate_schema("Short", &json!("héé")).unwrap();
    assert!(spec.validate_schema("Short", &json!("h")).is_err());
    assert!(spec.validate_schema("Short", &json!("héééé")).is_err());
    spec.validate_schema("Positive", &json!(10)).unwrap();
    spec.validate_schema("Positive", &json!(2.0)).unwrap();
    assert!(spec.validate_schema("Positive", &json!(0)).is_err());
    assert!(spec.validate_schema("Positive", &json!(11)).is_err());
    assert!(spec.validate_schema("Positive", &json!(1.5)).is_err());
    spec.validate_schema("Tags", &json!(["a", "b"])).unwrap();
    assert!(spec.validate_schema("Tags", &json!([])).is_err());
    assert!(spec.validate_schema("Tags", &json!(["a", "a"])).is_err());
    assert!(
        spec.validate_schema("Tags", &json!(["a", "b", "c"]))
            .is_err()
    );
    assert!(spec.validate_schema("Level", &json!("MID")).is_err());
    assert!(spec.validate_schema("Level", &Value::Null).is_err());
}

#[test]
fn a_recursive_schema_is_checked_as_deep_as_the_data() {
    let spec = made_up(json!({
        "Node": {"type": "object", "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        }},
        "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}]}
    }));
    let mut deep = json!({"name": "leaf"});
    for _ in 0..100 {
        deep = json!({"name": "n", "children": [deep]});
    }
    spec.validate_schema("Node", &deep).unwrap();
    let bad = json!({"children": [{"children": [{"name": 7}]}]});
    let errors = rejection(spec.validate_schema("Node", &bad));
    assert_eq!(
        errors,
        ["$.children[0].children[0].name: expected string, got number 7"]
    );
    // A schema that refers to itself without consuming data must end with an error, not a
    // stack overflow.
    assert!(spec.validate_schema("Loop", &json!({})).is_err());
}

#[test]
fn an_unknown_component_schema_is_an_error() {
    let spec = thing_and_problem();
    let errors = rejection(spec.validate_schema("Nope", &json!({})));
    assert!(
        mentions(&errors, "no component schema 'Nope'"),
        "{errors:?}"
    );
}
