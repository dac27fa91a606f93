//! The Conversions API: events sent to the caller's ad account, checked one by one, kept once
//! per event_id (test requests not at all), the refusals of a body that is not the spec's shape,
//! ownership, scopes and Sandbox; and the advertiser-defined events an account has sent.

use std::time::Duration;

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::clock::Timestamp;
use pinbox::domain::env::Env;
use pinbox::domain::ids::AdAccountId;
use serde_json::{Value, json};

use crate::support::{START, TestApp, TestUser};

const ADS: Scopes = Scopes::of(&[Scope::AdsRead, Scope::AdsWrite]);
const EM: &str = "411e44ce1261728ffd2c0686e44e3fffe413c0e2c5adc498bc7da883d476b9c8";
const MAID: &str = "0192518eb84137ccfe82c8b6322d29631dae7e28ed9d0f6dd5f245d73a58c5f1";
const DAY: i64 = 86_400;

async fn ads_token(app: &TestApp, user: &TestUser) -> String {
    app.token(user, ADS).await
}

async fn ad_account(app: &TestApp, token: &str, currency: &str) -> String {
    app.call("ad_accounts/create")
        .token(token)
        .json(json!({"name": "shop", "currency": currency}))
        .send()
        .await
        .expect(201)
        .id()
}

/// A valid event `ago` seconds before the test clock's start.
fn event(id: &str, ago: i64) -> Value {
    json!({
        "event_name": "checkout",
        "action_source": "web",
        "event_time": START.seconds() - ago,
        "event_id": id,
        "user_data": {"em": [EM]},
        "custom_data": {"value": "72.39", "currency": "USD", "num_items": 2, "order_id": id},
    })
}

fn with(mut event: Value, path: &[&str], value: Value) -> Value {
    let mut slot = &mut event;
    for key in &path[..path.len() - 1] {
        slot = &mut slot[*key];
    }
    slot[path[path.len() - 1]] = value;
    event
}

async fn send(
    app: &TestApp,
    token: &str,
    account: &str,
    events: Vec<Value>,
) -> crate::support::Reply {
    app.call("events/create")
        .path("ad_account_id", account)
        .token(token)
        .json(json!({"data": events}))
        .send()
        .await
}

/// The account's events by name, `(name, count, value to the cent)`, from the week before START.
async fn stored(app: &TestApp, account: &str) -> Vec<(String, i64, f64)> {
    let days = app
        .store
        .daily_conversions(
            AdAccountId(account.parse().unwrap()),
            Env::Production,
            Timestamp(START.0 - 8 * DAY * 1000),
            Timestamp(START.0 + DAY * 1000),
        )
        .await
        .unwrap();
    let mut by_name: std::collections::BTreeMap<String, (i64, f64)> = Default::default();
    for d in days {
        let entry = by_name.entry(d.event_name).or_default();
        entry.0 += d.count;
        entry.1 += d.value;
    }
    by_name
        .into_iter()
        .map(|(name, (count, value))| (name, count, (value * 100.0).round() / 100.0))
        .collect()
}

