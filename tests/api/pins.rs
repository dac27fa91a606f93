//! Pins: every media source, read, update, move, delete, save, the lists and their filters,
//! counters, secret visibility and the ad-only board.

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::Limits;
use pinbox::domain::ids::PinId;
use serde_json::{Value, json};

use crate::fixtures::{b64, png, png_source};
use crate::support::{TestApp, TestUser};

pub async fn board(app: &TestApp, user: &TestUser, name: &str, privacy: &str) -> String {
    app.call("boards/create")
        .token(&user.token)
        .json(json!({"name": name, "privacy": privacy}))
        .send()
        .await
        .expect(201)
        .id()
}

pub async fn pin(app: &TestApp, user: &TestUser, board: &str, title: &str) -> Value {
    app.call("pins/create")
        .token(&user.token)
        .json(json!({"board_id": board, "title": title, "media_source": png_source(20, 10, [200, 10, 10])}))
        .send()
        .await
        .expect(201)
        .json
}

async fn board_json(app: &TestApp, user: &TestUser, id: &str) -> Value {
    app.call("boards/get")
        .path("board_id", id)
        .token(&user.token)
        .send()
        .await
        .expect(200)
        .json
}

#[tokio::test]
async fn a_pin_from_a_base64_image_has_every_field_filled_truthfully() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "Recipes", "PUBLIC").await;
    let r = app
        .call("pins/create")
        .token(&alice.token)
        .json(json!({
            "board_id": b,
            "title": "Tree",
            "description": "Tree photo",
            "link": "https://example.com/tree",
            "alt_text": "A green tree",
            "media_source": png_source(402, 536, [20, 160, 40]),
        }))
        .send()
        .await
        .expect(201);
    let p = &r.json;
    assert!(p["id"].as_str().unwrap().len() >= 18);
    assert_eq!(p["board_id"], b.as_str());
    assert_eq!(p["board_section_id"], Value::Null);
    assert_eq!(p["board_owner"]["username"], "alice");
    assert_eq!(p["title"], "Tree");
    assert_eq!(p["description"], "Tree photo");
    assert_eq!(p["link"], "https://example.com/tree");
    assert_eq!(p["alt_text"], "A green tree");
    assert_eq!(p["dominant_color"], "#14A028");
    assert_eq!(p["creative_type"], "REGULAR");
    assert_eq!(p["is_owner"], true);
    assert_eq!(p["is_standard"], true);
    assert_eq!(p["has_been_promoted"], false);
    assert_eq!(p["parent_pin_id"], Value::Null);
    assert_eq!(p["pin_metrics"], Value::Null);
    assert_eq!(p["created_at"], "2026-11-01T00:00:00Z");
    assert_eq!(p["media"]["media_type"], "image");
    let images = &p["media"]["images"];
    for (name, w, h) in [
        ("150x150", 150, 150),
        ("400x300", 400, 300),
        ("600x", 402, 536),
        ("1200x", 402, 536),
    ] {
        assert_eq!(images[name]["width"], w, "{name}");
        assert_eq!(images[name]["height"], h, "{name}");
        assert!(
            images[name]["url"].as_str().unwrap().starts_with(&app.base),
            "{name}"
        );
    }
    let got = app
        .call("pins/get")
        .path("pin_id", r.id())
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(got.json, r.json);
    let b = board_json(&app, &alice, &b).await;
    assert_eq!(b["pin_count"], 1);
    assert_eq!(b["media"]["image_cover_url"], images["400x300"]["url"]);
    assert_eq!(
        b["media"]["pin_thumbnail_urls"],
        json!([images["150x150"]["url"]])
    );
}

