//! Asynchronous ads reports: the lifecycle on pinbox's clock, downloads that equal the
//! synchronous analytics (JSON and CSV), the request's checks, ownership, templates, Sandbox
//! and expiry.

use std::time::Duration;

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::engagement::{day_of, format_date};
use pinbox::domain::env::Env;
use serde_json::{Value, json};

use crate::fixtures::png_source;
use crate::support::{TestApp, TestUser};

const DAY: Duration = Duration::from_secs(86_400);
const SECOND: Duration = Duration::from_secs(1);
const COLS: &[&str] = &[
    "SPEND_IN_MICRO_DOLLAR",
    "TOTAL_IMPRESSION",
    "TOTAL_CLICKTHROUGH",
    "CTR",
];

struct Setup {
    token: String,
    account: String,
    campaigns: Vec<String>,
}

fn call(app: &TestApp, env: Env, op: &'static str) -> crate::support::Call {
    match env {
        Env::Production => app.call(op),
        Env::Sandbox => app.call_sandbox(op),
    }
}

async fn token(app: &TestApp, user: &TestUser, env: Env) -> String {
    let scopes = Scopes::of(&[
        Scope::AdsRead,
        Scope::AdsWrite,
        Scope::BoardsRead,
        Scope::BoardsWrite,
        Scope::PinsRead,
        Scope::PinsWrite,
    ]);
    app.token_in(user, scopes, env).await
}

async fn create(app: &TestApp, env: Env, s: (&str, &str), op: &'static str, item: Value) -> String {
    let r = call(app, env, op)
        .path("ad_account_id", s.1)
        .token(s.0)
        .json(json!([item]))
        .send()
        .await
        .expect(200);
    r.json["items"][0]["data"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{op}: {}", r.json))
        .to_string()
}

/// An ad account with two campaigns, an ad group and an ad in each, delivering.
async fn setup(app: &TestApp, env: Env, name: &str) -> Setup {
    let user = app.user(name).await;
    let token = token(app, &user, env).await;
    let board = call(app, env, "boards/create")
        .token(&token)
        .json(json!({"name": "Ads"}))
        .send()
        .await
        .expect(201)
        .id();
    let pin = call(app, env, "pins/create")
        .token(&token)
        .json(json!({"board_id": board, "title": "Promoted", "media_source": png_source(20, 10, [1, 2, 3])}))
        .send()
        .await
        .expect(201)
        .id();
    let account = call(app, env, "ad_accounts/create")
        .token(&token)
        .json(json!({"name": "Shop"}))
        .send()
        .await
        .expect(201)
        .id();
    let s = (token.as_str(), account.as_str());
    let mut campaigns = Vec::new();
    for (name, objective, billable) in [
        ("C1", "AWARENESS", "IMPRESSION"),
        ("C2", "CONSIDERATION", "CLICKTHROUGH"),
    ] {
        let c = create(
            app,
            env,
            s,
            "campaigns/create",
            json!({"name": name, "objective_type": objective}),
        )
        .await;
        let g = create(
            app,
            env,
            s,
            "ad_groups/create",
            json!({"campaign_id": c, "name": "G", "budget_in_micro_currency": 40_000_000,
                   "billable_event": billable, "targeting_spec": {"GENDER": ["female"]}}),
        )
        .await;
        create(
            app,
            env,
            s,
            "ads/create",
            json!({"ad_group_id": g, "creative_type": "REGULAR", "pin_id": pin}),
        )
        .await;
        campaigns.push(c);
    }
    Setup {
        token,
        account,
        campaigns,
    }
}

fn date(app: &TestApp, back: i64) -> String {
    format_date(day_of(app.clock.now().millis()) - back)
}

async fn create_report(app: &TestApp, s: &Setup, body: Value) -> String {
    let r = app
        .call("analytics/create_report")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(body)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["report_status"], "IN_PROGRESS");
    r.json["token"].as_str().unwrap().to_string()
}

async fn get_report(app: &TestApp, s: &Setup, token: &str) -> Value {
    app.call("analytics/get_report")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("token", token)
        .send()
        .await
        .expect(200)
        .json
}