#[tokio::test]
async fn events_are_processed_and_kept_for_the_callers_ad_account() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice).await;
    let account = ad_account(&app, &token, "EUR").await;
    let full = json!({
        "event_name": "add_to_cart",
        "action_source": "app_ios",
        "event_time": START.seconds() - 60,
        "event_id": "cart-1",
        "user_data": {
            "hashed_maids": [MAID],
            "ph": [EM], "ge": [EM], "db": [EM], "ln": [EM], "fn": [EM], "ct": [EM],
            "st": [EM], "zp": [EM], "country": [EM], "external_id": [EM],
            "client_ip_address": "2001:db8::1",
            "client_user_agent": "Pinterest/7.9 (iPhone)",
            "click_id": "dj0yJnU9b2JDcFFHekV4SHJN",
            "partner_id": "ramp-1",
        },
        "custom_data": {
            "value": "10", "content_ids": ["p1", "p2"],
            "contents": [{"id": "p1", "item_price": "4.50", "quantity": 1}, {"id": "p2", "item_price": "5.50", "quantity": 1}],
            "num_items": 2, "predicted_ltv": "2794.82", "content_name": "shirts",
        },
        "app_id": "429047995", "app_name": "Shop", "app_version": "7.9",
        "app_info": {"app_name": "Shop", "install_time": 1_739_222_269, "window_width": 1320},
        "device_info": {"os_family": "ios", "form_factor": "cellphone", "network_type": "wifi", "battery_level": 78},
        "event_source_url": "https://shop.example/cart", "language": "en", "opt_out": false,
        "partner_name": "ss-partner", "wifi": true,
    });
    let r = send(&app, &token, &account, vec![event("order-1", 3600), full])
        .await
        .expect(200);
    assert_eq!(
        r.json,
        json!({
            "num_events_received": 2,
            "num_events_processed": 2,
            "events": [
                {"status": "processed", "error_message": "", "warning_message": ""},
                {"status": "processed", "error_message": "", "warning_message": ""},
            ],
        })
    );
    assert_eq!(
        stored(&app, &account).await,
        vec![
            ("add_to_cart".to_string(), 1, 10.0),
            ("checkout".to_string(), 1, 72.39)
        ]
    );
}

#[tokio::test]
async fn each_rule_fails_its_event_alone() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice).await;
    let account = ad_account(&app, &token, "USD").await;
    let week = 7 * DAY;
    let cases: Vec<(Value, &str)> = vec![
        (
            with(event("a", 0), &["event_name"], json!("Checkout")),
            "send 'checkout'",
        ),
        (
            with(event("b", 0), &["event_name"], json!("add to cart!")),
            "Invalid event_name",
        ),
        (
            with(event("c", 0), &["action_source"], json!("email")),
            "Invalid action_source",
        ),
        (event("d", week + 1), "is in the past"),
        (event("e", -301), "is in the future"),
        (
            with(event("f", 0), &["event_time"], json!(START.millis())),
            "not milliseconds",
        ),
        (
            with(event("g", 0), &["event_id"], json!(" ")),
            "Invalid event_id",
        ),
        (
            with(
                event("h", 0),
                &["user_data", "em"],
                json!(["alice@example.com"]),
            ),
            "raw email address",
        ),
        (
            with(
                event("i", 0),
                &["user_data", "em"],
                json!([EM.to_uppercase()]),
            ),
            "upper-case",
        ),
        (
            with(
                event("j", 0),
                &["user_data", "ph"],
                json!(["+1 650 555 1212"]),
            ),
            "user_data.ph[0]",
        ),
        (
            with(event("k", 0), &["user_data", "em"], json!([])),
            "nothing to match",
        ),
        (
            with(event("k2", 0), &["user_data"], json!({"ph": [EM]})),
            "nothing to match",
        ),
        (
            with(
                event("k3", 0),
                &["user_data"],
                json!({"client_ip_address": "216.3.128.12"}),
            ),
            "nothing to match",
        ),
        (
            json!({"event_name": "lead", "action_source": "web", "event_time": START.seconds(),
                   "event_id": "l", "user_data": {"client_ip_address": "not-an-ip", "client_user_agent": "x"}}),
            "client_ip_address",
        ),
        (
            with(event("m", 0), &["custom_data", "value"], json!("$72")),
            "custom_data.value",
        ),
        (
            with(
                event("n", 0),
                &["custom_data", "currency"],
                json!("dollars"),
            ),
            "custom_data.currency",
        ),
        (
            with(event("o", 0), &["custom_data", "num_items"], json!(-1)),
            "custom_data.num_items",
        ),
        (
            with(
                event("p", 0),
                &["custom_data", "contents"],
                json!([{"item_price": "free"}]),
            ),
            "contents[0].item_price",
        ),
        (
            with(event("q", 0), &["event_id"], json!("x".repeat(257))),
            "256 characters",
        ),
        (
            with(
                event("r", 0),
                &["custom_data", "order_id"],
                json!("a\u{0}b"),
            ),
            "control character",
        ),
    ];
    let mut events: Vec<Value> = cases.iter().map(|(e, _)| e.clone()).collect();
    // The oldest event still allowed, a small skew ahead, and a plain one: all processed.
    events.push(event("ok-old", week));
    events.push(event("ok-ahead", -300));
    events.push(event("ok", 0));
    let r = send(&app, &token, &account, events).await.expect(422);
    assert_eq!(r.json["code"], 953);
    assert!(r.json["message"].as_str().unwrap().contains("invalid"));
    let details = &r.json["details"];
    assert_eq!(details["num_events_received"], cases.len() + 3);
    assert_eq!(details["num_events_processed"], 3);
    let answers = details["events"].as_array().unwrap();
    for (i, (sent, part)) in cases.iter().enumerate() {
        assert_eq!(answers[i]["status"], "failed", "{sent}");
        let message = answers[i]["error_message"].as_str().unwrap();
        assert!(message.contains(part), "{sent}: {message}");
    }
    for answer in &answers[cases.len()..] {
        assert_eq!(answer["status"], "processed", "{answer}");
    }
    // Only the three good events were kept.
    assert_eq!(
        stored(&app, &account).await,
        vec![("checkout".to_string(), 3, 217.17)]
    );

    // The window moves with pinbox's clock, not the wall clock: a day later the oldest is too old.
    app.advance(Duration::from_secs(DAY as u64));
    let r = send(&app, &token, &account, vec![event("late", week)])
        .await
        .expect(422);
    assert!(
        r.json["details"]["events"][0]["error_message"]
            .as_str()
            .unwrap()
            .contains("in the past")
    );
}

