//! Video Pins over HTTP: made from a finished upload of the caller's with a cover, REGULAR while
//! processing and VIDEO after, `video_url` for apps granted the feature (served with ranges),
//! surviving the upload's cleanup, and the whole four-step flow of seed 004 run with curl.

use std::time::Duration;

use pinbox::domain::Limits;
use pinbox::domain::apps::AppFeature;
use pinbox::domain::media_uploads::UploadSettings;
use pinbox::media::fetch::{AllowRule, FetchConfig, FetchPolicy};
use pinbox::media::images::ImageLimits;
use serde_json::{Value, json};

use crate::fixtures::{ImageServer, b64, png};
use crate::media::{register, status, upload, uploaded, with_delay};
use crate::mp4::{VideoSpec, small_mov, small_mp4};
use crate::pins::board;
use crate::support::{TestApp, TestUser};

fn png_cover(media_id: &str) -> Value {
    json!({
        "source_type": "video_id",
        "media_id": media_id,
        "cover_image_data": b64(&png(64, 36, [30, 140, 60])),
        "cover_image_content_type": "image/png",
    })
}

async fn video_pin(app: &TestApp, user: &TestUser, board: &str, source: Value) -> Value {
    app.call("pins/create")
        .token(&user.token)
        .json(json!({"board_id": board, "title": "a video", "media_source": source}))
        .send()
        .await
        .expect(201)
        .json
}

async fn get_pin(app: &TestApp, user: &TestUser, id: &str) -> Value {
    app.call("pins/get")
        .path("pin_id", id)
        .token(&user.token)
        .send()
        .await
        .expect(200)
        .json
}

