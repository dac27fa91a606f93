//! Renditions served by pinbox (decoded and measured), identical images stored once, and
//! fetching from URLs under each policy with the guard against private addresses.

use image::GenericImageView;
use pinbox::domain::Limits;
use pinbox::media::fetch::{AllowRule, FetchConfig, FetchPolicy};
use serde_json::{Value, json};

use crate::fixtures::{ImageServer, png, png_source};
use crate::pins::board;
use crate::support::TestApp;

#[tokio::test]
async fn renditions_decode_to_their_advertised_sizes_with_cache_headers() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    // Left 3/4 red, right 1/4 blue: the dominant colour is red, crops keep the center.
    let bytes = crate::fixtures::image_bytes(1600, 900, image::ImageFormat::Png, |x, _| {
        if x < 1200 {
            [220, 20, 30]
        } else {
            [10, 20, 230]
        }
    });
    let r = app
        .call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "media_source": {"source_type": "image_base64", "content_type": "image/png", "data": crate::fixtures::b64(&bytes)}}))
        .send()
        .await
        .expect(201);
    assert_eq!(r.json["dominant_color"], "#DC141E");
    for (name, w, h) in [
        ("150x150", 150, 150),
        ("400x300", 400, 300),
        ("600x", 600, 338),
        ("1200x", 1200, 675),
    ] {
        let details = &r.json["media"]["images"][name];
        assert_eq!(
            (
                details["width"].as_u64().unwrap(),
                details["height"].as_u64().unwrap()
            ),
            (w, h),
            "{name}"
        );
        let resp = app
            .client
            .get(details["url"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{name}");
        assert_eq!(resp.headers()["content-type"], "image/jpeg");
        assert!(
            resp.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age=31536000")
        );
        let etag = resp.headers()["etag"].to_str().unwrap().to_string();
        let body = resp.bytes().await.unwrap();
        let img = image::load_from_memory(&body).expect("a real JPEG");
        assert_eq!(
            img.dimensions(),
            (w as u32, h as u32),
            "{name} decodes to its size"
        );
        // The center of every rendition is red: the crops are centered on the red part.
        let p = img.get_pixel(img.width() / 3, img.height() / 2);
        assert!(p[0] > 150 && p[2] < 100, "{name} center is red: {p:?}");
        let again = app
            .client
            .get(details["url"].as_str().unwrap())
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
    }
    let missing = app
        .client
        .get(format!(
            "{}/media/150x150/00/00/00/00000000000000000000000000000000.jpg",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let bogus = app
        .client
        .get(format!("{}/media/999x/aa/bb/cc/x.jpg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), 404);
}

#[tokio::test]
async fn identical_images_are_stored_once() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let create = || {
        app.call("pins/create")
            .token(&alice.token)
            .json(json!({"board_id": b, "media_source": png_source(50, 50, [1, 2, 3])}))
            .send()
    };
    let one = create().await.expect(201);
    let two = create().await.expect(201);
    assert_ne!(one.id(), two.id());
    assert_eq!(one.json["media"], two.json["media"]);
    let files = walk(app.pinbox.media.files.root());
    assert_eq!(
        files, 1,
        "one original; no rendition made before it is asked for"
    );
    for name in ["150x150", "400x300", "600x", "1200x"] {
        for reply in [&one, &two] {
            let url = reply.json["media"]["images"][name]["url"].as_str().unwrap();
            let resp = app.client.get(url).send().await.unwrap();
            assert_eq!(resp.status(), 200, "{name}");
        }
    }
    let files = walk(app.pinbox.media.files.root());
    assert_eq!(files, 5, "the original and four renditions, each made once");
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walk(&e.path())
            } else {
                1
            }
        })
        .sum()
}

async fn with_fetch(policy: FetchPolicy, allow: Vec<AllowRule>) -> TestApp {
    TestApp::start_with_media(
        Limits::default(),
        FetchConfig {
            policy,
            allow,
            ..FetchConfig::default()
        },
        Default::default(),
    )
    .await
}

async fn pin_from_url(app: &TestApp, url: &str) -> crate::support::Reply {
    let name = format!("user_{}", rand::random::<u32>());
    let alice = app.user(&name).await;
    let b = board(app, &alice, "b", "PUBLIC").await;
    app.call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "media_source": {"source_type": "image_url", "url": url}}))
        .send()
        .await
}