#[tokio::test]
async fn a_body_not_of_the_spec_shape_is_refused_whole() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice).await;
    let account = ad_account(&app, &token, "USD").await;
    let mut missing_id = event("x", 0);
    missing_id.as_object_mut().unwrap().remove("event_id");
    let too_many: Vec<Value> = (0..1001).map(|i| event(&format!("e{i}"), 0)).collect();
    let cases: Vec<(Value, &str)> = vec![
        (json!([event("a", 0)]), "JSON object"),
        (json!({}), "data"),
        (json!({"data": []}), "1 to 1000 events"),
        (json!({"data": too_many}), "1 to 1000 events"),
        (json!({"data": [event("a", 0)], "extra": 1}), "extra"),
        (json!({"data": [event("a", 0), missing_id]}), "event_id"),
        (
            json!({"data": [with(event("a", 0), &["event_time"], json!("now"))]}),
            "data[0].event_time",
        ),
        (
            json!({"data": [with(event("a", 0), &["shoe_size"], json!(9))]}),
            "shoe_size",
        ),
        (
            json!({"data": [with(event("a", 0), &["custom_data", "category_name"], json!("x"))]}),
            "category_name",
        ),
        (
            json!({"data": [with(event("a", 0), &["user_data", "client_ip_address"], json!(null))]}),
            "client_ip_address",
        ),
        (
            json!({"data": [with(event("a", 0), &["app_info"], json!({"app_name": "n".repeat(201)}))]}),
            "data[0].app_info.app_name",
        ),
        (
            json!({"data": [with(event("a", 0), &["device_info"], json!({"battery_level": 101}))]}),
            "data[0].device_info.battery_level",
        ),
        (
            json!({"data": [with(event("a", 0), &["device_info"], json!({"os_family": "beos"}))]}),
            "os_family",
        ),
    ];
    for (body, part) in cases {
        let r = app
            .call("events/create")
            .path("ad_account_id", &account)
            .token(&token)
            .json(body.clone())
            .send()
            .await
            .expect(400);
        let message = r.json["message"].as_str().unwrap();
        assert!(message.contains(part), "{message} should name {part}");
    }
    app.call("events/create")
        .path("ad_account_id", &account)
        .token(&token)
        .raw_body(b"{\"data\": [", Some("application/json"))
        .send()
        .await
        .expect_error(400, 1, "not valid JSON");
    app.call("events/create")
        .path("ad_account_id", &account)
        .token(&token)
        .query("test", "maybe")
        .json(json!({"data": [event("a", 0)]}))
        .send()
        .await
        .expect_error(400, 1, "'test'");
    assert!(stored(&app, &account).await.is_empty(), "nothing was kept");
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice).await;
    let account = ad_account(&app, &token, "USD").await;
    let padding = "a".repeat(9 * 1024 * 1024);
    app.call("events/create")
        .path("ad_account_id", &account)
        .token(&token)
        .json(json!({"data": [with(event("a", 0), &["partner_name"], json!(padding))]}))
        .send()
        .await
        .expect_error(413, 1, "at most 1000 events");
}