async fn list_ids(app: &TestApp, user: &TestUser, creative_type: &str) -> Vec<String> {
    app.call("pins/list")
        .query("creative_types", creative_type)
        .token(&user.token)
        .send()
        .await
        .expect(200)
        .items()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_video_pin_reads_regular_while_processing_then_video_with_the_videos_facts() {
    let app = TestApp::start_with(with_delay(Duration::from_secs(2))).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "videos", "PUBLIC").await;
    let id = uploaded(&app, &alice, small_mp4()).await;
    app.advance(Duration::from_secs(2));
    let pin = video_pin(&app, &alice, &b, png_cover(&id)).await;
    let pin_id = pin["id"].as_str().unwrap().to_string();
    assert_eq!(pin["creative_type"], "REGULAR");
    assert_eq!(pin["media"]["media_type"], "video");
    assert!(pin["media"]["duration"].is_null());
    assert!(pin["media"]["width"].is_null());
    assert!(pin["media"]["video_url"].is_null());
    assert_eq!(pin["dominant_color"], "#1E8C3C");
    assert_eq!(
        list_ids(&app, &alice, "REGULAR").await,
        vec![pin_id.clone()]
    );
    assert!(list_ids(&app, &alice, "VIDEO").await.is_empty());

    app.advance(Duration::from_secs(2));
    let pin = get_pin(&app, &alice, &pin_id).await;
    assert_eq!(pin["creative_type"], "VIDEO");
    assert_eq!(pin["media"]["duration"], 3500);
    assert_eq!(pin["media"]["width"], 1280);
    assert_eq!(pin["media"]["height"], 720);
    assert!(
        pin["media"]["video_url"].is_null(),
        "the app was not granted video_url"
    );
    assert_eq!(list_ids(&app, &alice, "VIDEO").await, vec![pin_id.clone()]);
    assert!(list_ids(&app, &alice, "REGULAR").await.is_empty());
    let board_pins = app
        .call("boards/list_pins")
        .path("board_id", &b)
        .query("creative_types", "VIDEO")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(board_pins.items().len(), 1);

    // The cover's renditions are real images pinbox serves; the board shows the cover.
    let images = &pin["media"]["images"];
    assert_eq!(images["1200x"]["width"], 64);
    assert_eq!(pin["media"]["cover_image_url"], images["1200x"]["url"]);
    for size in ["150x150", "400x300", "600x", "1200x"] {
        let r = app
            .client
            .get(images[size]["url"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{size}");
    }
    let board_json = app
        .call("boards/get")
        .path("board_id", &b)
        .token(&alice.token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(
        board_json["media"]["image_cover_url"],
        images["400x300"]["url"]
    );

    // The upload now belongs to a Pin; it still reads succeeded.
    assert_eq!(status(&app, &alice, &id).await, "succeeded");
}

#[tokio::test]
async fn a_mov_makes_a_portrait_video_pin() {
    let app = TestApp::start_with(with_delay(Duration::ZERO)).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "videos", "PUBLIC").await;
    let id = uploaded(&app, &alice, small_mov()).await;
    let pin = video_pin(&app, &alice, &b, png_cover(&id)).await;
    assert_eq!(pin["creative_type"], "VIDEO");
    assert_eq!(pin["media"]["duration"], 12000);
    assert_eq!(
        (
            pin["media"]["width"].as_u64(),
            pin["media"]["height"].as_u64()
        ),
        (Some(1080), Some(1920))
    );
}

#[tokio::test]
async fn a_video_pin_cannot_be_made_before_its_upload_succeeds() {
    let app = TestApp::start_with(with_delay(Duration::from_secs(2))).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "videos", "PUBLIC").await;
    let registered = register(&app, &alice).await;
    let create = |source: Value| {
        app.call("pins/create")
            .token(&alice.token)
            .json(json!({"board_id": b, "media_source": source}))
            .send()
    };
    create(png_cover(&registered.media_id))
        .await
        .expect_error(400, 1, "status 'registered'");
    let r = upload(&app, &registered, small_mp4()).await;
    assert_eq!(r.status, 204);
    create(png_cover(&registered.media_id))
        .await
        .expect_error(400, 1, "status 'processing'");
    let broken = uploaded(&app, &alice, b"not a video".to_vec()).await;
    app.advance(Duration::from_secs(2));
    create(png_cover(&broken))
        .await
        .expect_error(400, 1, "status 'failed'");
    let r = create(png_cover(&broken)).await.expect(400);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .contains("not an MP4, MOV or M4V"),
        "{}",
        r.text
    );
    let none = app
        .call("pins/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(none.items().is_empty(), "a refused create made a Pin");
    // Now it has finished processing.
    create(png_cover(&registered.media_id)).await.expect(201);
}

#[tokio::test]
async fn another_users_media_id_makes_no_pin() {
    let app = TestApp::start_with(with_delay(Duration::ZERO)).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let alices = uploaded(&app, &alice, small_mp4()).await;
    let bobs_board = board(&app, &bob, "mine", "PUBLIC").await;
    for media_id in [alices.as_str(), "123456789012345678"] {
        app.call("pins/create")
            .token(&bob.token)
            .json(json!({"board_id": bobs_board, "media_source": png_cover(media_id)}))
            .send()
            .await
            .expect_error(400, 1, "is not a media upload of yours");
    }
    app.call("pins/create")
        .token(&bob.token)
        .json(json!({"board_id": bobs_board, "media_source": png_cover("12a")}))
        .send()
        .await
        .expect_error(400, 1, "media_source.media_id");
    app.call("pins/create")
        .token(&bob.token)
        .json(json!({"board_id": bobs_board, "media_source": {"source_type": "video_id"}}))
        .send()
        .await
        .expect(400);
}

#[tokio::test]
async fn a_video_pin_needs_a_valid_cover() {
    let limits = with_delay(Duration::ZERO);
    let fetch = FetchConfig {
        allow: vec![AllowRule::parse("127.0.0.1").unwrap()],
        ..FetchConfig::default()
    };
    let app = TestApp::start_with_media(limits, fetch, ImageLimits::default()).await;
    let server = ImageServer::start(png(40, 30, [200, 30, 30])).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "videos", "PUBLIC").await;
    let id = uploaded(&app, &alice, small_mp4()).await;
    let cases = [
        (json!({}), "needs a cover image"),
        (
            json!({"cover_image_url": "image.jpg"}),
            "a valid image url must be provided",
        ),
        (
            json!({"cover_image_url": "ftp://example.com/a.png"}),
            "invalid URL",
        ),
        (
            json!({"cover_image_url": format!("{}/page.html", server.base)}),
            "not an image",
        ),
        (
            json!({"cover_image_url": format!("{}/missing.png", server.base)}),
            "HTTP 404",
        ),
        (
            json!({"cover_image_data": b64(&png(4, 4, [0, 0, 0]))}),
            "go together",
        ),
        (
            json!({"cover_image_data": "%%%", "cover_image_content_type": "image/png"}),
            "base64",
        ),
        (
            json!({"cover_image_data": b64(b"not an image"), "cover_image_content_type": "image/png"}),
            "cover_image_data",
        ),
        (
            json!({"cover_image_url": format!("{}/img.png", server.base),
                   "cover_image_data": b64(&png(4, 4, [0, 0, 0])), "cover_image_content_type": "image/png"}),
            "not both",
        ),
    ];
    for (extra, part) in cases {
        let mut source = json!({"source_type": "video_id", "media_id": id});
        for (k, v) in extra.as_object().unwrap() {
            source[k] = v.clone();
        }
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
    // A refused cover leaves the upload unused, so it can still make a Pin.
    let pin = video_pin(
        &app,
        &alice,
        &b,
        json!({"source_type": "video_id", "media_id": id,
               "cover_image_url": format!("{}/img.png", server.base)}),
    )
    .await;
    assert_eq!(pin["media"]["images"]["1200x"]["width"], 40);
    assert_eq!(pin["dominant_color"], "#C81E1E");
    assert!(
        pin["media"]["cover_image_url"]
            .as_str()
            .unwrap()
            .starts_with(&app.base)
    );
}

#[tokio::test]
async fn a_cover_url_follows_the_fetch_guard_and_policy() {
    // Default guard: 127.0.0.1 is refused. Under `try` the Pin points at the URL ...
    let app = TestApp::start_with(with_delay(Duration::ZERO)).await;
    let server = ImageServer::start(png(40, 30, [200, 30, 30])).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "videos", "PUBLIC").await;
    let id = uploaded(&app, &alice, small_mp4()).await;
    let url = format!("{}/img.png", server.base);
    let pin = video_pin(
        &app,
        &alice,
        &b,
        json!({"source_type": "video_id", "media_id": id, "cover_image_url": url}),
    )
    .await;
    assert_eq!(pin["media"]["cover_image_url"], url.as_str());
    assert!(pin["media"]["images"]["1200x"]["width"].is_null());
    assert_eq!(server.hits(), 0, "the guard let a fetch reach 127.0.0.1");

    // ... under `always` it is refused.
    let strict = TestApp::start_with_media(
        with_delay(Duration::ZERO),
        FetchConfig {
            policy: FetchPolicy::Always,
            ..FetchConfig::default()
        },
        ImageLimits::default(),
    )
    .await;
    let alice = strict.user("alice").await;
    let b = board(&strict, &alice, "videos", "PUBLIC").await;
    let id = uploaded(&strict, &alice, small_mp4()).await;
    strict
        .call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "media_source": {"source_type": "video_id", "media_id": id, "cover_image_url": url}}))
        .send()
        .await
        .expect_error(400, 1, "refused to fetch");
}