/// Downloads a link with no access token: status and body.
async fn fetch(url: &str) -> (u16, String) {
    let r = reqwest::get(url).await.expect("download");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

/// The synchronous answer for the same range.
async fn sync(
    app: &TestApp,
    s: &Setup,
    op: &'static str,
    extra: &[(&str, String)],
    back: i64,
    g: &str,
) -> Value {
    let mut c = app
        .call(op)
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("start_date", date(app, back))
        .query("end_date", date(app, 0))
        .query("granularity", g)
        .query("columns", COLS.join(","));
    for (k, v) in extra {
        c = c.query(k, v);
    }
    c.send().await.expect(200).json
}

/// Rows as comparable strings, whatever their order.
fn sorted(rows: impl IntoIterator<Item = Value>) -> Vec<String> {
    let mut v: Vec<String> = rows.into_iter().map(|r| r.to_string()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn a_report_finishes_on_the_clock_and_its_json_equals_the_analytics() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production, "alice").await;
    app.advance(DAY * 5);
    let token = create_report(
        &app,
        &s,
        json!({"level": "CAMPAIGN", "start_date": date(&app, 4), "end_date": date(&app, 0),
               "granularity": "DAY", "columns": COLS, "campaign_ids": s.campaigns}),
    )
    .await;
    let r = get_report(&app, &s, &token).await;
    assert_eq!(r["report_status"], "IN_PROGRESS");
    assert!(r["url"].is_null());
    app.advance(SECOND);
    assert_eq!(
        get_report(&app, &s, &token).await["report_status"],
        "IN_PROGRESS"
    );
    app.advance(SECOND);
    let r = get_report(&app, &s, &token).await;
    assert_eq!(r["report_status"], "FINISHED");
    let url = r["url"].as_str().unwrap();
    assert!(
        url.contains("/_pinbox/reports/") && url.contains("signature="),
        "{url}"
    );
    let (status, body) = fetch(url).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(r["size"].as_u64().unwrap() as usize, body.len());
    let file: Value = serde_json::from_str(&body).unwrap();
    // Rows are grouped under each campaign's id.
    for (id, rows) in file.as_object().unwrap() {
        for row in rows.as_array().unwrap() {
            assert_eq!(row["CAMPAIGN_ID"], id.as_str());
        }
    }
    let flat = file
        .as_object()
        .unwrap()
        .values()
        .flat_map(|rows| rows.as_array().unwrap().clone());
    let expected = sync(
        &app,
        &s,
        "campaigns/analytics",
        &[("campaign_ids", s.campaigns.join(","))],
        4,
        "DAY",
    )
    .await;
    let expected_rows = expected.as_array().unwrap().clone();
    assert!(expected_rows.len() >= 8, "{expected}");
    assert_eq!(sorted(flat), sorted(expected_rows));
}

#[tokio::test]
async fn a_csv_report_holds_the_account_analytics_and_by_date_groups_json_by_day() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production, "alice").await;
    app.advance(DAY * 4);
    let token = create_report(
        &app,
        &s,
        json!({"level": "ADVERTISER", "start_date": date(&app, 3), "end_date": date(&app, 0),
               "granularity": "DAY", "columns": COLS, "report_format": "CSV"}),
    )
    .await;
    app.advance(SECOND * 3);
    let r = get_report(&app, &s, &token).await;
    let url = r["url"].as_str().unwrap();
    assert!(url.contains(".csv?"), "{url}");
    let (status, body) = fetch(url).await;
    assert_eq!(status, 200);
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "AD_ACCOUNT_ID",
            "DATE",
            "SPEND_IN_MICRO_DOLLAR",
            "TOTAL_IMPRESSION",
            "TOTAL_CLICKTHROUGH",
            "CTR"
        ]
    );
    let expected = sync(&app, &s, "ad_account/analytics", &[], 3, "DAY").await;
    let expected = expected.as_array().unwrap();
    let got: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(got.len(), expected.len());
    for (line, row) in got.iter().zip(expected) {
        assert_eq!(line[0], row["AD_ACCOUNT_ID"].as_str().unwrap());
        assert_eq!(line[1], row["DATE"].as_str().unwrap());
        assert_eq!(line[2], row["SPEND_IN_MICRO_DOLLAR"].to_string());
        assert_eq!(line[3], row["TOTAL_IMPRESSION"].to_string());
        assert_eq!(line[4], row["TOTAL_CLICKTHROUGH"].to_string());
        assert_eq!(line[5], row["CTR"].to_string());
    }

    let token = create_report(
        &app,
        &s,
        json!({"level": "PIN_PROMOTION", "start_date": date(&app, 2), "end_date": date(&app, 1),
               "granularity": "DAY", "columns": COLS, "primary_sort": "BY_DATE"}),
    )
    .await;
    app.advance(SECOND * 3);
    let url = get_report(&app, &s, &token).await["url"]
        .as_str()
        .unwrap()
        .to_string();
    let file: Value = serde_json::from_str(&fetch(&url).await.1).unwrap();
    let days: Vec<&String> = file.as_object().unwrap().keys().collect();
    assert_eq!(days, [&date(&app, 2), &date(&app, 1)]);
    for (day, rows) in file.as_object().unwrap() {
        assert_eq!(
            rows.as_array().unwrap().len(),
            2,
            "two ads delivered on {day}"
        );
    }
}