#[tokio::test]
async fn a_thousand_events_fit_in_one_request() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice).await;
    let account = ad_account(&app, &token, "USD").await;
    let events: Vec<Value> = (0..1000)
        .map(|i| {
            with(
                with(
                    event(&format!("e{i}"), i),
                    &["user_data", "ph"],
                    json!([MAID]),
                ),
                &["user_data", "client_ip_address"],
                json!("216.3.128.12"),
            )
        })
        .collect();
    let r = send(&app, &token, &account, events).await.expect(200);
    assert_eq!(r.json["num_events_processed"], 1000);
    let kept = stored(&app, &account).await;
    assert_eq!((kept[0].1), 1000);
}

#[tokio::test]
async fn test_requests_are_checked_and_answered_but_not_kept() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice).await;
    let account = ad_account(&app, &token, "USD").await;
    let test_send = |events: Vec<Value>| {
        let (app, token, account) = (&app, &token, &account);
        async move {
            app.call("events/create")
                .path("ad_account_id", account)
                .token(token)
                .query("test", "true")
                .json(json!({"data": events}))
                .send()
                .await
        }
    };
    let r = test_send(vec![
        event("t1", 0),
        with(event("t2", 0), &["event_name"], json!("my_event")),
    ])
    .await
    .expect(200);
    assert_eq!(r.json["num_events_processed"], 2);
    assert!(
        r.json["events"][1]["warning_message"]
            .as_str()
            .unwrap()
            .contains("advertiser-defined")
    );
    // A failing event answers as it would for real.
    let r = test_send(vec![event("t3", 30 * DAY)]).await.expect(422);
    assert_eq!(r.json["details"]["events"][0]["status"], "failed");
    assert!(stored(&app, &account).await.is_empty());
    let names = app
        .call("advertiser_defined_events/get")
        .path("ad_account_id", &account)
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(names.json, json!({"items": []}));

    // A test of an event_id already received warns as the real request would.
    send(&app, &token, &account, vec![event("real", 0)])
        .await
        .expect(200);
    let r = test_send(vec![event("real", 0)]).await.expect(200);
    assert!(
        r.json["events"][0]["warning_message"]
            .as_str()
            .unwrap()
            .contains("Duplicate event_id")
    );
    app.call("events/create")
        .path("ad_account_id", &account)
        .token(&token)
        .query("test", "false")
        .json(json!({"data": [event("kept", 0)]}))
        .send()
        .await
        .expect(200);
    assert_eq!(
        stored(&app, &account).await,
        vec![("checkout".to_string(), 2, 144.78)]
    );
}