#[tokio::test]
async fn jpeg_gif_and_webp_images_are_accepted_too() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    for (format, mime) in [
        (image::ImageFormat::Jpeg, "image/jpeg"),
        (image::ImageFormat::Gif, "image/gif"),
        (image::ImageFormat::WebP, "image/webp"),
    ] {
        let bytes = crate::fixtures::image_bytes(64, 48, format, |_, _| [0, 0, 255]);
        let r = app
            .call("pins/create")
            .token(&alice.token)
            .json(json!({"board_id": b, "media_source": {"source_type": "image_base64", "content_type": mime, "data": b64(&bytes)}}))
            .send()
            .await
            .expect(201);
        assert_eq!(r.json["media"]["images"]["600x"]["width"], 64, "{mime}");
        assert_eq!(r.json["media"]["images"]["600x"]["height"], 48, "{mime}");
    }
}

#[tokio::test]
async fn bad_images_are_refused_by_name_and_write_nothing() {
    let app = TestApp::start_with_media(
        Limits::default(),
        Default::default(),
        pinbox::media::images::ImageLimits {
            max_bytes: 4000,
            ..Default::default()
        },
    )
    .await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let good = png(8, 8, [1, 2, 3]);
    let mut truncated = good.clone();
    truncated.truncate(good.len() / 2);
    let big = crate::fixtures::image_bytes(200, 200, image::ImageFormat::Png, |x, y| {
        [
            (x * 7 % 256) as u8,
            (y * 13 % 256) as u8,
            ((x ^ y) % 256) as u8,
        ]
    });
    assert!(big.len() > 4000);
    let cases = [
        (
            json!({"source_type": "image_base64", "content_type": "image/png", "data": b64(b"plain text, not an image")}),
            "not an image",
        ),
        (
            json!({"source_type": "image_base64", "content_type": "image/png", "data": b64(&truncated)}),
            "corrupt",
        ),
        (
            json!({"source_type": "image_base64", "content_type": "image/png", "data": "%%%not base64%%%"}),
            "base64",
        ),
        (
            json!({"source_type": "image_base64", "content_type": "image/png", "data": b64(&big)}),
            "limit",
        ),
        (
            json!({"source_type": "image_base64", "content_type": "text/plain", "data": b64(&good)}),
            "content_type",
        ),
        (
            json!({"source_type": "image_base64", "data": b64(&good)}),
            "content_type",
        ),
        (json!({"source_type": "image_url"}), "url"),
        (
            json!({"source_type": "image_url", "url": "ftp://example.com/x.png"}),
            "URL",
        ),
        (json!({"source_type": "hologram"}), "source_type"),
        (
            json!({"source_type": "video_id", "media_id": "123"}),
            "video",
        ),
        (
            json!({"source_type": "multiple_image_base64", "items": [{"content_type": "image/png", "data": b64(&good)}]}),
            "2 to 5",
        ),
    ];
    for (source, part) in cases {
        let r = app
            .call("pins/create")
            .token(&alice.token)
            .json(json!({"board_id": b, "media_source": source}))
            .send()
            .await
            .expect(400);
        assert!(
            r.json["message"].as_str().unwrap().contains(part),
            "{source}: {}",
            r.text
        );
    }
    app.call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b}))
        .send()
        .await
        .expect_error(400, 1, "'media_source' is required");
    app.call("pins/create")
        .token(&alice.token)
        .json(json!({"media_source": png_source(4, 4, [0, 0, 0])}))
        .send()
        .await
        .expect_error(400, 1, "'board_id' is required");
    for (field, value, part) in [
        ("title", json!("t".repeat(101)), "'title'"),
        ("description", json!("d".repeat(801)), "'description'"),
        ("alt_text", json!("a".repeat(501)), "'alt_text'"),
        ("link", json!("javascript:alert(1)"), "invalid URL"),
        ("board_id", json!("abc"), "'board_id'"),
        ("dominant_color", json!("red"), "'dominant_color'"),
    ] {
        let mut body = json!({"board_id": b, "media_source": png_source(4, 4, [0, 0, 0])});
        body[field] = value;
        app.call("pins/create")
            .token(&alice.token)
            .json(body)
            .send()
            .await
            .expect_error(400, 1, part);
    }
    assert_eq!(board_json(&app, &alice, &b).await["pin_count"], 0);
    let mine = app
        .call("pins/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(mine.items().is_empty());
}

