//! What pinbox will decode: images over the pixel limit refused on their header wherever they
//! come from (base64, carousel items, video covers, fetched URLs, originals already stored),
//! `POST /v5/pins` bodies refused as they stream, and a `content_type` overruled by the bytes.

use std::time::Duration;

use pinbox::domain::Limits;
use pinbox::domain::pins::original_file;
use pinbox::media::fetch::{AllowRule, FetchConfig, FetchPolicy};
use pinbox::media::images::ImageLimits;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::fixtures::{ImageServer, b64, black_png, image_bytes, png};
use crate::media::uploaded;
use crate::mp4::small_mp4;
use crate::pins::board;
use crate::support::{TestApp, TestUser};

/// What a 10,000×10,000 image is refused with under the default limit.
const BOMB_REFUSAL: &str = "the image is 10000x10000, 100,000,000 pixels; the limit is \
                            50,000,000 pixels (--max-image-pixels)";

fn image_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() { walk(&path) } else { 1 }
                })
                .sum()
        })
    }
    walk(&app.pinbox.media.files.root().join("images"))
}

async fn pin_count(app: &TestApp, user: &TestUser, board: &str) -> u64 {
    app.call("boards/get")
        .path("board_id", board)
        .token(&user.token)
        .send()
        .await
        .expect(200)
        .json["pin_count"]
        .as_u64()
        .unwrap()
}

#[test]
fn the_bomb_fixture_is_a_real_png_far_smaller_than_its_pixels() {
    let small = image::load_from_memory(&black_png(300, 7, "check")).unwrap();
    assert_eq!((small.width(), small.height()), (300, 7));
    assert!(small.to_rgb8().pixels().all(|p| p.0 == [0, 0, 0]));
    let bomb = black_png(10_000, 10_000, "a");
    assert!(bomb.len() < 2_000_000, "{} bytes", bomb.len());
}

#[tokio::test]
async fn a_ten_thousand_pixel_square_png_is_refused_on_its_header_and_nothing_is_stored() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let bomb = black_png(10_000, 10_000, "a");
    let r = app
        .call("pins/create")
        .token(&alice.token)
        .json(
            json!({"board_id": b, "media_source": {"source_type": "image_base64",
                     "content_type": "image/png", "data": b64(&bomb)}}),
        )
        .send()
        .await
        .expect_error(400, 1, BOMB_REFUSAL);
    assert_eq!(
        r.json["message"],
        format!("Invalid 'media_source.data': {BOMB_REFUSAL}: send a smaller image.")
    );
    assert_eq!(pin_count(&app, &alice, &b).await, 0);
    assert_eq!(image_files(&app), 0, "no original may be kept");
    let normal = image_bytes(800, 600, image::ImageFormat::Png, |x, _| [x as u8, 0, 0]);
    app.call("pins/create")
        .token(&alice.token)
        .json(
            json!({"board_id": b, "media_source": {"source_type": "image_base64",
                     "content_type": "image/png", "data": b64(&normal)}}),
        )
        .send()
        .await
        .expect(201);
}

#[tokio::test]
async fn carousel_items_video_covers_and_fetched_images_are_held_to_the_pixel_limit() {
    let server = ImageServer::start(black_png(10_000, 10_000, "fetched")).await;
    let app = TestApp::start_with_media(
        Limits::default(),
        FetchConfig {
            policy: FetchPolicy::Always,
            allow: vec![AllowRule::parse("127.0.0.0/8").unwrap()],
            ..FetchConfig::default()
        },
        ImageLimits::default(),
    )
    .await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let small = json!({"content_type": "image/png", "data": b64(&png(20, 20, [9, 9, 9]))});
    let bomb = b64(&black_png(10_000, 10_000, "b"));
    let video = uploaded(&app, &alice, small_mp4()).await;
    app.advance(Duration::from_secs(2));
    let url = format!("{}/img.png", server.base);
    for (source, field) in [
        (
            json!({"source_type": "multiple_image_base64",
                   "items": [small, {"content_type": "image/png", "data": bomb}]}),
            "media_source.items[1].data",
        ),
        (
            json!({"source_type": "multiple_image_urls",
                   "items": [{"url": url}, {"url": url}]}),
            "media_source.items[0].url",
        ),
        (
            json!({"source_type": "image_url", "url": url}),
            "media_source.url",
        ),
        (
            json!({"source_type": "video_id", "media_id": video,
                   "cover_image_data": bomb, "cover_image_content_type": "image/png"}),
            "media_source.cover_image_data",
        ),
        (
            json!({"source_type": "video_id", "media_id": video, "cover_image_url": url}),
            "media_source.cover_image_url",
        ),
    ] {
        let r = app
            .call("pins/create")
            .token(&alice.token)
            .json(json!({"board_id": b, "media_source": source}))
            .send()
            .await
            .expect_error(400, 1, BOMB_REFUSAL);
        let message = r.json["message"].as_str().unwrap();
        assert!(message.contains(field), "{field}: {message}");
    }
    assert!(server.hits() >= 3, "the URLs were fetched");
    assert_eq!(pin_count(&app, &alice, &b).await, 0);
    // Only the carousel's small first item was decoded and kept.
    assert_eq!(image_files(&app), 1);
}

