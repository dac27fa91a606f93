//! Media uploads over HTTP: registering, the S3-style upload (signature, expiry, key, size, extra
//! fields, S3's XML errors), processing with the clock, who sees an upload, lists, and cleanup.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use pinbox::catalog::scope::Scopes;
use pinbox::domain::Limits;
use pinbox::domain::media_uploads::UploadSettings;
use serde_json::Value;

use crate::mp4::{VideoSpec, small_mov, small_mp4};
use crate::support::{TestApp, TestUser};

/// Limits with a processing delay of `delay` and the other upload settings at their defaults.
pub fn with_delay(delay: Duration) -> Limits {
    Limits {
        uploads: UploadSettings {
            processing_delay: delay,
            ..UploadSettings::default()
        },
        ..Limits::default()
    }
}

/// A registered upload, as `POST /v5/media` answered it.
pub struct Registered {
    pub media_id: String,
    pub upload_url: String,
    /// `upload_parameters` in the order they came.
    pub params: Vec<(String, String)>,
}

pub async fn register(app: &TestApp, user: &TestUser) -> Registered {
    let r = app
        .call("media/create")
        .token(&user.token)
        .json(serde_json::json!({"media_type": "video"}))
        .send()
        .await
        .expect(201);
    let params = r.json["upload_parameters"]
        .as_object()
        .expect("upload_parameters")
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().expect("a string parameter").to_string(),
            )
        })
        .collect();
    Registered {
        media_id: r.json["media_id"].as_str().unwrap().to_string(),
        upload_url: r.json["upload_url"].as_str().unwrap().to_string(),
        params,
    }
}

/// What the upload endpoint answered.
#[derive(Debug)]
pub struct Uploaded {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Uploaded {
    /// Asserts an S3 error: the status, the XML body and its `<Code>`.
    pub fn expect_s3_error(&self, status: u16, code: &str) -> &Uploaded {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.content_type, "application/xml", "{}", self.body);
        assert!(
            self.body
                .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"),
            "{}",
            self.body
        );
        assert!(
            self.body.contains(&format!("<Code>{code}</Code>")),
            "{}",
            self.body
        );
        assert!(self.body.contains("<RequestId>"), "{}", self.body);
        self
    }
}

/// POSTs `fields` then (if any) `file` as multipart/form-data, with no bearer token.
pub async fn post_form(
    app: &TestApp,
    url: &str,
    fields: &[(String, String)],
    file: Option<Vec<u8>>,
) -> Uploaded {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.clone(), v.clone());
    }
    if let Some(bytes) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("video_file.MOV"),
        );
    }
    let resp = app
        .client
        .post(url)
        .multipart(form)
        .send()
        .await
        .expect("upload request");
    Uploaded {
        status: resp.status().as_u16(),
        content_type: resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default(),
        body: resp.text().await.unwrap(),
    }
}

pub async fn upload(app: &TestApp, reg: &Registered, file: Vec<u8>) -> Uploaded {
    post_form(app, &reg.upload_url, &reg.params, Some(file)).await
}

/// Registers and uploads `file`, asserting the 204; returns the media id.
pub async fn uploaded(app: &TestApp, user: &TestUser, file: Vec<u8>) -> String {
    let reg = register(app, user).await;
    let r = upload(app, &reg, file).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(r.body.is_empty());
    reg.media_id
}

pub async fn status(app: &TestApp, user: &TestUser, media_id: &str) -> String {
    app.call("media/get")
        .path("media_id", media_id)
        .token(&user.token)
        .send()
        .await
        .expect(200)
        .json["status"]
        .as_str()
        .unwrap()
        .to_string()
}

fn param<'a>(reg: &'a Registered, name: &str) -> &'a str {
    &reg.params.iter().find(|(k, _)| k == name).unwrap().1
}

