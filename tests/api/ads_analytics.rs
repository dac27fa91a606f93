//! Ads analytics: simulated delivery within budgets, consistent sums across levels and
//! granularities, targeting breakdowns, the parameters' limits, and Sandbox.

use std::collections::HashMap;
use std::time::Duration;

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::engagement::{day_of, format_date};
use pinbox::domain::env::Env;
use serde_json::{Value, json};

use crate::fixtures::png_source;
use crate::support::{TestApp, TestUser};

const DAY: Duration = Duration::from_secs(86_400);
const COLS: &str = "SPEND_IN_MICRO_DOLLAR,TOTAL_IMPRESSION,TOTAL_CLICKTHROUGH,OUTBOUND_CLICK_1,CTR";

struct Setup {
    user: TestUser,
    token: String,
    account: String,
    campaigns: Vec<String>,
    /// Ad group id and its daily budget.
    groups: Vec<(String, i64)>,
    ads: Vec<String>,
    pin: String,
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

fn call(app: &TestApp, env: Env, op: &'static str) -> crate::support::Call {
    match env {
        Env::Production => app.call(op),
        Env::Sandbox => app.call_sandbox(op),
    }
}

async fn create(
    app: &TestApp,
    env: Env,
    token: &str,
    account: &str,
    op: &'static str,
    item: Value,
) -> String {
    let r = call(app, env, op)
        .path("ad_account_id", account)
        .token(token)
        .json(json!([item]))
        .send()
        .await
        .expect(200);
    let data = &r.json["items"][0]["data"];
    assert!(data.is_object(), "{op}: {}", r.json);
    data["id"].as_str().unwrap().to_string()
}

/// Two campaigns (one capped at 60 a day), three ad groups with daily budgets, five ads.
async fn setup(app: &TestApp, env: Env) -> Setup {
    let user = app.user("alice").await;
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
    let c1 = create(
        app,
        env,
        &token,
        &account,
        "campaigns/create",
        json!({"name": "C1", "objective_type": "AWARENESS"}),
    )
    .await;
    let c2 = create(
        app,
        env,
        &token,
        &account,
        "campaigns/create",
        json!({"name": "C2", "objective_type": "CONSIDERATION", "daily_spend_cap": 60_000_000}),
    )
    .await;
    let mut groups = Vec::new();
    for (campaign, budget, billable, spec) in [
        (
            &c1,
            40_000_000i64,
            "IMPRESSION",
            json!({"GENDER": ["female"], "AGE_BUCKET": ["25-34", "35-44"]}),
        ),
        (&c2, 50_000_000, "CLICKTHROUGH", json!({})),
        (
            &c2,
            45_000_000,
            "CLICKTHROUGH",
            json!({"APPTYPE": ["iphone", "web"]}),
        ),
    ] {
        let id = create(
            app,
            env,
            &token,
            &account,
            "ad_groups/create",
            json!({
                "campaign_id": campaign, "name": "G", "budget_in_micro_currency": budget,
                "billable_event": billable, "targeting_spec": spec,
            }),
        )
        .await;
        groups.push((id, budget));
    }
    let mut ads = Vec::new();
    for g in [0, 0, 1, 2, 2] {
        ads.push(
            create(
                app,
                env,
                &token,
                &account,
                "ads/create",
                json!({
                    "ad_group_id": groups[g].0, "creative_type": "REGULAR", "pin_id": pin,
                }),
            )
            .await,
        );
    }
    Setup {
        user,
        token,
        account,
        campaigns: vec![c1, c2],
        groups,
        ads,
        pin,
    }
}

fn today(app: &TestApp) -> i64 {
    day_of(app.clock.now().millis())
}

async fn analytics(
    app: &TestApp,
    s: &Setup,
    op: &'static str,
    params: Vec<(&'static str, String)>,
) -> Value {
    let mut c = app
        .call(op)
        .path("ad_account_id", &s.account)
        .token(&s.token);
    for (k, v) in params {
        c = c.query(k, v);
    }
    c.send().await.expect(200).json
}

fn range(app: &TestApp, back: i64, granularity: &str) -> Vec<(&'static str, String)> {
    let t = today(app);
    vec![
        ("start_date", format_date(t - back)),
        ("end_date", format_date(t)),
        ("granularity", granularity.to_string()),
        ("columns", COLS.to_string()),
    ]
}

fn with(
    mut p: Vec<(&'static str, String)>,
    k: &'static str,
    v: &str,
) -> Vec<(&'static str, String)> {
    p.push((k, v.to_string()));
    p
}

/// Sum of a column by (key, DATE).
fn by(rows: &Value, key: &str, col: &str) -> HashMap<(String, String), i64> {
    let mut out = HashMap::new();
    for r in rows.as_array().unwrap() {
        let k = (
            r[key].as_str().unwrap().to_string(),
            r["DATE"].as_str().unwrap_or("").to_string(),
        );
        *out.entry(k).or_insert(0) += r[col].as_i64().unwrap();
    }
    out
}

fn total(rows: &Value, col: &str) -> i64 {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[col].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn ninety_days_of_delivery_keep_to_budgets_and_every_level_sums_up() {
    let app = TestApp::start().await;
    let mut s = setup(&app, Env::Production).await;
    app.advance(DAY * 91);
    // Access tokens last 30 days.
    s.token = token(&app, &s.user, Env::Production).await;
    let days = range(&app, 90, "DAY");
    let ads = analytics(&app, &s, "ads/analytics", days.clone()).await;
    let group_ids: Vec<&str> = s.groups.iter().map(|g| g.0.as_str()).collect();
    let groups = analytics(
        &app,
        &s,
        "ad_groups/analytics",
        with(days.clone(), "ad_group_ids", &group_ids.join(",")),
    )
    .await;
    let campaigns = analytics(
        &app,
        &s,
        "campaigns/analytics",
        with(days.clone(), "campaign_ids", &s.campaigns.join(",")),
    )
    .await;
    let account = analytics(&app, &s, "ad_account/analytics", days.clone()).await;

    // Every ad group delivered on each of the 90 full days, within its daily budget.
    let spend = by(&groups, "AD_GROUP_ID", "SPEND_IN_MICRO_DOLLAR");
    for (id, budget) in &s.groups {
        let days: Vec<_> = spend.iter().filter(|((g, _), _)| g == id).collect();
        assert!(days.len() >= 90, "{id}: {} days", days.len());
        for ((_, date), v) in days {
            assert!(*v <= *budget, "{id} on {date}: {v} > {budget}");
            assert!(*v > 0);
        }
    }
    // The capped campaign never passes its daily cap.
    for ((c, date), v) in by(&campaigns, "CAMPAIGN_ID", "SPEND_IN_MICRO_DOLLAR") {
        if c == s.campaigns[1] {
            assert!(v <= 60_000_000, "{date}: {v}");
        }
    }
    for col in [
        "SPEND_IN_MICRO_DOLLAR",
        "TOTAL_IMPRESSION",
        "TOTAL_CLICKTHROUGH",
        "OUTBOUND_CLICK_1",
    ] {
        let t = total(&account, col);
        assert!(t > 0, "{col}");
        assert_eq!(total(&ads, col), t, "{col}: ads vs account");
        assert_eq!(total(&groups, col), t, "{col}: ad groups vs account");
        assert_eq!(total(&campaigns, col), t, "{col}: campaigns vs account");
    }
    // Day by day too.
    let mut per_day: HashMap<String, i64> = HashMap::new();
    for ((_, date), v) in by(&ads, "AD_ID", "TOTAL_IMPRESSION") {
        *per_day.entry(date).or_default() += v;
    }
    for ((_, date), v) in by(&account, "AD_ACCOUNT_ID", "TOTAL_IMPRESSION") {
        assert_eq!(per_day[&date], v, "{date}");
    }
    // Rates are derived at each row's level.
    for r in account.as_array().unwrap() {
        let ctr = r["CTR"].as_f64().unwrap();
        let expect =
            r["TOTAL_CLICKTHROUGH"].as_f64().unwrap() / r["TOTAL_IMPRESSION"].as_f64().unwrap();
        assert!((ctr - expect).abs() < 1e-12);
        assert!((0.0015..0.021).contains(&ctr), "{ctr}");
    }
    // Deterministic.
    assert_eq!(analytics(&app, &s, "ads/analytics", days).await, ads);
}

#[tokio::test]
async fn granularities_regroup_the_same_hours() {
    let app = TestApp::start().await;
    let mut s = setup(&app, Env::Production).await;
    app.advance(DAY * 40 + Duration::from_secs(5 * 3600 + 60));
    s.token = token(&app, &s.user, Env::Production).await;
    let t = analytics(&app, &s, "ad_account/analytics", range(&app, 45, "TOTAL")).await;
    assert_eq!(t.as_array().unwrap().len(), 1);
    assert!(t[0].get("DATE").is_none());
    let spend = total(&t, "SPEND_IN_MICRO_DOLLAR");
    for g in ["DAY", "WEEK", "MONTH", "HOUR"] {
        let rows = analytics(&app, &s, "ad_account/analytics", range(&app, 45, g)).await;
        assert_eq!(total(&rows, "SPEND_IN_MICRO_DOLLAR"), spend, "{g}");
        assert_eq!(
            total(&rows, "TOTAL_IMPRESSION"),
            total(&t, "TOTAL_IMPRESSION"),
            "{g}"
        );
    }
    let weeks = analytics(&app, &s, "ad_account/analytics", range(&app, 45, "WEEK")).await;
    assert!(
        (6..=8).contains(&weeks.as_array().unwrap().len()),
        "{weeks}"
    );
    // Today counts only the hours that have ended: 5 of them.
    let hours = analytics(&app, &s, "ad_account/analytics", range(&app, 0, "HOUR")).await;
    let hs: Vec<i64> = hours
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["HOUR"].as_i64().unwrap())
        .collect();
    assert_eq!(hs, vec![0, 1, 2, 3, 4]);
    // Before anything existed, nothing.
    let before = analytics(
        &app,
        &s,
        "ad_account/analytics",
        vec![
            ("start_date", format_date(today(&app) - 60)),
            ("end_date", format_date(today(&app) - 41)),
            ("granularity", "DAY".into()),
            ("columns", COLS.into()),
        ],
    )
    .await;
    assert_eq!(before, json!([]));
}

#[tokio::test]
async fn a_paused_ad_delivers_nothing_after_its_pause_and_its_group_spends_less() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production).await;
    app.advance(DAY * 10);
    let r = app
        .call("ads/update")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!([{"id": s.ads[0], "status": "PAUSED"}]))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["items"][0]["data"]["status"], "PAUSED");
    app.advance(DAY * 10);
    let rows = analytics(
        &app,
        &s,
        "ads/analytics",
        with(range(&app, 25, "DAY"), "ad_ids", &s.ads[0]),
    )
    .await;
    let pause_day = today(&app) - 10;
    let dates: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["DATE"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(dates.len(), 10, "{dates:?}");
    assert!(
        dates.iter().all(|d| *d < format_date(pause_day)),
        "{dates:?}"
    );
    // A paused campaign stops every ad under it.
    app.call("campaigns/update")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!([{"id": s.campaigns[1], "status": "PAUSED"}]))
        .send()
        .await
        .expect(200);
    app.advance(DAY * 3);
    let later = analytics(
        &app,
        &s,
        "campaigns/analytics",
        vec![
            ("start_date", format_date(today(&app) - 2)),
            ("end_date", format_date(today(&app))),
            ("granularity", "DAY".into()),
            ("columns", COLS.into()),
            ("campaign_ids", s.campaigns[1].clone()),
        ],
    )
    .await;
    assert_eq!(later, json!([]));
}