#[tokio::test]
async fn an_original_stored_under_a_higher_limit_gets_no_renditions_and_a_400_saying_why() {
    let app = TestApp::start().await;
    // A 10,000×10,000 original, as a pinbox that took images up to 10,000 pixels a side kept.
    let key = "0123456789abcdef0123456789abcdef";
    app.pinbox
        .media
        .files
        .put(&original_file(key), black_png(10_000, 10_000, "kept"), true)
        .await
        .unwrap();
    let resp = app
        .client
        .get(format!("{}/media/600x/01/23/45/{key}.jpg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], 1);
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(BOMB_REFUSAL), "{message}");
    assert!(
        message.starts_with("pinbox makes no renditions of this image: "),
        "{message}"
    );
    assert!(
        message.contains("start this one with that limit"),
        "{message}"
    );
    assert_eq!(image_files(&app), 1, "no rendition was written");
}

#[tokio::test]
async fn a_content_type_that_disagrees_with_the_bytes_is_overruled_by_them() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let png_bytes = png(30, 20, [200, 10, 10]);
    let jpeg_bytes = image_bytes(40, 30, image::ImageFormat::Jpeg, |_, _| [10, 10, 200]);
    let gif_bytes = image_bytes(24, 12, image::ImageFormat::Gif, |_, _| [10, 200, 10]);
    let stored_format = |images: &Value| {
        let url = images["600x"]["url"].as_str().unwrap();
        let key = url.rsplit('/').next().unwrap().trim_end_matches(".jpg");
        let (key, pinbox) = (key.to_string(), app.pinbox.clone());
        async move { pinbox.pins.image(&key).await.unwrap().unwrap().format }
    };

    let pin = app
        .call("pins/create")
        .token(&alice.token)
        .json(
            json!({"board_id": b, "media_source": {"source_type": "image_base64",
                     "content_type": "image/jpeg", "data": b64(&png_bytes)}}),
        )
        .send()
        .await
        .expect(201)
        .json;
    assert_eq!(pin["media"]["images"]["600x"]["width"], 30);
    assert_eq!(pin["dominant_color"], "#C80A0A");
    assert_eq!(stored_format(&pin["media"]["images"]).await, "image/png");
    let rendition = app
        .client
        .get(pin["media"]["images"]["600x"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rendition.status(), 200);

    let carousel = app
        .call("pins/create")
        .token(&alice.token)
        .json(
            json!({"board_id": b, "media_source": {"source_type": "multiple_image_base64",
            "items": [{"content_type": "image/png", "data": b64(&jpeg_bytes)},
                      {"content_type": "image/webp", "data": b64(&gif_bytes)}]}}),
        )
        .send()
        .await
        .expect(201)
        .json;
    let items = &carousel["media"]["items"];
    assert_eq!(stored_format(&items[0]["images"]).await, "image/jpeg");
    assert_eq!(stored_format(&items[1]["images"]).await, "image/gif");

    // A type that is no image pinbox reads is still refused, naming the field.
    app.call("pins/create")
        .token(&alice.token)
        .json(
            json!({"board_id": b, "media_source": {"source_type": "image_base64",
                     "content_type": "text/plain", "data": b64(&png_bytes)}}),
        )
        .send()
        .await
        .expect_error(400, 1, "content_type 'text/plain'");
}

/// A raw `POST /v5/pins`: the head, then `body` (all of what is sent of it), and the answer
/// read within `wait`: its status and JSON body, or `None` when none came in time.
async fn raw_create(
    app: &TestApp,
    token: &str,
    framing: &str,
    body: Vec<u8>,
    wait: Duration,
) -> Option<(u16, Value)> {
    let addr = app.server.as_ref().unwrap().addr;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v5/pins HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\n{framing}\r\n"
    );
    let (mut reader, mut writer) = stream.split();
    let send = async {
        // The server may answer and close before taking everything: later writes then fail.
        let _ = writer.write_all(head.as_bytes()).await;
        let _ = writer.write_all(&body).await;
        std::future::pending::<()>().await
    };
    let read = async {
        let mut got = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match reader.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&chunk[..n]),
            }
            if let Some(answer) = parse_answer(&got) {
                return Some(answer);
            }
        }
        parse_answer(&got)
    };
    tokio::time::timeout(wait, async {
        tokio::select! {
            answer = read => answer,
            _ = send => None,
        }
    })
    .await
    .ok()
    .flatten()
}