fn with_param(reg: &Registered, name: &str, value: &str) -> Vec<(String, String)> {
    reg.params
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if k == name {
                    value.to_string()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

#[tokio::test]
async fn registering_a_video_upload_gives_a_signed_s3_post_policy() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let reg = register(&app, &alice).await;
    assert!(reg.media_id.len() >= 18);
    assert_eq!(
        reg.upload_url,
        format!("{}/_pinbox/media-upload/", app.base)
    );
    let names: Vec<&str> = reg.params.iter().map(|(k, _)| k.as_str()).collect();
    for name in [
        "Content-Type",
        "key",
        "policy",
        "x-amz-algorithm",
        "x-amz-credential",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-signature",
    ] {
        assert!(names.contains(&name), "missing {name} in {names:?}");
    }
    assert_eq!(param(&reg, "x-amz-algorithm"), "AWS4-HMAC-SHA256");
    assert_eq!(param(&reg, "Content-Type"), "multipart/form-data");
    assert_eq!(param(&reg, "x-amz-date"), "20261101T000000Z");
    assert!(
        param(&reg, "x-amz-credential").ends_with("/20261101/us-east-1/s3/aws4_request"),
        "{}",
        param(&reg, "x-amz-credential")
    );
    assert!(param(&reg, "key").starts_with("uploads/"));
    assert!(param(&reg, "key").ends_with(&format!(":{}", reg.media_id)));
    let sig = param(&reg, "x-amz-signature");
    assert!(sig.len() == 64 && sig.bytes().all(|b| b.is_ascii_hexdigit()));
    let policy: Value =
        serde_json::from_slice(&STANDARD.decode(param(&reg, "policy")).unwrap()).unwrap();
    assert_eq!(policy["expiration"], "2026-11-01T01:00:00.000Z");
    let conditions = policy["conditions"].as_array().unwrap();
    assert!(conditions.contains(&serde_json::json!({"key": param(&reg, "key")})));
    assert!(conditions.contains(&serde_json::json!({"bucket": "pinbox-media-upload"})));
    assert!(conditions.contains(&serde_json::json!([
        "content-length-range",
        1,
        2147483648u64
    ])));
    assert!(conditions.contains(
        &serde_json::json!({"x-amz-security-token": param(&reg, "x-amz-security-token")})
    ));
    assert_eq!(status(&app, &alice, &reg.media_id).await, "registered");
}

#[tokio::test]
async fn media_type_must_be_video() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.call("media/create")
        .token(&alice.token)
        .json(serde_json::json!({}))
        .send()
        .await
        .expect_error(400, 1, "'media_type' is required");
    app.call("media/create")
        .token(&alice.token)
        .json(serde_json::json!({"media_type": "image"}))
        .send()
        .await
        .expect_error(400, 1, "not one of: video");
    app.call("media/create")
        .token(&alice.token)
        .json(serde_json::json!({"media_type": null}))
        .send()
        .await
        .expect(400);
    let none = app
        .call("media/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(none.items().is_empty(), "a refused create left an upload");
}

#[tokio::test]
async fn an_mp4_upload_is_processing_until_the_clock_passes_the_delay_then_succeeds() {
    let app = TestApp::start_with(with_delay(Duration::from_secs(2))).await;
    let alice = app.user("alice").await;
    let id = uploaded(&app, &alice, small_mp4()).await;
    assert_eq!(status(&app, &alice, &id).await, "processing");
    app.advance(Duration::from_millis(1_999));
    assert_eq!(status(&app, &alice, &id).await, "processing");
    app.advance(Duration::from_millis(1));
    assert_eq!(status(&app, &alice, &id).await, "succeeded");
    let list = app
        .call("media/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(list.items()[0]["media_id"], id.as_str());
    assert_eq!(list.items()[0]["media_type"], "video");
    assert_eq!(list.items()[0]["status"], "succeeded");
}

#[tokio::test]
async fn mov_and_m4v_uploads_succeed_too() {
    let app = TestApp::start_with(with_delay(Duration::ZERO)).await;
    let alice = app.user("alice").await;
    let mov = uploaded(&app, &alice, small_mov()).await;
    let m4v = uploaded(&app, &alice, VideoSpec::m4v(640, 360, 5_000).build()).await;
    let old_quicktime = uploaded(
        &app,
        &alice,
        VideoSpec {
            brand: None,
            ..VideoSpec::mov(320, 240, 1_000)
        }
        .build(),
    )
    .await;
    for id in [mov, m4v, old_quicktime] {
        assert_eq!(status(&app, &alice, &id).await, "succeeded");
    }
}

#[tokio::test]
async fn a_non_video_and_a_truncated_video_end_failed() {
    let app = TestApp::start_with(with_delay(Duration::from_secs(2))).await;
    let alice = app.user("alice").await;
    let text = uploaded(&app, &alice, b"this is not a video at all".to_vec()).await;
    let png = uploaded(&app, &alice, crate::fixtures::png(8, 8, [1, 2, 3])).await;
    let full = small_mp4();
    let truncated = uploaded(&app, &alice, full[..full.len() - 100].to_vec()).await;
    for id in [&text, &png, &truncated] {
        assert_eq!(status(&app, &alice, id).await, "processing");
    }
    app.advance(Duration::from_secs(2));
    for id in [&text, &png, &truncated] {
        assert_eq!(status(&app, &alice, id).await, "failed");
    }
}

#[tokio::test]
async fn a_tampered_signature_or_policy_is_refused_with_s3s_signature_error() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let reg = register(&app, &alice).await;
    let sig = param(&reg, "x-amz-signature");
    let flipped = format!("{}{}", if &sig[..1] == "0" { "1" } else { "0" }, &sig[1..]);
    let r = post_form(
        &app,
        &reg.upload_url,
        &with_param(&reg, "x-amz-signature", &flipped),
        Some(small_mp4()),
    )
    .await;
    r.expect_s3_error(403, "SignatureDoesNotMatch");
    assert!(r.body.contains(
        "<Message>The request signature we calculated does not match the signature you provided. \
         Check your key and signing method.</Message>"
    ));
    // A policy that allows more than pinbox signed.
    let mut policy: Value =
        serde_json::from_slice(&STANDARD.decode(param(&reg, "policy")).unwrap()).unwrap();
    policy["expiration"] = "2030-01-01T00:00:00.000Z".into();
    let forged = STANDARD.encode(policy.to_string());
    post_form(
        &app,
        &reg.upload_url,
        &with_param(&reg, "policy", &forged),
        Some(small_mp4()),
    )
    .await
    .expect_s3_error(403, "SignatureDoesNotMatch");
    assert_eq!(status(&app, &alice, &reg.media_id).await, "registered");
}

#[tokio::test]
async fn an_expired_policy_is_refused_as_s3_refuses_it() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let reg = register(&app, &alice).await;
    app.advance(Duration::from_secs(3600));
    let r = upload(&app, &reg, small_mp4()).await;
    r.expect_s3_error(403, "AccessDenied");
    assert!(
        r.body
            .contains("<Message>Invalid according to Policy: Policy expired.</Message>"),
        "{}",
        r.body
    );
    assert_eq!(status(&app, &alice, &reg.media_id).await, "registered");
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_refused_and_leaves_nothing_behind() {
    let limits = Limits {
        uploads: UploadSettings {
            max_upload_bytes: 64 * 1024,
            ..UploadSettings::default()
        },
        ..Limits::default()
    };
    let app = TestApp::start_with(limits).await;
    let alice = app.user("alice").await;
    let reg = register(&app, &alice).await;
    let policy: Value =
        serde_json::from_slice(&STANDARD.decode(param(&reg, "policy")).unwrap()).unwrap();
    assert!(
        policy["conditions"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["content-length-range", 1, 65536]))
    );
    let big = VideoSpec {
        mdat_len: 100 * 1024,
        ..VideoSpec::mp4(640, 360, 1_000)
    }
    .build();
    let r = upload(&app, &reg, big).await;
    r.expect_s3_error(400, "EntityTooLarge");
    assert!(
        r.body.contains("<MaxSizeAllowed>65536</MaxSizeAllowed>"),
        "{}",
        r.body
    );
    assert_eq!(status(&app, &alice, &reg.media_id).await, "registered");
    let tmp = app.pinbox.media.files.root().join("tmp");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .map(|d| d.collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    // An empty file is below the policy's minimum.
    upload(&app, &reg, Vec::new())
        .await
        .expect_s3_error(400, "EntityTooSmall");
    // At the limit exactly, it goes through.
    let r = upload(&app, &reg, vec![0u8; 64 * 1024]).await;
    assert_eq!(r.status, 204, "{}", r.body);
}

#[tokio::test]
async fn the_upload_takes_only_what_the_policy_names() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let a = register(&app, &alice).await;
    let b = register(&app, &alice).await;

    let mut extra = a.params.clone();
    extra.push(("acl".into(), "public-read".into()));
    let r = post_form(&app, &a.upload_url, &extra, Some(small_mp4())).await;
    r.expect_s3_error(403, "AccessDenied");
    assert!(
        r.body
            .contains("Invalid according to Policy: Extra input fields: acl"),
        "{}",
        r.body
    );

    // A's signed policy cannot carry B's key.
    let r = post_form(
        &app,
        &a.upload_url,
        &with_param(&a, "key", param(&b, "key")),
        Some(small_mp4()),
    )
    .await;
    r.expect_s3_error(403, "AccessDenied");
    assert!(r.body.contains("Policy Condition failed"), "{}", r.body);

    post_form(&app, &a.upload_url, &a.params, None)
        .await
        .expect_s3_error(400, "IncorrectNumberOfFilesInPostRequest");

    let no_key: Vec<_> = a
        .params
        .iter()
        .filter(|(k, _)| k != "key")
        .cloned()
        .collect();
    post_form(&app, &a.upload_url, &no_key, Some(small_mp4()))
        .await
        .expect_s3_error(400, "InvalidArgument");

    let not_multipart = app
        .client
        .post(&a.upload_url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(not_multipart.status(), 400);
    assert!(
        not_multipart
            .text()
            .await
            .unwrap()
            .contains("<Code>MalformedPOSTRequest</Code>")
    );
    for reg in [&a, &b] {
        assert_eq!(status(&app, &alice, &reg.media_id).await, "registered");
    }
    // Fields after the file are ignored, as S3 ignores them.
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in &a.params {
        form = form.text(k.clone(), v.clone());
    }
    form = form
        .part("file", reqwest::multipart::Part::bytes(small_mp4()))
        .text("after", "ignored");
    let r = app
        .client
        .post(&a.upload_url)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

#[tokio::test]
async fn only_the_uploader_sees_an_upload() {
    let app = TestApp::start_with(with_delay(Duration::ZERO)).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let id = uploaded(&app, &alice, small_mp4()).await;
    app.call("media/get")
        .path("media_id", &id)
        .token(&bob.token)
        .send()
        .await
        .expect_error(404, 404, "Media upload not found");
    let bobs = app
        .call("media/list")
        .token(&bob.token)
        .send()
        .await
        .expect(200);
    assert!(bobs.items().is_empty());
    // The same user's Sandbox token does not see a production upload either.
    let sandbox = app
        .token_in(&alice, Scopes::CONTENT, pinbox::domain::env::Env::Sandbox)
        .await;
    let in_sandbox = app
        .client
        .get(format!("{}/sandbox/v5/media/{id}", app.base))
        .bearer_auth(&sandbox)
        .send()
        .await
        .unwrap();
    assert_eq!(in_sandbox.status(), 404);
    app.call("media/get")
        .path("media_id", "12345")
        .token(&alice.token)
        .send()
        .await
        .expect(404);
    // Not an id at all: names no upload either.
    app.call("media/get")
        .path("media_id", "abc")
        .token(&alice.token)
        .send()
        .await
        .expect_error(404, 404, "Media upload not found");
}

#[tokio::test]
async fn the_media_list_pages_newest_first() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(register(&app, &alice).await.media_id);
    }
    ids.reverse();
    let first = app
        .call("media/list")
        .query("page_size", 2)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let mut seen: Vec<String> = first
        .items()
        .iter()
        .map(|i| i["media_id"].as_str().unwrap().to_string())
        .collect();
    let mut bookmark = first.bookmark();
    while let Some(b) = bookmark {
        let page = app
            .call("media/list")
            .query("page_size", 2)
            .query("bookmark", &b)
            .token(&alice.token)
            .send()
            .await
            .expect(200);
        seen.extend(
            page.items()
                .iter()
                .map(|i| i["media_id"].as_str().unwrap().to_string()),
        );
        bookmark = page.bookmark();
    }
    assert_eq!(seen, ids);
    app.call("media/list")
        .query("bookmark", "forged")
        .token(&alice.token)
        .send()
        .await
        .expect(400);
}