#[tokio::test]
async fn targeting_breakdowns_sum_to_the_totals() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production).await;
    app.advance(DAY * 8);
    let base = range(&app, 7, "TOTAL");
    let totals = analytics(&app, &s, "ad_account/analytics", base.clone()).await;
    let split = analytics(
        &app,
        &s,
        "ad_account_targeting_analytics/get",
        with(base.clone(), "targeting_types", "GENDER,AGE_BUCKET,APPTYPE"),
    )
    .await;
    let data = split["data"].as_array().unwrap();
    for kind in ["GENDER", "AGE_BUCKET", "APPTYPE"] {
        let parts: Vec<&Value> = data
            .iter()
            .filter(|d| d["targeting_type"] == kind)
            .collect();
        assert!(parts.len() >= 2, "{kind}");
        for col in [
            "SPEND_IN_MICRO_DOLLAR",
            "TOTAL_IMPRESSION",
            "TOTAL_CLICKTHROUGH",
        ] {
            let sum: i64 = parts
                .iter()
                .map(|p| p["metrics"][col].as_i64().unwrap())
                .sum();
            assert_eq!(sum, totals[0][col].as_i64().unwrap(), "{kind} {col}");
        }
    }
    // An ad group's own targeting names its values.
    let g = analytics(
        &app,
        &s,
        "ad_groups_targeting_analytics/get",
        with(
            with(base, "targeting_types", "GENDER"),
            "ad_group_ids",
            &s.groups[0].0,
        ),
    )
    .await;
    let values: Vec<&str> = g["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["targeting_value"].as_str().unwrap())
        .collect();
    assert_eq!(values, vec!["female"]);
}