/// A complete HTTP answer with a `Content-Length` body, as status and JSON.
fn parse_answer(got: &[u8]) -> Option<(u16, Value)> {
    let text = String::from_utf8_lossy(got);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    (body.len() >= length).then(|| (status, serde_json::from_str(&body[..length]).unwrap()))
}

#[tokio::test]
async fn a_create_body_declared_over_the_limit_is_refused_with_413_before_it_is_sent() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    // 50 MB declared, a few bytes sent: pinbox must answer without waiting for the rest.
    let (status, body) = raw_create(
        &app,
        &alice.token,
        "Content-Length: 50000000\r\n",
        br#"{"board_id": ""#.to_vec(),
        Duration::from_secs(10),
    )
    .await
    .expect("an answer before the body was sent");
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], 1);
    let message = body["message"].as_str().unwrap();
    let limit = (20 * 1024 * 1024usize).div_ceil(3) * 4 + 64 * 1024;
    assert!(
        message.contains(&format!(
            "larger than the {limit} bytes POST /v5/pins accepts"
        )),
        "{message}"
    );
    assert!(message.contains("--max-image-bytes"), "{message}");
    assert!(message.contains("image_url"), "{message}");
    assert_eq!(pin_count(&app, &alice, &b).await, 0);
}

#[tokio::test]
async fn a_chunked_create_body_is_refused_with_413_once_it_passes_the_limit() {
    let limits = ImageLimits {
        max_bytes: 4_000,
        ..ImageLimits::default()
    };
    let app = TestApp::start_with_media(Limits::default(), FetchConfig::default(), limits).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "b", "PUBLIC").await;
    let limit = 4_000usize.div_ceil(3) * 4 + 64 * 1024;
    // Five images at the per-image limit: within each image's limit, over the body's.
    let item = json!({"content_type": "image/png", "data": "A".repeat(5_300)});
    let json = serde_json::to_vec(&json!({"board_id": b, "media_source": {
        "source_type": "multiple_image_base64", "items": [item, item, item, item, item],
        "pad": "x".repeat(limit)}}))
    .unwrap();
    let mut chunked = Vec::new();
    for piece in json.chunks(16 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, body) = raw_create(
        &app,
        &alice.token,
        "Transfer-Encoding: chunked\r\n",
        chunked,
        Duration::from_secs(10),
    )
    .await
    .expect("an answer");
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], 1);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains(&format!("larger than the {limit} bytes")),
        "{body}"
    );
    assert_eq!(pin_count(&app, &alice, &b).await, 0);

    // An image at the per-image limit still fits in one body.
    let mut at_limit = png(8, 8, [1, 2, 3]);
    at_limit.resize(4_000, 0); // PNG readers stop at IEND; the rest is ignored.
    app.call("pins/create")
        .token(&alice.token)
        .json(
            json!({"board_id": b, "title": "t".repeat(100), "media_source": {
            "source_type": "image_base64", "content_type": "image/png", "data": b64(&at_limit)}}),
        )
        .send()
        .await
        .expect(201);
}