#[tokio::test]
async fn a_key_frame_time_without_a_cover_gets_a_neutral_frame_and_is_kept() {
    let app = TestApp::start_with(with_delay(Duration::ZERO)).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "videos", "PUBLIC").await;
    let id = uploaded(&app, &alice, VideoSpec::mp4(1920, 1080, 3_500).build()).await;
    let pin = video_pin(
        &app,
        &alice,
        &b,
        json!({"source_type": "video_id", "media_id": id, "cover_image_key_frame_time": 60}),
    )
    .await;
    assert_eq!(pin["dominant_color"], "#808080");
    let w1200 = &pin["media"]["images"]["1200x"];
    assert_eq!(
        (w1200["width"].as_u64(), w1200["height"].as_u64()),
        (Some(1200), Some(675))
    );
    // Past the end: kept as the last second, as the spec says Pinterest uses the last frame.
    let stored = app
        .store
        .pin(
            pinbox::domain::env::Env::Production,
            pinbox::domain::ids::PinId(pin["id"].as_str().unwrap().parse().unwrap()),
        )
        .await
        .unwrap()
        .unwrap();
    match stored.media {
        pinbox::domain::pins::PinMedia::Video { video, .. } => {
            assert_eq!(video.key_frame_time, Some(3))
        }
        other => panic!("not a video Pin: {other:?}"),
    }
    app.call("pins/create")
        .token(&alice.token)
        .json(json!({"board_id": b, "media_source": {"source_type": "video_id", "media_id": id, "cover_image_key_frame_time": -1}}))
        .send()
        .await
        .expect(400);
}