/// A request's query parameters.
type Query = Vec<(&'static str, String)>;

#[tokio::test]
async fn bad_parameters_are_refused_naming_them() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production).await;
    let t = today(&app);
    let ok = range(&app, 3, "DAY");
    let cases: Vec<(&'static str, Query, &str)> = vec![
        (
            "ad_account/analytics",
            with(
                ok[..3].to_vec(),
                "columns",
                "SPEND_IN_MICRO_DOLLAR,NOT_A_COLUMN",
            ),
            "NOT_A_COLUMN",
        ),
        (
            "ad_account/analytics",
            ok[..3].to_vec(),
            "'columns' is required",
        ),
        (
            "ad_account/analytics",
            vec![
                ("start_date", format_date(t - 91)),
                ("end_date", format_date(t)),
                ("granularity", "DAY".into()),
                ("columns", COLS.into()),
            ],
            "90 days back",
        ),
        (
            "ad_account/analytics",
            vec![
                ("start_date", format_date(t - 10)),
                ("end_date", format_date(t + 81)),
                ("granularity", "DAY".into()),
                ("columns", COLS.into()),
            ],
            "90 days past",
        ),
        (
            "ad_account/analytics",
            vec![
                ("start_date", format_date(t)),
                ("end_date", format_date(t - 1)),
                ("granularity", "DAY".into()),
                ("columns", COLS.into()),
            ],
            "before 'start_date'",
        ),
        (
            "ad_account/analytics",
            vec![
                ("start_date", "2026-13-01".into()),
                ("end_date", format_date(t)),
                ("granularity", "DAY".into()),
                ("columns", COLS.into()),
            ],
            "'start_date'",
        ),
        (
            "ad_account/analytics",
            with(ok[..2].to_vec(), "columns", COLS),
            "'granularity'",
        ),
        (
            "ad_account/analytics",
            with(ok.clone(), "click_window_days", "3"),
            "'click_window_days'",
        ),
        (
            "ad_account/analytics",
            with(ok.clone(), "conversion_report_time", "LATER"),
            "'conversion_report_time'",
        ),
        (
            "campaigns/analytics",
            ok.clone(),
            "'campaign_ids' is required",
        ),
        (
            "ad_groups/analytics",
            ok.clone(),
            "'ad_group_ids' is required",
        ),
        (
            "ad_groups/analytics",
            with(ok.clone(), "ad_group_ids", "12x"),
            "'ad_group_ids'",
        ),
        (
            "ad_account_targeting_analytics/get",
            ok.clone(),
            "'targeting_types' is required",
        ),
        (
            "ad_account_targeting_analytics/get",
            with(ok.clone(), "targeting_types", "SHOE_SIZE"),
            "SHOE_SIZE",
        ),
    ];
    for (op, params, part) in cases {
        let mut c = app
            .call(op)
            .path("ad_account_id", &s.account)
            .token(&s.token);
        for (k, v) in &params {
            c = c.query(k, v);
        }
        c.send().await.expect_error(400, 1, part);
    }
    // Windows in the spec's enum are taken.
    analytics(
        &app,
        &s,
        "ad_account/analytics",
        with(
            with(ok, "click_window_days", "7"),
            "conversion_report_time",
            "TIME_OF_CONVERSION",
        ),
    )
    .await;
}

