//! Analytics (issue 10): the engagement log read back through Pinterest's analytics operations,
//! with the spec's parameter rules and 400 bodies, each day's data_status, seed 002's omission of
//! entities without data, pin_metrics, monthly_views, simulated profiles and the Sandbox refusal.

use std::time::Duration;

use pinbox::catalog::scope::Scopes;
use pinbox::domain::rate_limits::RateLimits;
use serde_json::{Value, json};

use crate::pins::{board, pin};
use crate::support::{TestApp, TestUser};

const DAY: Duration = Duration::from_secs(86_400);

async fn app() -> TestApp {
    TestApp::start_rate_limited(RateLimits::off()).await
}

/// POSTs to one of pinbox's own routes with a bearer token; (status, JSON body).
async fn control(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = app.client.post(format!("{}{path}", app.base)).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON body"))
}

/// Adds exact events through the control API, as a tester's script would.
async fn add(app: &TestApp, user: &TestUser, pin: &str, date: &str, app_type: &str, events: Value) {
    let (status, body) = control(
        app,
        "/_pinbox/engagement",
        Some(&user.token),
        json!({"pin_id": pin, "date": date, "app_type": app_type, "events": events}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn setup(app: &TestApp, name: &str) -> (TestUser, String, String) {
    let user = app.user(name).await;
    let b = board(app, &user, "Analytics", "PUBLIC").await;
    let p = pin(app, &user, &b, "Measured").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    (user, b, p)
}

fn pin_analytics(
    app: &TestApp,
    user: &TestUser,
    pin: &str,
    q: &[(&str, &str)],
) -> crate::support::Call {
    let mut call = app
        .call("pins/analytics")
        .path("pin_id", pin)
        .token(&user.token);
    for (k, v) in q {
        call = call.query(k, v);
    }
    call
}

fn dates(daily: &Value) -> Vec<(String, String)> {
    daily
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                d["data_status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn pin_analytics_reports_days_with_data_and_each_days_status() {
    let app = app().await;
    let (alice, _, p) = setup(&app, "alice").await; // created 2026-11-01
    app.advance(9 * DAY); // today is 2026-11-10
    add(
        &app,
        &alice,
        &p,
        "2026-10-30",
        "WEB",
        json!({"IMPRESSION": 4}),
    )
    .await;
    add(
        &app,
        &alice,
        &p,
        "2026-11-02",
        "MOBILE",
        json!({"IMPRESSION": 30, "OUTBOUND_CLICK": 2}),
    )
    .await;
    add(
        &app,
        &alice,
        &p,
        "2026-11-03",
        "WEB",
        json!({"IMPRESSION": 10, "SAVE": 1, "TOTAL_COMMENTS": 3}),
    )
    .await;

    let r = pin_analytics(
        &app,
        &alice,
        &p,
        &[
            ("start_date", "2026-10-29"),
            ("end_date", "2026-11-12"),
            (
                "metric_types",
                "IMPRESSION,OUTBOUND_CLICK,SAVE_RATE,TOTAL_COMMENTS",
            ),
        ],
    )
    .send()
    .await
    .expect(200);
    let all = &r.json["all"];
    let s = |d: &str, st: &str| (d.to_string(), st.to_string());
    assert_eq!(
        dates(&all["daily_metrics"]),
        vec![
            s("2026-10-29", "BEFORE_PIN_CREATED"),
            s("2026-10-30", "BEFORE_PIN_CREATED"),
            s("2026-10-31", "BEFORE_PIN_CREATED"),
            // 2026-11-01 and 11-04..11-08: READY without data, left out (seed 002).
            s("2026-11-02", "READY"),
            s("2026-11-03", "READY"),
            s("2026-11-09", "PROCESSING"),
            s("2026-11-10", "PROCESSING"),
            // After today: nothing.
        ]
    );
    let day2 = &all["daily_metrics"][3]["metrics"];
    assert_eq!(day2["IMPRESSION"], 30);
    assert_eq!(day2["OUTBOUND_CLICK"], 2);
    assert_eq!(day2["SAVE_RATE"], 0.0);
    assert!(
        day2.get("TOTAL_COMMENTS").is_none(),
        "comments are lifetime only"
    );
    assert_eq!(all["daily_metrics"][1]["metrics"]["IMPRESSION"], 4);
    let summary = &all["summary_metrics"];
    assert_eq!(summary["IMPRESSION"], 44);
    assert_eq!(summary["OUTBOUND_CLICK"], 2);
    assert_eq!(summary["SAVE_RATE"], 1.0 / 44.0);
    assert_eq!(all["lifetime_metrics"], json!({"TOTAL_COMMENTS": 3}));

    // Time passes: the processing days become READY (and, without data, leave the answer).
    app.advance(5 * DAY);
    let later = pin_analytics(
        &app,
        &alice,
        &p,
        &[
            ("start_date", "2026-11-02"),
            ("end_date", "2026-11-10"),
            ("metric_types", "IMPRESSION"),
        ],
    )
    .send()
    .await
    .expect(200);
    assert_eq!(
        dates(&later.json["all"]["daily_metrics"]),
        vec![s("2026-11-02", "READY"), s("2026-11-03", "READY")]
    );
}

#[tokio::test]
async fn app_types_filter_and_split_field_divide_the_counts() {
    let app = app().await;
    let (alice, _, p) = setup(&app, "alice").await;
    add(
        &app,
        &alice,
        &p,
        "2026-11-01",
        "MOBILE",
        json!({"IMPRESSION": 30, "SAVE": 3}),
    )
    .await;
    add(
        &app,
        &alice,
        &p,
        "2026-11-01",
        "WEB",
        json!({"IMPRESSION": 10}),
    )
    .await;
    let q = |extra: &'static [(&'static str, &'static str)]| {
        let mut v = vec![
            ("start_date", "2026-10-25"),
            ("end_date", "2026-11-01"),
            ("metric_types", "IMPRESSION,SAVE"),
        ];
        v.extend_from_slice(extra);
        v
    };
    let split = pin_analytics(&app, &alice, &p, &q(&[("split_field", "APP_TYPE")]))
        .send()
        .await
        .expect(200);
    let groups: Vec<&String> = split.json.as_object().unwrap().keys().collect();
    assert_eq!(
        groups,
        vec!["MOBILE", "WEB"],
        "TABLET has no data and is left out"
    );
    assert_eq!(
        split.json["MOBILE"]["summary_metrics"],
        json!({"IMPRESSION": 30, "SAVE": 3})
    );
    assert_eq!(
        split.json["WEB"]["summary_metrics"],
        json!({"IMPRESSION": 10, "SAVE": 0})
    );

    let web = pin_analytics(&app, &alice, &p, &q(&[("app_types", "WEB")]))
        .send()
        .await
        .expect(200);
    assert_eq!(web.json["all"]["summary_metrics"]["IMPRESSION"], 10);
    let tablet = pin_analytics(&app, &alice, &p, &q(&[("app_types", "TABLET")]))
        .send()
        .await
        .expect(200);
    assert_eq!(tablet.json, json!({}), "all zero: the entity is left out");
    let all = pin_analytics(&app, &alice, &p, &q(&[]))
        .send()
        .await
        .expect(200);
    assert_eq!(all.json["all"]["summary_metrics"]["IMPRESSION"], 40);
}

#[tokio::test]
async fn entities_whose_requested_values_are_all_zero_are_left_out() {
    let app = app().await;
    let (alice, b, p1) = setup(&app, "alice").await;
    let p2 = pin(&app, &alice, &b, "Quiet").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    add(
        &app,
        &alice,
        &p1,
        "2026-11-01",
        "WEB",
        json!({"IMPRESSION": 5}),
    )
    .await;
    add(&app, &alice, &p2, "2026-11-01", "WEB", json!({"SAVE": 1})).await;

    let multi = app
        .call("multi_pins/analytics")
        .token(&alice.token)
        .query("pin_ids", format!("{p1},{p2}"))
        .query("start_date", "2026-11-01")
        .query("end_date", "2026-11-01")
        .query("metric_types", "IMPRESSION")
        .send()
        .await
        .expect(200);
    let keys: Vec<&String> = multi.json.as_object().unwrap().keys().collect();
    assert_eq!(keys, vec![&p1], "p2 has no impressions");
    assert_eq!(multi.json[&p1]["all"]["summary_metrics"]["IMPRESSION"], 5);

    let none = pin_analytics(
        &app,
        &alice,
        &p2,
        &[
            ("start_date", "2026-11-01"),
            ("end_date", "2026-11-01"),
            ("metric_types", "OUTBOUND_CLICK"),
        ],
    )
    .send()
    .await
    .expect(200);
    assert_eq!(none.json, json!({}));

    let user = app
        .call("user_account/analytics")
        .token(&alice.token)
        .query("start_date", "2026-11-01")
        .query("end_date", "2026-11-01")
        .query("metric_types", "PIN_CLICK")
        .send()
        .await
        .expect(200);
    assert_eq!(user.json, json!({}));
}

#[tokio::test]
async fn date_ranges_and_parameters_are_refused_with_each_operations_400_body() {
    let app = app().await;
    let (alice, _, p) = setup(&app, "alice").await; // today 2026-11-01
    let pins_400 = "Invalid pins analytics parameters.";
    for (query, why) in [
        (
            vec![("end_date", "2026-11-01"), ("metric_types", "IMPRESSION")],
            "start_date is required",
        ),
        (
            vec![
                ("start_date", "2026-8-01"),
                ("end_date", "2026-11-01"),
                ("metric_types", "IMPRESSION"),
            ],
            "not a date",
        ),
        (
            vec![
                ("start_date", "2026-08-02"),
                ("end_date", "2026-11-01"),
                ("metric_types", "IMPRESSION"),
            ],
            "90 days back",
        ),
        (
            vec![
                ("start_date", "2026-11-01"),
                ("end_date", "2026-10-31"),
                ("metric_types", "IMPRESSION"),
            ],
            "before start_date",
        ),
        (
            vec![
                ("start_date", "2026-08-03"),
                ("end_date", "2026-11-02"),
                ("metric_types", "IMPRESSION"),
            ],
            "90 days past",
        ),
        (
            vec![("start_date", "2026-11-01"), ("end_date", "2026-11-01")],
            "metric_types is required",
        ),
        (
            vec![
                ("start_date", "2026-11-01"),
                ("end_date", "2026-11-01"),
                ("metric_types", "ENGAGEMENT"),
            ],
            "not one of",
        ),
        (
            vec![
                ("start_date", "2026-11-01"),
                ("end_date", "2026-11-01"),
                ("metric_types", "IMPRESSION"),
                ("split_field", "PIN_FORMAT"),
            ],
            "split_field",
        ),
        (
            vec![
                ("start_date", "2026-11-01"),
                ("end_date", "2026-11-01"),
                ("metric_types", "IMPRESSION"),
                ("app_types", "PHONE"),
            ],
            "app_types",
        ),
    ] {
        let r = pin_analytics(&app, &alice, &p, &query)
            .send()
            .await
            .expect_error(400, 400, pins_400);
        assert!(
            r.json["message"].as_str().unwrap().contains(why),
            "{why}: {}",
            r.json
        );
    }
    // The edges are allowed: 90 days back, a range of 90 days, an end in the future.
    pin_analytics(
        &app,
        &alice,
        &p,
        &[
            ("start_date", "2026-08-03"),
            ("end_date", "2026-11-01"),
            ("metric_types", "IMPRESSION"),
        ],
    )
    .send()
    .await
    .expect(200);
    pin_analytics(
        &app,
        &alice,
        &p,
        &[
            ("start_date", "2026-11-01"),
            ("end_date", "2027-01-30"),
            ("metric_types", "IMPRESSION"),
        ],
    )
    .send()
    .await
    .expect(200);

    let multi = |pin_ids: String| {
        app.call("multi_pins/analytics")
            .token(&alice.token)
            .query("pin_ids", pin_ids)
            .query("start_date", "2026-11-01")
            .query("end_date", "2026-10-01")
            .query("metric_types", "IMPRESSION")
    };
    multi(p.clone())
        .send()
        .await
        .expect_error(400, 1, "Invalid multi_pins analytics parameters.");
    let too_many = (0..101)
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join(",");
    app.call("multi_pins/analytics")
        .token(&alice.token)
        .query("pin_ids", too_many)
        .query("start_date", "2026-11-01")
        .query("end_date", "2026-11-01")
        .query("metric_types", "IMPRESSION")
        .send()
        .await
        .expect_error(400, 1, "1 to 100 Pin ids");

    let user_400 = "Invalid user accounts analytics parameters.";
    let user = |k: &'static str, v: &'static str| {
        app.call("user_account/analytics")
            .token(&alice.token)
            .query("start_date", "2026-11-01")
            .query("end_date", "2026-11-01")
            .query(k, v)
    };
    user("metric_types", "USER_FOLLOW")
        .send()
        .await
        .expect_error(400, 400, user_400);
    user("split_field", "COUNTRY")
        .send()
        .await
        .expect_error(400, 400, user_400);
    user("pin_format", "ORGANIC_CAROUSEL")
        .send()
        .await
        .expect_error(400, 400, user_400);
    user("metric_types", "ENGAGEMENT_RATE")
        .send()
        .await
        .expect(200);

    let top = |op: &'static str, sort: &'static str| {
        app.call(op)
            .token(&alice.token)
            .query("start_date", "2026-11-01")
            .query("end_date", "2026-11-01")
            .query("sort_by", sort)
    };
    top("user_account/analytics/top_pins", "VIDEO_START")
        .send()
        .await
        .expect_error(400, 400, "sort_by");
    top("user_account/analytics/top_video_pins", "PIN_CLICK")
        .send()
        .await
        .expect_error(400, 400, "sort_by");
    top("user_account/analytics/top_video_pins", "VIDEO_START")
        .send()
        .await
        .expect(200);
    top("user_account/analytics/top_pins", "SAVE")
        .query("num_of_pins", "51")
        .send()
        .await
        .expect_error(400, 400, "num_of_pins");
    top("user_account/analytics/top_pins", "SAVE")
        .query("created_in_last_n_days", "7")
        .send()
        .await
        .expect_error(400, 400, "created_in_last_n_days");
    app.call("user_account/analytics/top_pins")
        .token(&alice.token)
        .query("start_date", "2026-11-01")
        .query("end_date", "2026-11-01")
        .send()
        .await
        .expect_error(400, 400, "sort_by is required");
}

#[tokio::test]
async fn only_the_pins_owner_reads_its_analytics() {
    let app = app().await;
    let (alice, _, p) = setup(&app, "alice").await;
    let bob = app.user("bob").await;
    let q = [
        ("start_date", "2026-11-01"),
        ("end_date", "2026-11-01"),
        ("metric_types", "IMPRESSION"),
    ];
    pin_analytics(&app, &bob, &p, &q).send().await.expect_error(
        403,
        403,
        "Not authorized to access board or Pin.",
    );
    pin_analytics(&app, &alice, "1234", &q)
        .send()
        .await
        .expect_error(404, 50, "Pin not found.");
    app.call("multi_pins/analytics")
        .token(&bob.token)
        .query("pin_ids", &p)
        .query("start_date", "2026-11-01")
        .query("end_date", "2026-11-01")
        .query("metric_types", "IMPRESSION")
        .send()
        .await
        .expect_error(401, 7, "Not authorized to access board or Pin.");
}

#[tokio::test]
async fn user_account_analytics_sums_the_users_pins_with_derived_rates() {
    let app = app().await;
    let (alice, b, p1) = setup(&app, "alice").await;
    let p2 = pin(&app, &alice, &b, "Second").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (bob, _, bobs) = setup(&app, "bob").await;
    add(
        &app,
        &alice,
        &p1,
        "2026-10-31",
        "MOBILE",
        json!({"IMPRESSION": 60, "SAVE": 3, "PIN_CLICK": 6}),
    )
    .await;
    add(
        &app,
        &alice,
        &p2,
        "2026-10-31",
        "WEB",
        json!({"IMPRESSION": 40, "OUTBOUND_CLICK": 4, "TOTAL_REACTIONS": 2}),
    )
    .await;
    add(
        &app,
        &bob,
        &bobs,
        "2026-10-31",
        "WEB",
        json!({"IMPRESSION": 1000}),
    )
    .await;
    let r = app
        .call("user_account/analytics")
        .token(&alice.token)
        .query("start_date", "2026-10-31")
        .query("end_date", "2026-10-31")
        .send()
        .await
        .expect(200);
    let s = &r.json["all"]["summary_metrics"];
    assert_eq!(s["IMPRESSION"], 100);
    assert_eq!(s["SAVE"], 3);
    assert_eq!(s["PIN_CLICK"], 6);
    assert_eq!(s["OUTBOUND_CLICK"], 4);
    assert_eq!(
        s["ENGAGEMENT"], 15,
        "saves, clicks, outbound clicks and reactions"
    );
    assert_eq!(s["SAVE_RATE"], 0.03);
    assert_eq!(s["PIN_CLICK_RATE"], 0.06);
    assert_eq!(s["OUTBOUND_CLICK_RATE"], 0.04);
    assert_eq!(s["ENGAGEMENT_RATE"], 0.15);
    assert_eq!(
        dates(&r.json["all"]["daily_metrics"]),
        vec![("2026-10-31".to_string(), "PROCESSING".to_string())]
    );
    let split = app
        .call("user_account/analytics")
        .token(&alice.token)
        .query("start_date", "2026-10-31")
        .query("end_date", "2026-10-31")
        .query("split_field", "APP_TYPE")
        .query("metric_types", "IMPRESSION")
        .send()
        .await
        .expect(200);
    assert_eq!(split.json["MOBILE"]["summary_metrics"]["IMPRESSION"], 60);
    assert_eq!(split.json["WEB"]["summary_metrics"]["IMPRESSION"], 40);
    let claimed = app
        .call("user_account/analytics")
        .token(&alice.token)
        .query("start_date", "2026-10-31")
        .query("end_date", "2026-10-31")
        .query("from_claimed_content", "CLAIMED")
        .send()
        .await
        .expect(200);
    assert_eq!(claimed.json, json!({}), "pinbox has no claimed domains");
}

#[tokio::test]
async fn top_pins_are_sorted_by_the_chosen_metric_and_filtered() {
    let app = app().await;
    let (mut alice, b, old) = setup(&app, "alice").await;
    app.advance(40 * DAY); // 2026-12-11: the first token has expired
    alice.token = app.token(&alice, Scopes::CONTENT).await;
    let mid = pin(&app, &alice, &b, "Mid").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let new = pin(&app, &alice, &b, "New").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let quiet = pin(&app, &alice, &b, "Quiet").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    add(
        &app,
        &alice,
        &old,
        "2026-12-10",
        "WEB",
        json!({"IMPRESSION": 500, "SAVE": 1}),
    )
    .await;
    add(
        &app,
        &alice,
        &mid,
        "2026-12-10",
        "WEB",
        json!({"IMPRESSION": 300, "SAVE": 9}),
    )
    .await;
    add(
        &app,
        &alice,
        &new,
        "2026-12-10",
        "MOBILE",
        json!({"IMPRESSION": 100, "SAVE": 5}),
    )
    .await;
    let _ = quiet;
    let top = |sort: &'static str| {
        app.call("user_account/analytics/top_pins")
            .token(&alice.token)
            .query("start_date", "2026-12-01")
            .query("end_date", "2026-12-11")
            .query("sort_by", sort)
    };
    let ids = |r: &crate::support::Reply| -> Vec<String> {
        r.json["pins"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["pin_id"].as_str().unwrap().to_string())
            .collect()
    };
    let by_impression = top("IMPRESSION").send().await.expect(200);
    assert_eq!(
        ids(&by_impression),
        vec![old.clone(), mid.clone(), new.clone()],
        "the quiet Pin has no data"
    );
    assert_eq!(by_impression.json["sort_by"], "IMPRESSION");
    assert_eq!(by_impression.json["pins"][0]["metrics"]["IMPRESSION"], 500);
    assert_eq!(
        by_impression.json["pins"][0]["data_status"]["IMPRESSION"],
        "PROCESSING"
    );
    let by_save = top("SAVE").send().await.expect(200);
    assert_eq!(ids(&by_save), vec![mid.clone(), new.clone(), old.clone()]);
    let two = top("SAVE").query("num_of_pins", 2).send().await.expect(200);
    assert_eq!(ids(&two), vec![mid.clone(), new.clone()]);
    let recent = top("IMPRESSION")
        .query("created_in_last_n_days", 30)
        .send()
        .await
        .expect(200);
    assert_eq!(ids(&recent), vec![mid.clone(), new.clone()]);
    let mobile = top("IMPRESSION")
        .query("app_types", "MOBILE")
        .send()
        .await
        .expect(200);
    assert_eq!(ids(&mobile), vec![new.clone()]);
    let only_save = top("IMPRESSION")
        .query("metric_types", "SAVE")
        .send()
        .await
        .expect(200);
    let metrics = only_save.json["pins"][0]["metrics"].as_object().unwrap();
    assert_eq!(
        metrics.keys().collect::<Vec<_>>(),
        vec!["IMPRESSION", "SAVE"]
    );
    // Image Pins are not video Pins.
    let video = app
        .call("user_account/analytics/top_video_pins")
        .token(&alice.token)
        .query("start_date", "2026-12-01")
        .query("end_date", "2026-12-11")
        .query("sort_by", "IMPRESSION")
        .send()
        .await
        .expect(200);
    assert_eq!(video.json["pins"], json!([]));
}

#[tokio::test]
async fn pin_reads_carry_90_day_and_lifetime_metrics_when_asked() {
    let app = app().await;
    let (mut alice, b, p) = setup(&app, "alice").await;
    add(
        &app,
        &alice,
        &p,
        "2026-11-01",
        "WEB",
        json!({"IMPRESSION": 7, "PIN_CLICK": 2, "OUTBOUND_CLICK": 1, "TOTAL_REACTIONS": 3}),
    )
    .await;
    app.advance(100 * DAY);
    alice.token = app.token(&alice, Scopes::CONTENT).await;
    add(
        &app,
        &alice,
        &p,
        "2027-02-09",
        "MOBILE",
        json!({"IMPRESSION": 5, "TOTAL_COMMENTS": 1}),
    )
    .await;
    let expected = json!({
        "90d": {"pin_click": 0, "impression": 5, "clickthrough": 0},
        "lifetime_metrics": {"pin_click": 2, "impression": 12, "clickthrough": 1, "reaction": 3, "comment": 1}
    });
    let got = app
        .call("pins/get")
        .path("pin_id", &p)
        .token(&alice.token)
        .query("pin_metrics", "true")
        .send()
        .await
        .expect(200);
    assert_eq!(got.json["pin_metrics"], expected);
    let plain = app
        .call("pins/get")
        .path("pin_id", &p)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(plain.json["pin_metrics"].is_null());
    let listed = app
        .call("pins/list")
        .token(&alice.token)
        .query("pin_metrics", "true")
        .send()
        .await
        .expect(200);
    assert_eq!(listed.items()[0]["pin_metrics"], expected);
    let on_board = app
        .call("boards/list_pins")
        .path("board_id", &b)
        .token(&alice.token)
        .query("pin_metrics", "true")
        .send()
        .await
        .expect(200);
    assert_eq!(on_board.items()[0]["pin_metrics"], expected);
}

#[tokio::test]
async fn monthly_views_count_impressions_of_the_last_30_days() {
    let app = app().await;
    let (alice, _, p) = setup(&app, "alice").await;
    add(
        &app,
        &alice,
        &p,
        "2026-10-02",
        "WEB",
        json!({"IMPRESSION": 1000}),
    )
    .await; // 31 days ago
    add(
        &app,
        &alice,
        &p,
        "2026-10-03",
        "WEB",
        json!({"IMPRESSION": 20}),
    )
    .await; // 30th day back
    add(
        &app,
        &alice,
        &p,
        "2026-11-01",
        "MOBILE",
        json!({"IMPRESSION": 3, "SAVE": 50}),
    )
    .await;
    let me = app
        .call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["monthly_views"], 23);
}

#[tokio::test]
async fn every_concurrent_save_counts_once_on_the_source_pin() {
    let app = app().await;
    let (alice, _, p) = setup(&app, "alice").await;
    let savers: Vec<(TestUser, String)> = {
        let mut v = Vec::new();
        for i in 0..4 {
            let u = app.user(&format!("saver{i}")).await;
            let b = board(&app, &u, "Saved", "PUBLIC").await;
            v.push((u, b));
        }
        v
    };
    let mut tasks = Vec::new();
    for (u, b) in &savers {
        for _ in 0..6 {
            let call = app
                .call("pins/save")
                .path("pin_id", &p)
                .token(&u.token)
                .json(json!({"board_id": b}));
            tasks.push(tokio::spawn(async move { call.send().await.status }));
        }
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let r = pin_analytics(
        &app,
        &alice,
        &p,
        &[
            ("start_date", "2026-11-01"),
            ("end_date", "2026-11-01"),
            ("metric_types", "SAVE"),
        ],
    )
    .send()
    .await
    .expect(200);
    assert_eq!(r.json["all"]["summary_metrics"]["SAVE"], 24);
}

/// Each user's analytics after a simulation, per Pin in creation order.
async fn simulated(app: &TestApp, name: &str, seed: u64) -> Vec<Value> {
    let user = app.user(name).await;
    let b = board(app, &user, "Sim", "PUBLIC").await;
    let mut pins = Vec::new();
    for t in ["a", "b"] {
        pins.push(
            pin(app, &user, &b, t).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let (status, body) = control(
        app,
        "/_pinbox/engagement/simulate",
        Some(&user.token),
        json!({"profile": "steady", "from": "2026-10-26", "to": "2026-11-01", "seed": seed}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["pins"].as_u64(), body["days"].as_u64()),
        (Some(2), Some(7))
    );
    let mut out = Vec::new();
    for p in &pins {
        let r = pin_analytics(
            app,
            &user,
            p,
            &[
                ("start_date", "2026-10-26"),
                ("end_date", "2026-11-01"),
                ("metric_types", "IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK"),
                ("split_field", "APP_TYPE"),
            ],
        )
        .send()
        .await
        .expect(200);
        out.push(r.json);
    }
    out
}

#[tokio::test]
async fn simulated_profiles_are_deterministic_per_seed() {
    let app = app().await;
    let first = simulated(&app, "one", 42).await;
    let again = simulated(&app, "two", 42).await;
    let other = simulated(&app, "three", 43).await;
    assert_eq!(first, again, "same seed, same numbers");
    assert_ne!(first, other, "another seed, other numbers");
    let impressions = first[0]["MOBILE"]["summary_metrics"]["IMPRESSION"]
        .as_i64()
        .unwrap();
    assert!(
        (100..=250).contains(&impressions),
        "steady: ~24 a day on mobile, was {impressions}"
    );

    let (status, body) = control(
        &app,
        "/_pinbox/engagement/simulate",
        Some(&app.user("four").await.token),
        json!({"profile": "sudden", "from": "2026-10-26", "to": "2026-11-01"}),
    )
    .await;
    assert_eq!((status, body["code"].as_u64()), (400, Some(1)), "{body}");
    let profiles = app
        .client
        .get(format!("{}/_pinbox/engagement/profiles", app.base))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let names: Vec<&str> = profiles["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["steady", "viral", "seasonal"]);
}

#[tokio::test]
async fn the_control_api_adds_engagement_only_for_the_pins_owner() {
    let app = app().await;
    let (alice, _, p) = setup(&app, "alice").await;
    let bob = app.user("bob").await;
    let body =
        json!({"pin_id": p, "date": "2026-11-01", "app_type": "WEB", "events": {"IMPRESSION": 1}});
    let (status, _) = control(&app, "/_pinbox/engagement", None, body.clone()).await;
    assert_eq!(status, 401);
    let (status, _) = control(&app, "/_pinbox/engagement", Some(&bob.token), body.clone()).await;
    assert_eq!(status, 403);
    for (field, value) in [
        ("date", json!("2026-11-02")),
        ("date", json!("yesterday")),
        ("app_type", json!("WATCH")),
        ("events", json!({"SAVE_RATE": 1})),
        ("events", json!({"IMPRESSION": -3})),
    ] {
        let mut bad = body.clone();
        bad[field] = value;
        let (status, reply) = control(&app, "/_pinbox/engagement", Some(&alice.token), bad).await;
        assert_eq!(status, 400, "{field}: {reply}");
    }
    let me = app
        .call("user_account/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        me.json["monthly_views"], 0,
        "refused requests added nothing"
    );
}

#[tokio::test]
async fn analytics_are_refused_in_sandbox() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox_token = app
        .token_in(
            &alice,
            pinbox::catalog::scope::Scopes::CONTENT,
            pinbox::domain::env::Env::Sandbox,
        )
        .await;
    for op in [
        "multi_pins/analytics",
        "user_account/analytics",
        "user_account/analytics/top_pins",
        "user_account/analytics/top_video_pins",
    ] {
        app.call_sandbox(op)
            .token(&sandbox_token)
            .send()
            .await
            .expect_error(403, 29, "not available in API Sandbox");
    }
    app.call("pins/analytics")
        .path("pin_id", "123")
        .header("Host", "api-sandbox.pinterest.com")
        .token(&sandbox_token)
        .query("start_date", "2026-11-01")
        .query("end_date", "2026-11-01")
        .query("metric_types", "IMPRESSION")
        .send()
        .await
        .expect_error(403, 29, "not available in API Sandbox");
}