#[tokio::test]
async fn pins_must_go_on_the_callers_own_boards_and_sections() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let alices = board(&app, &alice, "a", "PUBLIC").await;
    let bobs = board(&app, &bob, "b", "PUBLIC").await;
    let create = |board: &str, section: Option<&str>| {
        app.call("pins/create").token(&alice.token).json(json!({
            "board_id": board, "board_section_id": section, "media_source": png_source(4, 4, [0, 0, 0])
        }))
    };
    create(&bobs, None)
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
    create("1234567890123456789", None)
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
    let bobs_section = app
        .call("board_sections/create")
        .path("board_id", &bobs)
        .token(&bob.token)
        .json(json!({"name": "s"}))
        .send()
        .await
        .expect(201)
        .id();
    create(&alices, Some(&bobs_section))
        .send()
        .await
        .expect_error(404, 2031, "couldn't find this board section");
    let section = app
        .call("board_sections/create")
        .path("board_id", &alices)
        .token(&alice.token)
        .json(json!({"name": "mine"}))
        .send()
        .await
        .expect(201)
        .id();
    let p = create(&alices, Some(&section)).send().await.expect(201);
    assert_eq!(p.json["board_section_id"], section.as_str());
    let in_section = app
        .call("board_sections/list_pins")
        .path("board_id", &alices)
        .path("section_id", &section)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(in_section.items().len(), 1);
}