#[tokio::test]
async fn promoted_pins_sum_their_ads_and_sandbox_serves_what_it_enables() {
    let app = TestApp::start().await;
    let s = setup(&app, Env::Production).await;
    app.advance(DAY * 5);
    let base = range(&app, 4, "TOTAL");
    let pins = analytics(
        &app,
        &s,
        "ad_pins/analytics",
        with(
            with(base.clone(), "campaign_id", &s.campaigns[1]),
            "pin_ids",
            &s.pin,
        ),
    )
    .await;
    let campaign = analytics(
        &app,
        &s,
        "campaigns/analytics",
        with(base.clone(), "campaign_ids", &s.campaigns[1]),
    )
    .await;
    assert_eq!(pins[0]["PIN_ID"], s.pin.as_str());
    assert_eq!(
        pins[0]["SPEND_IN_MICRO_DOLLAR"],
        campaign[0]["SPEND_IN_MICRO_DOLLAR"]
    );

    let sandbox = TestApp::start().await;
    let sb = setup(&sandbox, Env::Sandbox).await;
    sandbox.advance(DAY * 3);
    let r = sandbox
        .call_sandbox("ad_account/analytics")
        .path("ad_account_id", &sb.account)
        .token(&sb.token);
    let mut r = r;
    for (k, v) in range(&sandbox, 2, "DAY") {
        r = r.query(k, v);
    }
    let rows = r.send().await.expect(200).json;
    assert!(total(&rows, "SPEND_IN_MICRO_DOLLAR") > 0);
    let mut refused = sandbox
        .call_sandbox("ad_pins/analytics")
        .path("ad_account_id", &sb.account)
        .token(&sb.token);
    for (k, v) in with(
        with(range(&sandbox, 2, "DAY"), "campaign_id", &sb.campaigns[0]),
        "pin_ids",
        &sb.pin,
    ) {
        refused = refused.query(k, v);
    }
    let status = refused.send().await.status;
    assert!((400..500).contains(&status), "{status}");
}