#[tokio::test]
async fn bad_requests_are_400_naming_the_field() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production, "alice").await;
    let good = json!({"level": "CAMPAIGN", "start_date": date(&app, 3), "end_date": date(&app, 0),
                      "granularity": "DAY", "columns": COLS});
    let cases: Vec<(&str, Value, &str)> = vec![
        ("level", Value::Null, "'level' is required"),
        ("level", json!("CAMPAIGNS"), "'level'"),
        ("level", json!("PRODUCT_ITEM"), "not simulated"),
        ("columns", json!(["NOPE"]), "'columns'"),
        ("columns", Value::Null, "'columns' is required"),
        ("granularity", json!("YEAR"), "'granularity'"),
        ("start_date", json!(date(&app, 915)), "914 days"),
        ("start_date", json!("2025-13-01"), "'start_date'"),
        ("end_date", Value::Null, "'end_date' is required"),
        ("report_format", json!("XML"), "'report_format'"),
        ("campaign_ids", json!(["12x"]), "'campaign_ids'"),
        (
            "campaign_ids",
            json!([]),
            "'campaign_ids' must hold 1 to 500",
        ),
        ("click_window_days", json!(5), "'click_window_days'"),
        (
            "click_window_days",
            json!("7"),
            "'click_window_days' must be an integer",
        ),
        (
            "conversion_report_time",
            json!("LATER"),
            "'conversion_report_time'",
        ),
        ("targeting_types", json!(["GENDER"]), "_TARGETING"),
        ("ad_statuses", json!(["RUNNING"]), "'ad_statuses'"),
        (
            "start_hour",
            json!(3),
            "only allowed with 'granularity' HOUR",
        ),
        (
            "metrics_filters",
            json!([{"field": "CTR", "operator": "LESS_THAN", "values": [1]}]),
            "'metrics_filters'",
        ),
        ("primary_sort", json!("BY_NAME"), "'primary_sort'"),
    ];
    for (field, value, message) in cases {
        let mut body = good.clone();
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value;
        }
        app.call("analytics/create_report")
            .path("ad_account_id", &s.account)
            .token(&s.token)
            .json(body)
            .send()
            .await
            .expect_error(400, 1, message);
    }
    // Hourly reports reach 8 days back, over at most 3 days.
    let mut hourly = good.clone();
    hourly["granularity"] = json!("HOUR");
    hourly["start_date"] = json!(date(&app, 4));
    hourly["end_date"] = json!(date(&app, 0));
    app.call("analytics/create_report")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(hourly)
        .send()
        .await
        .expect_error(400, 1, "3 days past");
    app.call("analytics/get_report")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .send()
        .await
        .expect(400);
    app.call("analytics/get_report")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("token", "0123456789abcdef0123456789abcdef")
        .send()
        .await
        .expect_error(404, 404, "Report not found");
}

#[tokio::test]
async fn reports_belong_to_their_ad_account_and_forged_links_are_refused() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production, "alice").await;
    let bob = setup(&app, Env::Production, "bob").await;
    app.advance(DAY * 2);
    let body = json!({"level": "ADVERTISER", "start_date": date(&app, 1), "end_date": date(&app, 0),
                      "granularity": "TOTAL", "columns": COLS});
    let token = create_report(&app, &s, body.clone()).await;
    app.advance(SECOND * 3);
    // Bob's ad account does not have Alice's report; Alice's account is not Bob's to ask.
    app.call("analytics/get_report")
        .path("ad_account_id", &bob.account)
        .token(&bob.token)
        .query("token", &token)
        .send()
        .await
        .expect_error(404, 404, "Report not found");
    let r = app
        .call("analytics/get_report")
        .path("ad_account_id", &s.account)
        .token(&bob.token)
        .query("token", &token)
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app
        .call("analytics/create_report")
        .path("ad_account_id", &s.account)
        .token(&bob.token)
        .json(body)
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let url = get_report(&app, &s, &token).await["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(fetch(&url).await.0, 200);
    let forged = format!("{}0", &url[..url.len() - 1]);
    let forged = if forged == url {
        format!("{}1", &url[..url.len() - 1])
    } else {
        forged
    };
    assert_eq!(fetch(&forged).await.0, 404);
    assert_eq!(fetch(&url.replace("expires=", "expires=9")).await.0, 404);
    let unsigned = url.split('?').next().unwrap();
    assert_eq!(fetch(unsigned).await.0, 404);
}