#[tokio::test]
async fn updates_edit_text_and_move_pins_between_boards_and_sections() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let one = board(&app, &alice, "one", "PUBLIC").await;
    let two = board(&app, &alice, "two", "PUBLIC").await;
    let section = app
        .call("board_sections/create")
        .path("board_id", &two)
        .token(&alice.token)
        .json(json!({"name": "s"}))
        .send()
        .await
        .expect(201)
        .id();
    let p = pin(&app, &alice, &one, "before").await;
    let id = p["id"].as_str().unwrap().to_string();
    let r = app
        .call("pins/update")
        .path("pin_id", &id)
        .token(&alice.token)
        .json(json!({"title": "after", "description": "new", "link": "https://example.com/x", "alt_text": "alt"}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["title"], "after");
    assert_eq!(r.json["description"], "new");
    assert_eq!(r.json["link"], "https://example.com/x");
    assert_eq!(r.json["alt_text"], "alt");
    assert_eq!(r.json["media"], p["media"], "an edit keeps the media");
    let r = app
        .call("pins/update")
        .path("pin_id", &id)
        .token(&alice.token)
        .json(json!({"board_id": two, "board_section_id": section, "description": null}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["board_id"], two.as_str());
    assert_eq!(r.json["board_section_id"], section.as_str());
    assert_eq!(r.json["description"], Value::Null);
    assert_eq!(r.json["title"], "after");
    assert_eq!(board_json(&app, &alice, &one).await["pin_count"], 0);
    assert_eq!(board_json(&app, &alice, &two).await["pin_count"], 1);
    // A section of the wrong board is refused and nothing moves.
    let other_section = app
        .call("board_sections/create")
        .path("board_id", &one)
        .token(&alice.token)
        .json(json!({"name": "elsewhere"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("pins/update")
        .path("pin_id", &id)
        .token(&alice.token)
        .json(json!({"board_section_id": other_section}))
        .send()
        .await
        .expect_error(404, 2031, "board section");
    // Moving back to the first board leaves the section behind.
    let r = app
        .call("pins/update")
        .path("pin_id", &id)
        .token(&alice.token)
        .json(json!({"board_id": one}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["board_section_id"], Value::Null);
    assert_eq!(board_json(&app, &alice, &two).await["pin_count"], 0);
    app.call("pins/update")
        .path("pin_id", &id)
        .token(&alice.token)
        .json(json!({"title": "x".repeat(101)}))
        .send()
        .await
        .expect(400);
}

#[tokio::test]
async fn deleting_a_pin_is_final_and_updates_the_counts() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let p = pin(&app, &alice, &b, "p").await;
    let id = p["id"].as_str().unwrap();
    app.call("pins/delete")
        .path("pin_id", id)
        .token(&alice.token)
        .send()
        .await
        .expect(204);
    app.call("pins/get")
        .path("pin_id", id)
        .token(&alice.token)
        .send()
        .await
        .expect_error(404, 50, "Pin not found.");
    app.call("pins/delete")
        .path("pin_id", id)
        .token(&alice.token)
        .send()
        .await
        .expect(404);
    assert_eq!(board_json(&app, &alice, &b).await["pin_count"], 0);
    let me = app
        .call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["pin_count"], 0);
}

#[tokio::test]
async fn others_may_read_public_pins_but_never_change_them() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let id = pin(&app, &alice, &b, "p").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let seen = app
        .call("pins/get")
        .path("pin_id", &id)
        .token(&bob.token)
        .send()
        .await
        .expect(200);
    assert_eq!(seen.json["is_owner"], false);
    app.call("pins/update")
        .path("pin_id", &id)
        .token(&bob.token)
        .json(json!({"title": "mine"}))
        .send()
        .await
        .expect_error(403, 29, "not permitted");
    app.call("pins/delete")
        .path("pin_id", &id)
        .token(&bob.token)
        .send()
        .await
        .expect(403);
    let still = app
        .call("pins/get")
        .path("pin_id", &id)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(still.json["title"], "p");
}

#[tokio::test]
async fn secret_pins_stay_secret_under_every_endpoint() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let secret = board(&app, &alice, "hidden", "SECRET").await;
    let public = board(&app, &alice, "open", "PUBLIC").await;
    let id = pin(&app, &alice, &secret, "secret pin").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    pin(&app, &alice, &public, "public pin").await;
    let no_secret_pins = app
        .token(
            &alice,
            Scopes::all()
                .without(Scope::PinsReadSecret)
                .without(Scope::PinsWriteSecret),
        )
        .await;
    // Not readable, listed, counted, changeable or savable without the secret scopes.
    app.call("pins/get")
        .path("pin_id", &id)
        .token(&no_secret_pins)
        .send()
        .await
        .expect(404);
    app.call("pins/get")
        .path("pin_id", &id)
        .token(&bob.token)
        .send()
        .await
        .expect(404);
    app.call("pins/update")
        .path("pin_id", &id)
        .token(&no_secret_pins)
        .json(json!({"title": "x"}))
        .send()
        .await
        .expect(404);
    app.call("pins/delete")
        .path("pin_id", &id)
        .token(&no_secret_pins)
        .send()
        .await
        .expect(404);
    let bobs = board(&app, &bob, "bobs", "PUBLIC").await;
    app.call("pins/save")
        .path("pin_id", &id)
        .token(&bob.token)
        .json(json!({"board_id": bobs}))
        .send()
        .await
        .expect_error(404, 50, "Pin not found.");
    let list = app
        .call("pins/list")
        .token(&no_secret_pins)
        .send()
        .await
        .expect(200);
    let titles: Vec<_> = list
        .items()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["public pin"]);
    let private = app
        .call("pins/list")
        .query("pin_type", "PRIVATE")
        .token(&no_secret_pins)
        .send()
        .await
        .expect(200);
    assert!(private.items().is_empty());
    let on_board = app
        .call("boards/list_pins")
        .path("board_id", &secret)
        .token(&no_secret_pins)
        .send()
        .await
        .expect(200);
    assert!(
        on_board.items().is_empty(),
        "the board is visible, its secret Pins are not"
    );
    let me = app
        .call("user_account/get")
        .token(&no_secret_pins)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["pin_count"], 1);
    // Putting a Pin on a secret board needs pins:write_secret.
    app.call("pins/create")
        .token(&no_secret_pins)
        .json(json!({"board_id": secret, "media_source": png_source(4, 4, [0, 0, 0])}))
        .send()
        .await
        .expect(404);
    // With them, everything shows.
    let me = app
        .call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["pin_count"], 2);
    let private = app
        .call("pins/list")
        .query("pin_type", "PRIVATE")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(private.items().len(), 1);
    app.call("pins/get")
        .path("pin_id", &id)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn saving_makes_a_new_pin_with_a_parent_and_counts_a_save() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let a = board(&app, &alice, "a", "PUBLIC").await;
    let source = pin(&app, &alice, &a, "original").await;
    let source_id = source["id"].as_str().unwrap();
    let bobs = board(&app, &bob, "curated", "PUBLIC").await;
    let section = app
        .call("board_sections/create")
        .path("board_id", &bobs)
        .token(&bob.token)
        .json(json!({"name": "favourites"}))
        .send()
        .await
        .expect(201)
        .id();
    let saved = app
        .call("pins/save")
        .path("pin_id", source_id)
        .token(&bob.token)
        .json(json!({"board_id": bobs, "board_section_id": section}))
        .send()
        .await
        .expect(201);
    assert_ne!(saved.id(), source_id);
    assert_eq!(saved.json["parent_pin_id"], source_id);
    assert_eq!(saved.json["board_id"], bobs.as_str());
    assert_eq!(saved.json["board_section_id"], section.as_str());
    assert_eq!(saved.json["board_owner"]["username"], "bob");
    assert_eq!(saved.json["is_owner"], true);
    assert_eq!(saved.json["title"], "original");
    assert_eq!(saved.json["media"], source["media"]);
    let saves = app
        .store
        .engagement_total(PinId(source_id.parse().unwrap()), "SAVE")
        .await
        .unwrap();
    assert_eq!(saves, 1);
    assert_eq!(board_json(&app, &bob, &bobs).await["pin_count"], 1);
    // Saved Pins are repins: the filters tell them apart.
    app.call("pins/save")
        .path("pin_id", source_id)
        .token(&alice.token)
        .json(json!({"board_id": a}))
        .send()
        .await
        .expect(201);
    let repins = app
        .call("pins/list")
        .query("pin_filter", "exclude_native")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(repins.items().len(), 1);
    assert_eq!(repins.items()[0]["parent_pin_id"], source_id);
    let native = app
        .call("pins/list")
        .query("pin_filter", "exclude_repins")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(native.items().len(), 1);
    assert_eq!(native.items()[0]["id"], source_id);
    let promoted = app
        .call("pins/list")
        .query("pin_filter", "has_been_promoted")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(promoted.items().is_empty());
    // Errors: unknown Pin, someone else's board, no board.
    app.call("pins/save")
        .path("pin_id", "1234567890123456789")
        .token(&bob.token)
        .json(json!({"board_id": bobs}))
        .send()
        .await
        .expect_error(404, 50, "Pin not found.");
    app.call("pins/save")
        .path("pin_id", source_id)
        .token(&bob.token)
        .json(json!({"board_id": a}))
        .send()
        .await
        .expect_error(404, 40, "Board not found.");
    app.call("pins/save")
        .path("pin_id", source_id)
        .token(&bob.token)
        .json(json!({}))
        .send()
        .await
        .expect_error(400, 1, "'board_id'");
}