#[tokio::test]
async fn fetching_from_loopback_is_refused_by_default_and_the_pin_points_at_the_source() {
    let server = ImageServer::start(png(40, 30, [0, 200, 0])).await;
    let app = with_fetch(FetchPolicy::Try, vec![]).await;
    let url = format!("{}/img.png", server.base);
    let r = pin_from_url(&app, &url).await.expect(201);
    assert_eq!(
        server.hits(),
        0,
        "pinbox must not have contacted a loopback address"
    );
    let images = &r.json["media"]["images"];
    for name in ["150x150", "400x300", "600x", "1200x"] {
        assert_eq!(images[name]["url"], url.as_str());
        assert_eq!(images[name]["width"], Value::Null);
        assert_eq!(images[name]["height"], Value::Null);
    }
    assert_eq!(r.json["dominant_color"], Value::Null);
}

#[tokio::test]
async fn an_allowed_range_is_fetched_sniffed_and_rendered() {
    let server = ImageServer::start(png(40, 30, [0, 200, 0])).await;
    let app = with_fetch(
        FetchPolicy::Try,
        vec![AllowRule::parse("127.0.0.0/8").unwrap()],
    )
    .await;
    let r = pin_from_url(&app, &format!("{}/img.png", server.base))
        .await
        .expect(201);
    assert_eq!(server.hits(), 1);
    assert_eq!(r.json["dominant_color"], "#00C800");
    assert_eq!(r.json["media"]["images"]["600x"]["width"], 40);
    assert!(
        r.json["media"]["images"]["150x150"]["url"]
            .as_str()
            .unwrap()
            .starts_with(&app.base)
    );
}

#[tokio::test]
async fn the_always_policy_refuses_pins_whose_image_cannot_be_fetched() {
    let server = ImageServer::start(png(10, 10, [0, 0, 0])).await;
    let app = with_fetch(FetchPolicy::Always, vec![]).await;
    let r = pin_from_url(&app, &format!("{}/img.png", server.base))
        .await
        .expect(400);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .contains("refused to fetch"),
        "{}",
        r.text
    );
    assert_eq!(server.hits(), 0);

    let allowed = with_fetch(
        FetchPolicy::Always,
        vec![AllowRule::parse("127.0.0.1").unwrap()],
    )
    .await;
    for (path, part) in [
        ("/page.html", "not an image"),
        ("/missing.png", "HTTP 404"),
        // An allowed host may not redirect pinbox into the metadata service.
        ("/to-metadata", "169.254.169.254"),
    ] {
        let r = pin_from_url(&allowed, &format!("{}{path}", server.base))
            .await
            .expect(400);
        assert!(
            r.json["message"].as_str().unwrap().contains(part),
            "{path}: {}",
            r.text
        );
    }
    let r = pin_from_url(&allowed, &format!("{}/img.png", server.base))
        .await
        .expect(201);
    assert_eq!(r.json["media"]["images"]["1200x"]["width"], 10);
}

#[tokio::test]
async fn the_never_policy_does_not_fetch_at_all() {
    let server = ImageServer::start(png(10, 10, [0, 0, 0])).await;
    let app = with_fetch(
        FetchPolicy::Never,
        vec![AllowRule::parse("127.0.0.1").unwrap()],
    )
    .await;
    let url = format!("{}/img.png", server.base);
    let r = pin_from_url(&app, &url).await.expect(201);
    assert_eq!(server.hits(), 0);
    assert_eq!(r.json["media"]["images"]["150x150"]["url"], url.as_str());
}

#[tokio::test]
async fn carousels_from_urls_fetch_each_image() {
    let server = ImageServer::start(png(20, 20, [0, 0, 250])).await;
    let app = with_fetch(
        FetchPolicy::Always,
        vec![AllowRule::parse("127.0.0.1").unwrap()],
    )
    .await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let url = format!("{}/img.png", server.base);
    let r = app
        .call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "media_source": {"source_type": "multiple_image_urls", "items": [{"url": url, "title": "a"}, {"url": url, "title": "b"}]}}))
        .send()
        .await
        .expect(201);
    assert_eq!(server.hits(), 2);
    assert_eq!(r.json["media"]["items"][1]["title"], "b");
    assert_eq!(r.json["media"]["items"][1]["images"]["600x"]["width"], 20);
}