#[tokio::test]
async fn a_repeated_event_id_counts_once_with_a_warning() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice).await;
    let account = ad_account(&app, &token, "USD").await;
    let other = ad_account(&app, &token, "USD").await;
    let r = send(
        &app,
        &token,
        &account,
        vec![event("o1", 0), event("o1", 5), event("o2", 0)],
    )
    .await
    .expect(200);
    let warnings: Vec<&str> = r.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["warning_message"].as_str().unwrap())
        .collect();
    assert_eq!(warnings[0], "");
    assert!(
        warnings[1].starts_with("Duplicate event_id"),
        "{warnings:?}"
    );
    assert_eq!(warnings[2], "");
    assert_eq!(r.json["num_events_processed"], 3);
    let r = send(&app, &token, &account, vec![event("o2", 0)])
        .await
        .expect(200);
    assert!(
        r.json["events"][0]["warning_message"]
            .as_str()
            .unwrap()
            .contains("counts it once")
    );
    assert_eq!(
        stored(&app, &account).await,
        vec![("checkout".to_string(), 2, 144.78)]
    );
    // Another ad account's event ids are its own.
    send(&app, &token, &other, vec![event("o1", 0)])
        .await
        .expect(200);
    assert_eq!(stored(&app, &other).await.len(), 1);
}

#[tokio::test]
async fn advertiser_defined_events_list_the_accounts_own_event_names() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = ads_token(&app, &alice).await;
    let account = ad_account(&app, &token, "USD").await;
    let custom = |id: &str, name: &str| with(event(id, 0), &["event_name"], json!(name));
    let r = send(
        &app,
        &token,
        &account,
        vec![
            custom("1", "download_picture"),
            event("2", 0),
            custom("3", "Add-Shipping"),
            custom("4", "DOWNLOAD_PICTURE"),
            custom("5", "custom"),
        ],
    )
    .await
    .expect(200);
    assert_eq!(r.json["events"][1]["warning_message"], "");
    assert_eq!(
        r.json["events"][4]["warning_message"], "",
        "custom is a standard event"
    );
    let list = app
        .call("advertiser_defined_events/get")
        .path("ad_account_id", &account)
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        list.json,
        json!({"items": [
            {"name": "download_picture", "mapped_conversion_type": null},
            {"name": "Add-Shipping", "mapped_conversion_type": null},
        ]})
    );
    // ads:read is enough to read them.
    let reader = app.token(&alice, Scopes::of(&[Scope::AdsRead])).await;
    app.call("advertiser_defined_events/get")
        .path("ad_account_id", &account)
        .token(&reader)
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn only_the_ad_accounts_owner_with_ads_write_may_send_events() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = ads_token(&app, &alice).await;
    let bob_token = ads_token(&app, &bob).await;
    let account = ad_account(&app, &token, "USD").await;
    send(&app, &bob_token, &account, vec![event("a", 0)])
        .await
        .expect_error(403, 29, "Not authorized");
    send(&app, &token, "123456789012345", vec![event("a", 0)])
        .await
        .expect_error(404, 2, "AdAccount not found.");
    app.call("advertiser_defined_events/get")
        .path("ad_account_id", &account)
        .token(&bob_token)
        .send()
        .await
        .expect_error(403, 29, "Not authorized");
    app.call("advertiser_defined_events/get")
        .path("ad_account_id", "123456789012345")
        .token(&token)
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found.");
    // ads:read alone, or every content scope without ads:write, does not send events.
    let reader = app.token(&alice, Scopes::of(&[Scope::AdsRead])).await;
    for t in [&reader, &alice.token] {
        send(&app, t, &account, vec![event("a", 0)])
            .await
            .expect_error(403, 3, "ads:write");
    }
    assert!(stored(&app, &account).await.is_empty());
}

#[tokio::test]
async fn sandbox_does_not_serve_the_conversions_api() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox = app.token_in(&alice, ADS, Env::Sandbox).await;
    let account = app
        .call_sandbox("ad_accounts/create")
        .token(&sandbox)
        .json(json!({"name": "sandboxed"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call_sandbox("events/create")
        .path("ad_account_id", &account)
        .token(&sandbox)
        .json(json!({"data": [event("a", 0)]}))
        .send()
        .await
        .expect_error(403, 29, "not available in API Sandbox");
    app.call_sandbox("advertiser_defined_events/get")
        .path("ad_account_id", &account)
        .token(&sandbox)
        .send()
        .await
        .expect_error(403, 29, "not available in API Sandbox");
}