#[tokio::test]
async fn carousel_pins_hold_two_to_five_images_and_their_slots_can_be_edited() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let item = |rgb: [u8; 3], title: &str| json!({"content_type": "image/png", "data": b64(&png(30, 20, rgb)), "title": title, "link": "https://example.com/item"});
    let r = app
        .call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "media_source": {"source_type": "multiple_image_base64", "items": [item([255, 0, 0], "red"), item([0, 0, 255], "blue")], "index": 1}}))
        .send()
        .await
        .expect(201);
    assert_eq!(r.json["creative_type"], "CAROUSEL");
    assert_eq!(r.json["media"]["media_type"], "multiple_images");
    let items = r.json["media"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["title"], "red");
    assert_eq!(items[1]["images"]["150x150"]["width"], 150);
    assert_eq!(
        r.json["dominant_color"], "#0000FF",
        "the colour of the image shown first"
    );
    let six: Vec<_> = (0..6).map(|i| item([i * 40, 0, 0], "x")).collect();
    app.call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "media_source": {"source_type": "multiple_image_base64", "items": six}}))
        .send()
        .await
        .expect_error(400, 1, "2 to 5");
    let edited = app
        .call("pins/update")
        .path("pin_id", r.id())
        .token(&alice.token)
        .json(json!({"carousel_slots": [{"title": "crimson"}, {"description": "deep blue"}]}))
        .send()
        .await
        .expect(200);
    let items = edited.json["media"]["items"].as_array().unwrap();
    assert_eq!(items[0]["title"], "crimson");
    assert_eq!(items[1]["title"], "blue");
    assert_eq!(items[1]["description"], "deep blue");
    app.call("pins/update")
        .path("pin_id", r.id())
        .token(&alice.token)
        .json(json!({"carousel_slots": [{}, {}, {}]}))
        .send()
        .await
        .expect_error(400, 1, "carousel_slots");
    // Slots mean nothing on a single-image Pin: they are ignored there.
    let plain = pin(&app, &alice, &b, "plain").await;
    let same = app
        .call("pins/update")
        .path("pin_id", plain["id"].as_str().unwrap())
        .token(&alice.token)
        .json(json!({"carousel_slots": [{"title": "x"}]}))
        .send()
        .await
        .expect(200);
    assert_eq!(same.json["media"], plain["media"]);
    assert_eq!(same.json["title"], "plain");
    let carousels = app
        .call("pins/list")
        .query("creative_types", "CAROUSEL")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(carousels.items().len(), 1);
    let videos = app
        .call("pins/list")
        .query("creative_types", "VIDEO,IDEA")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(videos.items().is_empty());
    app.call("pins/list")
        .query("creative_types", "NOPE")
        .token(&alice.token)
        .send()
        .await
        .expect_error(400, 1, "'creative_types'");
}