#[tokio::test]
async fn video_url_is_null_without_the_feature_and_serves_ranges_with_it() {
    let app = TestApp::start_with(with_delay(Duration::from_secs(2))).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "videos", "PUBLIC").await;
    let video = small_mp4();
    let id = uploaded(&app, &alice, video.clone()).await;
    app.advance(Duration::from_secs(2));
    let pin = video_pin(&app, &alice, &b, png_cover(&id)).await;
    let pin_id = pin["id"].as_str().unwrap().to_string();
    app.pinbox
        .apps
        .grant_feature(alice.app_id, AppFeature::VideoUrl)
        .await
        .unwrap();
    assert!(
        get_pin(&app, &alice, &pin_id).await["media"]["video_url"].is_null(),
        "no video_url while the Pin is still processing"
    );
    app.advance(Duration::from_secs(2));
    let pin = get_pin(&app, &alice, &pin_id).await;
    let url = pin["media"]["video_url"]
        .as_str()
        .expect("a video_url")
        .to_string();
    assert!(url.starts_with(&format!("{}/media/videos/", app.base)) && url.ends_with(".mp4"));
    let listed = app
        .call("pins/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.items()[0]["media"]["video_url"], url.as_str());
    // Another app of another user sees the public Pin without the URL.
    let bob = app.user("bob").await;
    assert!(get_pin(&app, &bob, &pin_id).await["media"]["video_url"].is_null());

    let len = video.len();
    let whole = app.client.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    assert_eq!(whole.bytes().await.unwrap().as_ref(), &video[..]);

    let part = app
        .client
        .get(&url)
        .header("range", "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], format!("bytes 0-99/{len}"));
    assert_eq!(part.headers()["content-length"], "100");
    assert_eq!(part.bytes().await.unwrap().as_ref(), &video[..100]);

    let tail = app
        .client
        .get(&url)
        .header("range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(
        tail.headers()["content-range"],
        format!("bytes {}-{}/{len}", len - 10, len - 1)
    );
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &video[len - 10..]);

    let open = app
        .client
        .get(&url)
        .header("range", format!("bytes={}-", len - 5))
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 206);
    assert_eq!(open.bytes().await.unwrap().as_ref(), &video[len - 5..]);

    let past = app
        .client
        .get(&url)
        .header("range", format!("bytes={len}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 416);
    assert_eq!(past.headers()["content-range"], format!("bytes */{len}"));

    let head = app.client.head(&url).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], len.to_string());

    let missing = url.replace(".mp4", ".mov");
    assert_eq!(app.client.get(&missing).send().await.unwrap().status(), 404);
    let traversal = format!("{}/media/videos/../../etc/passwd", app.base);
    assert_eq!(
        app.client.get(&traversal).send().await.unwrap().status(),
        404
    );

    app.pinbox
        .apps
        .revoke_feature(alice.app_id, AppFeature::VideoUrl)
        .await
        .unwrap();
    assert!(get_pin(&app, &alice, &pin_id).await["media"]["video_url"].is_null());
}

#[tokio::test]
async fn a_pins_video_and_cover_survive_the_uploads_replacement_and_cleanup() {
    let limits = Limits {
        uploads: UploadSettings {
            processing_delay: Duration::ZERO,
            unused_ttl: Duration::from_secs(3600),
            ..UploadSettings::default()
        },
        ..Limits::default()
    };
    let app = TestApp::start_with(limits).await;
    let alice = app.user("alice").await;
    app.pinbox
        .apps
        .grant_feature(alice.app_id, AppFeature::VideoUrl)
        .await
        .unwrap();
    let b = board(&app, &alice, "videos", "PUBLIC").await;
    let first = small_mp4();
    let reg = register(&app, &alice).await;
    assert_eq!(upload(&app, &reg, first.clone()).await.status, 204);
    let pin = video_pin(&app, &alice, &b, png_cover(&reg.media_id)).await;
    let url = pin["media"]["video_url"].as_str().unwrap().to_string();
    // The upload's key takes another file (S3 overwrites); the Pin keeps its own.
    assert_eq!(upload(&app, &reg, small_mov()).await.status, 204);
    assert_eq!(
        app.client
            .get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .as_ref(),
        &first[..]
    );
    let unused = uploaded(&app, &alice, small_mp4()).await;
    app.advance(Duration::from_secs(7200));
    assert_eq!(app.pinbox.media_uploads.clean_up().await.unwrap(), 1);
    app.call("media/get")
        .path("media_id", &unused)
        .token(&alice.token)
        .send()
        .await
        .expect(404);
    assert_eq!(status(&app, &alice, &reg.media_id).await, "succeeded");
    assert_eq!(
        app.client
            .get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .as_ref(),
        &first[..]
    );
    let cover = pin["media"]["images"]["600x"]["url"].as_str().unwrap();
    assert_eq!(app.client.get(cover).send().await.unwrap().status(), 200);
    let again = get_pin(&app, &alice, pin["id"].as_str().unwrap()).await;
    assert_eq!(again["media"]["video_url"], url.as_str());
}