#[tokio::test]
async fn conversions_api_events_show_up_in_the_conversion_columns() {
    let app = TestApp::start().await;
    let mut s = setup(&app, Env::Production).await;
    // Noon, so that a minute before it is today and a day and a minute before it yesterday.
    app.advance(DAY * 3 + DAY / 2);
    s.token = token(&app, &s.user, Env::Production).await;
    let now = app.clock.now().seconds();
    let em = "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514";
    // Two checkouts yesterday (10.50 and 4.25), one today; a test event is never counted.
    let events: Vec<Value> = [(1, "10.50"), (1, "4.25"), (0, "7")]
        .iter()
        .enumerate()
        .map(|(i, (days_ago, value))| {
            json!({
                "event_name": "checkout", "action_source": "web", "event_id": format!("e{i}"),
                "event_time": now - days_ago * 86_400 - 60,
                "user_data": {"em": [em]},
                "custom_data": {"currency": "USD", "value": value},
            })
        })
        .collect();
    app.call("events/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"data": events}))
        .send()
        .await
        .expect(200);
    app.call("events/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .query("test", "true")
        .json(json!({"data": [{
            "event_name": "checkout", "action_source": "web", "event_id": "t1",
            "event_time": now - 86_400, "user_data": {"em": [em]},
            "custom_data": {"currency": "USD", "value": "1000"},
        }]}))
        .send()
        .await
        .expect(200);

    let cols = "TOTAL_CONVERSIONS,TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR,SPEND_IN_MICRO_DOLLAR";
    let t = today(&app);
    let days = |from: i64, to: i64, extra: Vec<(&'static str, &str)>| {
        let mut p = vec![
            ("start_date", format_date(from)),
            ("end_date", format_date(to)),
            ("granularity", "DAY".to_string()),
            ("columns", cols.to_string()),
        ];
        p.extend(extra.into_iter().map(|(k, v)| (k, v.to_string())));
        p
    };
    let on = |rows: &Value, day: i64| -> i64 {
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["DATE"] == format_date(day))
            .map(|r| r["TOTAL_CONVERSIONS"].as_i64().unwrap())
            .sum()
    };

    // Reported at the time of conversion, yesterday holds yesterday's two checkouts.
    let by_conversion = vec![("conversion_report_time", "TIME_OF_CONVERSION")];
    let account = analytics(
        &app,
        &s,
        "ad_account/analytics",
        days(t - 1, t - 1, by_conversion.clone()),
    )
    .await;
    let rows = account.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{account}");
    assert_eq!(rows[0]["TOTAL_CONVERSIONS"], 2, "{account}");
    assert_eq!(
        rows[0]["TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"], 14_750_000,
        "{account}"
    );
    // Attributed among the ads: their conversions add up to the account's.
    let ads = analytics(&app, &s, "ads/analytics", days(t - 1, t - 1, by_conversion)).await;
    assert_eq!(total(&ads, "TOTAL_CONVERSIONS"), 2, "{ads}");

    // At the time of the ad action (the default), conversions move back to the days of the
    // clicks within the 30-day click window: all three are there, spread over the days of
    // delivery, and a range of yesterday alone sees today's too when its clicks were yesterday.
    let account = analytics(&app, &s, "ad_account/analytics", days(t - 3, t, vec![])).await;
    assert_eq!(total(&account, "TOTAL_CONVERSIONS"), 3, "{account}");
    assert_eq!(
        total(&account, "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"),
        21_750_000,
        "{account}"
    );
    let spread = (t - 3..=t).filter(|d| on(&account, *d) > 0).count();
    assert!(
        spread >= 2,
        "credited to the clicks of more than one day: {account}"
    );

    // A 0-day window keeps each conversion on its own day, like the time of conversion.
    let same_day = vec![
        ("click_window_days", "0"),
        ("engagement_window_days", "0"),
        ("view_window_days", "0"),
    ];
    let account = analytics(&app, &s, "ad_account/analytics", days(t - 3, t, same_day)).await;
    assert_eq!(on(&account, t - 1), 2, "{account}");
    assert_eq!(on(&account, t), 1, "{account}");
    assert_eq!(on(&account, t - 2), 0, "{account}");
}