#[tokio::test]
async fn a_pin_url_source_copies_another_pins_media() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let source = pin(&app, &alice, &b, "source").await;
    let id = source["id"].as_str().unwrap();
    let r = app
        .call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "link": format!("https://www.pinterest.com/pin/{id}/"), "media_source": {"source_type": "pin_url"}}))
        .send()
        .await
        .expect(201);
    assert_eq!(r.json["media"], source["media"]);
    assert_eq!(r.json["dominant_color"], source["dominant_color"]);
    app.call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "link": "https://example.com/not-a-pin", "media_source": {"source_type": "pin_url"}}))
        .send()
        .await
        .expect_error(400, 1, "pin_url");
}

#[tokio::test]
async fn ad_only_pins_go_on_a_protected_board_and_stay_off_the_profile() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let normal = board(&app, &alice, "b", "PUBLIC").await;
    pin(&app, &alice, &normal, "organic").await;
    let mut ad_board = None;
    for title in ["ad one", "ad two"] {
        let r = app
            .call("pins/create")
            .token(&alice.token)
            .json(json!({"title": title, "is_removable": true, "media_source": png_source(8, 8, [9, 9, 9])}))
            .send()
            .await
            .expect(201);
        assert_eq!(r.json["is_removable"], true);
        let board_id = r.json["board_id"].as_str().unwrap().to_string();
        if let Some(prev) = &ad_board {
            assert_eq!(prev, &board_id, "one ad-only board, made on first use");
        }
        ad_board = Some(board_id);
    }
    let b = board_json(&app, &alice, ad_board.as_ref().unwrap()).await;
    assert_eq!(b["name"], "Ad-only Pins");
    assert_eq!(b["privacy"], "PROTECTED");
    assert_eq!(b["is_ads_only"], true);
    assert_eq!(b["pin_count"], 2);
    let profile = app
        .call("pins/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(profile.items().len(), 1);
    let with_protected = app
        .call("pins/list")
        .query("include_protected_pins", "true")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(with_protected.items().len(), 3);
}