/// Runs `curl` with `args`, returning its stdout; the seed's own client.
async fn curl(args: &[String]) -> String {
    let out = tokio::process::Command::new("curl")
        .args(args)
        .output()
        .await
        .expect("curl must be installed to run the seed 004 flow (apt-get install curl)");
    assert!(
        out.status.success(),
        "curl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn the_four_steps_of_seed_004_work_as_its_curl_commands_write_them() {
    let app = TestApp::start_with(with_delay(Duration::from_secs(2))).await;
    let alice = app.user("alice").await;
    let b = board(&app, &alice, "pinterest_board", "PUBLIC").await;
    let api = format!("{}/v5", app.base);
    let auth = format!("Authorization: Bearer {}", alice.token);
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("video_file.MOV");
    std::fs::write(&video, small_mov()).unwrap();
    let cover = dir.path().join("cover.png");
    std::fs::write(&cover, png(120, 80, [20, 20, 200])).unwrap();

    // Step 1: register your intent to upload a video.
    let registered: Value = serde_json::from_str(
        &curl(&[
            "--silent".into(),
            "--location".into(),
            "--request".into(),
            "POST".into(),
            format!("{api}/media"),
            "--header".into(),
            auth.clone(),
            "--header".into(),
            "Content-Type: application/json".into(),
            "--data-raw".into(),
            r#"{"media_type": "video"}"#.into(),
        ])
        .await,
    )
    .unwrap();
    crate::support::openapi::assert_conforms("media/create", 201, &registered);
    let media_id = registered["media_id"].as_str().unwrap().to_string();
    let p = &registered["upload_parameters"];

    // Step 2: upload the file to upload_url with every parameter, no bearer token; 204.
    let mut args: Vec<String> = vec![
        "--silent".into(),
        "--location".into(),
        "--output".into(),
        "/dev/null".into(),
        "--write-out".into(),
        "%{http_code}".into(),
        "--request".into(),
        "POST".into(),
        registered["upload_url"].as_str().unwrap().into(),
    ];
    for name in [
        "x-amz-date",
        "x-amz-signature",
        "x-amz-security-token",
        "x-amz-algorithm",
        "key",
        "policy",
        "x-amz-credential",
        "Content-Type",
    ] {
        args.push("--form".into());
        args.push(format!("{name}=\"{}\"", p[name].as_str().unwrap()));
    }
    args.push("--form".into());
    args.push(format!("file=@\"{}\"", video.display()));
    assert_eq!(curl(&args).await, "204");

    // Step 3: confirm the upload; poll until it has succeeded.
    let check = || async {
        let body = curl(&[
            "--silent".into(),
            "--location".into(),
            "--request".into(),
            "GET".into(),
            format!("{api}/media/{media_id}"),
            "--header".into(),
            auth.clone(),
        ])
        .await;
        let v: Value = serde_json::from_str(&body).unwrap();
        crate::support::openapi::assert_conforms("media/get", 200, &v);
        v["status"].as_str().unwrap().to_string()
    };
    assert_eq!(check().await, "processing");
    app.advance(Duration::from_secs(2));
    assert_eq!(check().await, "succeeded");

    // Step 4: create the Pin with the media_id and a cover image.
    let body = json!({
        "title": "pin_title",
        "description": "Your description here",
        "board_id": b,
        "media_source": {
            "source_type": "video_id",
            "cover_image_data": b64(&std::fs::read(&cover).unwrap()),
            "cover_image_content_type": "image/png",
            "media_id": media_id,
        }
    });
    let created = curl(&[
        "--silent".into(),
        "--location".into(),
        "--write-out".into(),
        "\n%{http_code}".into(),
        "--request".into(),
        "POST".into(),
        format!("{api}/pins"),
        "--header".into(),
        auth.clone(),
        "--header".into(),
        "Content-Type: application/json".into(),
        "--data-raw".into(),
        body.to_string(),
    ])
    .await;
    let (json_text, code) = created.rsplit_once('\n').unwrap();
    assert_eq!(code, "201", "{json_text}");
    let pin: Value = serde_json::from_str(json_text).unwrap();
    crate::support::openapi::assert_conforms("pins/create", 201, &pin);
    assert_eq!(pin["title"], "pin_title");
    assert_eq!(pin["creative_type"], "REGULAR");
    assert_eq!(pin["media"]["media_type"], "video");
    app.advance(Duration::from_secs(2));
    let pin = get_pin(&app, &alice, pin["id"].as_str().unwrap()).await;
    assert_eq!(pin["creative_type"], "VIDEO");
    assert_eq!(pin["media"]["duration"], 12000);
}