#[tokio::test]
async fn links_last_five_minutes_and_reports_an_hour_then_expire() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production, "alice").await;
    app.advance(DAY * 2);
    let token = create_report(
        &app,
        &s,
        json!({"level": "AD_GROUP", "start_date": date(&app, 1), "end_date": date(&app, 0),
               "granularity": "TOTAL", "columns": COLS}),
    )
    .await;
    app.advance(SECOND * 2);
    let url = get_report(&app, &s, &token).await["url"]
        .as_str()
        .unwrap()
        .to_string();
    app.advance(Duration::from_secs(299));
    assert_eq!(fetch(&url).await.0, 200);
    app.advance(SECOND);
    assert_eq!(fetch(&url).await.0, 410);
    // A new link works again, until the report's hour is over.
    let fresh = get_report(&app, &s, &token).await["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(fetch(&fresh).await.0, 200);
    app.advance(Duration::from_secs(3600 - 300 - 1));
    assert_eq!(
        get_report(&app, &s, &token).await["report_status"],
        "FINISHED"
    );
    app.advance(SECOND);
    let r = get_report(&app, &s, &token).await;
    assert_eq!(r["report_status"], "EXPIRED");
    assert!(r["url"].is_null());
    assert_eq!(fetch(&fresh).await.0, 410);
}

#[tokio::test]
async fn templates_are_listed_and_make_reports_with_optional_dates() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production, "alice").await;
    app.advance(DAY * 10);
    let r = app
        .call("templates/list")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .send()
        .await
        .expect(200);
    let ids: Vec<String> = r
        .items()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(r.items()[0]["ad_account_id"], s.account.as_str());
    // Paged, then descending.
    let first = app
        .call("templates/list")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("page_size", 2)
        .send()
        .await
        .expect(200);
    assert_eq!(first.items().len(), 2);
    let rest = app
        .call("templates/list")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("page_size", 2)
        .query("bookmark", first.bookmark().unwrap())
        .send()
        .await
        .expect(200);
    assert_eq!(rest.items()[0]["id"], ids[2].as_str());
    assert!(rest.bookmark().is_none());
    let desc = app
        .call("templates/list")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("order", "DESCENDING")
        .send()
        .await
        .expect(200);
    assert_eq!(desc.items()[0]["id"], ids[2].as_str());
    // An empty bookmark is the first page; one pinbox did not answer is a 400.
    let empty = app
        .call("templates/list")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("bookmark", "")
        .send()
        .await
        .expect(200);
    assert_eq!(empty.items().len(), 3);
    app.call("templates/list")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("bookmark", "nope")
        .send()
        .await
        .expect_error(400, 1, "'bookmark'");

    // The first template: campaigns by day, CSV; here over two days of our choosing, in total.
    let r = app
        .call("analytics/create_template_report")
        .path("ad_account_id", &s.account)
        .path("template_id", &ids[0])
        .token(&s.token)
        .query("start_date", date(&app, 2))
        .query("end_date", date(&app, 1))
        .query("granularity", "TOTAL")
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["template_id"], ids[0].as_str());
    let token = r.json["token"].as_str().unwrap().to_string();
    app.advance(SECOND * 2);
    let got = get_report(&app, &s, &token).await;
    let (_, csv) = fetch(got["url"].as_str().unwrap()).await;
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("CAMPAIGN_ID,CAMPAIGN_NAME,SPEND_IN_MICRO_DOLLAR"),
        "{header}"
    );
    assert_eq!(csv.lines().count(), 3, "{csv}");
    // Without dates: its own range (7 days back to yesterday).
    let r = app
        .call("analytics/create_template_report")
        .path("ad_account_id", &s.account)
        .path("template_id", &ids[1])
        .token(&s.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["report_status"], "IN_PROGRESS");
    app.call("analytics/create_template_report")
        .path("ad_account_id", &s.account)
        .path("template_id", "999")
        .token(&s.token)
        .send()
        .await
        .expect(404);
    app.call("analytics/create_template_report")
        .path("ad_account_id", &s.account)
        .path("template_id", &ids[0])
        .token(&s.token)
        .query("granularity", "DECADE")
        .send()
        .await
        .expect_error(400, 1, "'granularity'");
}

#[tokio::test]
async fn sandbox_lists_templates_and_refuses_the_reports() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Sandbox, "alice").await;
    app.call_sandbox("templates/list")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .send()
        .await
        .expect(200);
    let body = json!({"level": "ADVERTISER", "start_date": date(&app, 1), "end_date": date(&app, 0),
                      "granularity": "TOTAL", "columns": COLS});
    for status in [
        app.call_sandbox("analytics/create_report")
            .path("ad_account_id", &s.account)
            .token(&s.token)
            .json(body)
            .send()
            .await
            .status,
        app.call_sandbox("analytics/get_report")
            .path("ad_account_id", &s.account)
            .token(&s.token)
            .query("token", "x")
            .send()
            .await
            .status,
        app.call_sandbox("analytics/create_template_report")
            .path("ad_account_id", &s.account)
            .path("template_id", "7100000000000001")
            .token(&s.token)
            .send()
            .await
            .status,
    ] {
        assert!((400..500).contains(&status), "{status}");
    }
}