#[tokio::test]
async fn unused_uploads_are_cleaned_up_after_the_configured_time() {
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
    let unused = uploaded(&app, &alice, small_mp4()).await;
    let never_uploaded = register(&app, &alice).await.media_id;
    let file = app
        .pinbox
        .media
        .files
        .root()
        .join(format!("video-uploads/{unused}"));
    assert!(file.exists());
    app.advance(Duration::from_secs(3599));
    assert_eq!(app.pinbox.media_uploads.clean_up().await.unwrap(), 0);
    assert_eq!(status(&app, &alice, &unused).await, "succeeded");
    app.advance(Duration::from_secs(2));
    assert_eq!(app.pinbox.media_uploads.clean_up().await.unwrap(), 2);
    for id in [&unused, &never_uploaded] {
        app.call("media/get")
            .path("media_id", id)
            .token(&alice.token)
            .send()
            .await
            .expect(404);
    }
    assert!(!file.exists(), "the unused upload's file is still there");
}

#[tokio::test]
async fn the_cleanup_task_runs_by_itself_on_its_interval() {
    let limits = Limits {
        uploads: UploadSettings {
            unused_ttl: Duration::from_secs(60),
            cleanup_interval: Duration::from_millis(50),
            ..UploadSettings::default()
        },
        ..Limits::default()
    };
    let app = TestApp::start_with(limits).await;
    let alice = app.user("alice").await;
    let id = register(&app, &alice).await.media_id;
    app.advance(Duration::from_secs(61));
    // The task runs on real time; give it a bounded while to notice the moved clock.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let r = app
            .call("media/get")
            .path("media_id", &id)
            .token(&alice.token)
            .send()
            .await;
        if r.status == 404 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the upload was not cleaned up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