#[tokio::test]
async fn the_pin_limit_refuses_the_next_create_or_save() {
    let app = TestApp::start_with(Limits {
        max_pins_per_user: 2,
        ..Limits::default()
    })
    .await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let first = pin(&app, &alice, &b, "1").await;
    pin(&app, &alice, &b, "2").await;
    app.call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "media_source": png_source(4, 4, [0, 0, 0])}))
        .send()
        .await
        .expect_error(403, 2015, "limit of 2 Pins");
    app.call("pins/save")
        .path("pin_id", first["id"].as_str().unwrap())
        .token(&alice.token)
        .json(json!({"board_id": b}))
        .send()
        .await
        .expect(403);
    assert_eq!(board_json(&app, &alice, &b).await["pin_count"], 2);
}

#[tokio::test]
async fn pin_metrics_are_returned_when_asked_for() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let id = pin(&app, &alice, &b, "p").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call("pins/get")
        .path("pin_id", &id)
        .query("pin_metrics", "true")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(r.json["pin_metrics"]["90d"].is_object());
    assert!(r.json["pin_metrics"]["lifetime_metrics"].is_object());
    let list = app
        .call("boards/list_pins")
        .path("board_id", &b)
        .query("pin_metrics", "true")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(list.items()[0]["pin_metrics"].is_object());
    let plain = app
        .call("pins/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(plain.items()[0]["pin_metrics"], Value::Null);
}

#[tokio::test]
async fn counters_stay_exact_under_concurrent_writes() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let boards = [
        board(&app, &alice, "one", "PUBLIC").await,
        board(&app, &alice, "two", "PUBLIC").await,
    ];
    let mut tasks = Vec::new();
    for i in 0..40 {
        let call = app
            .call("pins/create")
            .token(&alice.token)
            .json(json!({"board_id": boards[i % 2], "title": format!("p{i}"), "media_source": png_source(4, 4, [i as u8, 0, 0])}));
        tasks.push(tokio::spawn(call.send()));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().expect(201).id());
    }
    // Delete and move some, concurrently.
    let mut tasks = Vec::new();
    for id in ids.iter().take(10) {
        tasks.push(tokio::spawn(
            app.call("pins/delete")
                .path("pin_id", id)
                .token(&alice.token)
                .send(),
        ));
    }
    for id in ids.iter().skip(10).step_by(2).take(10) {
        tasks.push(tokio::spawn(
            app.call("pins/update")
                .path("pin_id", id)
                .token(&alice.token)
                .json(json!({"board_id": boards[0]}))
                .send(),
        ));
    }
    for t in tasks {
        assert!(t.await.unwrap().status < 300);
    }
    let mut total = 0;
    for b in &boards {
        let listed = app
            .call("boards/list_pins")
            .path("board_id", b)
            .query("page_size", 250)
            .token(&alice.token)
            .send()
            .await
            .expect(200)
            .items()
            .len() as i64;
        assert_eq!(board_json(&app, &alice, b).await["pin_count"], listed);
        total += listed;
    }
    assert_eq!(total, 30);
    let me = app
        .call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["pin_count"], 30);
}

#[tokio::test]
async fn board_pin_lists_page_with_bookmarks_newest_first() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let mut made = Vec::new();
    for i in 0..7 {
        made.push(
            pin(&app, &alice, &b, &format!("p{i}")).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    made.reverse();
    let mut seen = Vec::new();
    let mut bookmark: Option<String> = None;
    loop {
        let mut call = app
            .call("boards/list_pins")
            .path("board_id", &b)
            .query("page_size", 3)
            .token(&alice.token);
        if let Some(bm) = &bookmark {
            call = call.query("bookmark", bm);
        }
        let page = call.send().await.expect(200);
        seen.extend(
            page.items()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_string()),
        );
        match page.bookmark() {
            Some(bm) => bookmark = Some(bm),
            None => break,
        }
    }
    assert_eq!(seen, made);
    let thumbs = board_json(&app, &alice, &b).await["media"]["pin_thumbnail_urls"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        thumbs, 5,
        "a board shows its five newest Pins as thumbnails"
    );
}
