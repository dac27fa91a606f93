//! The Ads API's reference data: countries, delivery metrics, lead form questions, metrics
//! ready state, targeting options and interests, and an ad account's terms of service; what each
//! refuses; and that all of them answer in Sandbox.

use std::time::Duration;

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::env::Env;
use pinbox::domain::rate_limits::RateLimits;
use serde_json::{Value, json};

use crate::support::{TestApp, TestUser};

const ADS_READ: Scopes = Scopes::of(&[Scope::AdsRead, Scope::AdsWrite]);
/// `delivery_metrics/get` also asks for these.
const METRICS: Scopes = Scopes::of(&[Scope::AdsRead, Scope::PinsRead, Scope::UserAccountsRead]);
const DAY: Duration = Duration::from_secs(86_400);

async fn ad_account(app: &TestApp, token: &str, sandbox: bool) -> String {
    let call = if sandbox {
        app.call_sandbox("ad_accounts/create")
    } else {
        app.call("ad_accounts/create")
    };
    call.token(token)
        .json(json!({"name": "Ads"}))
        .send()
        .await
        .expect(201)
        .id()
}

async fn tokens(app: &TestApp, user: &TestUser) -> String {
    app.token(user, ADS_READ).await
}

/// The one object of a targeting answer, mapping each value to its label.
fn options_of(json: &Value) -> &serde_json::Map<String, Value> {
    let list = json.as_array().expect("a list");
    assert_eq!(list.len(), 1, "{json}");
    list[0].as_object().expect("an object")
}

#[tokio::test]
async fn countries_come_with_their_currency_and_index() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = tokens(&app, &alice).await;
    let r = app
        .call("ad_account_countries/get")
        .token(&token)
        .send()
        .await
        .expect(200);
    let items = r.items();
    assert!(items.len() >= 30, "{}", r.json);
    assert_eq!(
        items[0],
        json!({"code": "US", "currency": "USD", "index": 1, "name": "United States of America"})
    );
    let find = |code: &str| items.iter().find(|c| c["code"] == code).cloned();
    assert_eq!(find("FR").unwrap()["currency"], "EUR");
    assert_eq!(find("GB").unwrap()["currency"], "GBP");
    assert_eq!(find("JP").unwrap()["currency"], "JPY");
    for (n, c) in items.iter().enumerate() {
        assert_eq!(c["index"], n + 1, "{c}");
    }
    // Every country listed opens an ad account in its own currency.
    let made = app
        .call("ad_accounts/create")
        .token(&token)
        .json(json!({"country": "DE", "currency": find("DE").unwrap()["currency"]}))
        .send()
        .await
        .expect(201);
    assert_eq!(made.json["currency"], "EUR");
}

#[tokio::test]
async fn delivery_metrics_are_defined_and_filtered_by_report_type() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = app.token(&alice, METRICS).await;
    let names = |r: &crate::support::Reply| -> Vec<String> {
        r.items()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = app
        .call("delivery_metrics/get")
        .token(&token)
        .send()
        .await
        .expect(200);
    let group = all
        .items()
        .iter()
        .find(|m| m["name"] == "AD_GROUP_ID")
        .unwrap();
    assert_eq!(
        group,
        &json!({"name": "AD_GROUP_ID", "display_name": "Ad group ID",
                "definition": "Unique ID for your ad group", "category": "ADS"})
    );
    assert!(all.items().iter().any(|m| m["category"] == "ORGANIC"));
    let sync = app
        .call("delivery_metrics/get")
        .token(&token)
        .query("report_type", "SYNC")
        .send()
        .await
        .expect(200);
    let r#async = app
        .call("delivery_metrics/get")
        .token(&token)
        .query("report_type", "ASYNC")
        .send()
        .await
        .expect(200);
    let (all, sync, r#async) = (names(&all), names(&sync), names(&r#async));
    assert!(sync.len() < all.len() && r#async.len() < all.len());
    // Both offer the common ads metrics; only reports offer product items, and only the
    // synchronous (organic) endpoints the organic metrics.
    for common in ["SPEND_IN_DOLLAR", "AD_GROUP_ID"] {
        assert!(sync.iter().any(|n| n == common) && r#async.iter().any(|n| n == common));
    }
    assert!(r#async.iter().any(|n| n == "PRODUCT_ITEM_NAME"));
    assert!(!sync.iter().any(|n| n == "PRODUCT_ITEM_NAME"));
    assert!(sync.iter().any(|n| n == "SAVE"));
    assert!(!r#async.iter().any(|n| n == "SAVE"));

    for bad in ["sync", "BOTH", ""] {
        app.call("delivery_metrics/get")
            .token(&token)
            .query("report_type", bad)
            .send()
            .await
            .expect_error(400, 1, "'report_type'");
    }
}

#[tokio::test]
async fn lead_form_questions_answer_200_without_a_body_as_the_spec_documents() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = tokens(&app, &alice).await;
    let sandbox = app.token_in(&alice, ADS_READ, Env::Sandbox).await;
    let r = app
        .call("lead_form_questions/get")
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.text, "");
    let r = app
        .call_sandbox("lead_form_questions/get")
        .token(&sandbox)
        .send()
        .await
        .expect(200);
    assert_eq!(r.text, "");
    // Still an ads operation: a user's token with ads:read.
    let pins_only = app.token(&alice, Scopes::of(&[Scope::PinsRead])).await;
    app.call("lead_form_questions/get")
        .token(&pins_only)
        .send()
        .await
        .expect_error(403, 3, "ads:read");
}

#[tokio::test]
async fn metrics_are_ready_once_a_day_is_before_yesterday() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = tokens(&app, &alice).await;
    // The test clock starts at 2026-11-01T00:00Z.
    let ready = async |date: &str| -> bool {
        let r = app
            .call("metrics_ready_state/get")
            .token(&token)
            .query("date", date)
            .send()
            .await
            .expect(200);
        assert_eq!(
            r.json["conversion_metrics_ready"],
            r.json["non_conversion_metrics_ready"]
        );
        r.json["non_conversion_metrics_ready"].as_bool().unwrap()
    };
    assert!(ready("2026-10-30").await);
    assert!(ready("2020-02-29").await);
    assert!(!ready("2026-10-31").await, "yesterday");
    assert!(!ready("2026-11-01").await, "today");
    assert!(!ready("2026-12-25").await, "the future");
    // A day later, yesterday's yesterday is final.
    app.advance(DAY + Duration::from_secs(3600));
    assert!(ready("2026-10-31").await);
    assert!(!ready("2026-11-01").await);

    for bad in [
        "2026-13-01",
        "2026-02-30",
        "20261101",
        "2026-1-01",
        "yesterday",
        "",
    ] {
        app.call("metrics_ready_state/get")
            .token(&token)
            .query("date", bad)
            .send()
            .await
            .expect_error(400, 1, "'date'");
    }
    app.call("metrics_ready_state/get")
        .token(&token)
        .send()
        .await
        .expect_error(400, 1, "'date'");
}

#[tokio::test]
async fn targeting_options_are_listed_by_type() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = tokens(&app, &alice).await;
    let get = async |kind: &str| {
        app.call("targeting_options/get")
            .token(&token)
            .path("targeting_type", kind)
            .send()
            .await
            .expect(200)
            .json
    };
    let apps = get("APPTYPE").await;
    let keys: Vec<&String> = options_of(&apps).keys().collect();
    assert_eq!(
        keys,
        [
            "android_mobile",
            "android_tablet",
            "ipad",
            "iphone",
            "web",
            "web_mobile"
        ]
    );
    let genders = get("GENDER").await;
    assert_eq!(options_of(&genders).len(), 3);
    assert_eq!(options_of(&genders)["female"], "Female");
    let ages = get("AGE_BUCKET").await;
    assert!(options_of(&ages).contains_key("65+"));
    assert_eq!(options_of(&get("LOCALE").await).len(), 24);
    let location = get("LOCATION").await;
    assert_eq!(options_of(&location)["501"], "U.S.: New York");
    assert_eq!(options_of(&location)["811"], "U.S.: Reno");
    assert_eq!(options_of(&location)["GR"], "Greece");
    let geo = get("GEO").await;
    assert_eq!(options_of(&geo)["BE-VOV"], "Belgium: East Flanders");
    assert!(options_of(&get("INTEREST").await).len() > 50);
    // An advertiser's keywords and audiences are their own, and pinbox models none.
    for kind in ["KEYWORD", "AUDIENCE_INCLUDE", "AUDIENCE_EXCLUDE"] {
        assert_eq!(get(kind).await, json!([]), "{kind}");
    }
}

#[tokio::test]
async fn targeting_options_refuse_bad_parameters() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = tokens(&app, &alice).await;
    let bobs = ad_account(&app, &tokens(&app, &bob).await, false).await;
    let own = ad_account(&app, &token, false).await;
    let call = || {
        app.call("targeting_options/get")
            .token(&token)
            .path("targeting_type", "GENDER")
    };
    for kind in ["gender", "AGE", "interests"] {
        app.call("targeting_options/get")
            .token(&token)
            .path("targeting_type", kind)
            .send()
            .await
            .expect_error(400, 1, "'targeting_type'");
    }
    for (name, value) in [
        ("client_id", "abc"),
        ("client_id", ""),
        ("client_id", "1234567890123456789"),
        ("timestamp", "soon"),
        ("ad_account_id", "x1"),
    ] {
        call()
            .query(name, value)
            .send()
            .await
            .expect_error(400, 1, &format!("'{name}'"));
    }
    // The legacy signed-request parameters are accepted as the spec types them, and unused.
    call()
        .query("client_id", "1094834")
        .query("oauth_signature", "8209f")
        .query("timestamp", "1618338184277")
        .query("ad_account_id", &own)
        .send()
        .await
        .expect(200);
    call()
        .query("ad_account_id", &bobs)
        .send()
        .await
        .expect_error(403, 29, "another user");
    call()
        .query("ad_account_id", "123456789")
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found");
}

#[tokio::test]
async fn every_targetable_interest_has_its_details() {
    // Limits off: the walk makes more calls than a user's quota on the frozen clock.
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let alice = app.user("alice").await;
    let token = tokens(&app, &alice).await;
    let listed = app
        .call("targeting_options/get")
        .token(&token)
        .path("targeting_type", "INTEREST")
        .send()
        .await
        .expect(200)
        .json;
    let mut levels = [0; 4];
    for (id, name) in options_of(&listed) {
        let r = app
            .call("interest_targeting_options/get")
            .token(&token)
            .path("interest_id", id)
            .send()
            .await
            .expect(200);
        assert_eq!(&r.json["id"], id);
        assert_eq!(&r.json["name"], name);
        let level = r.json["level"].as_u64().unwrap() as usize;
        levels[level] += 1;
        // Each child is listed too, and one level down.
        for child in r.json["child_interests"].as_array().unwrap() {
            assert!(options_of(&listed).contains_key(child.as_str().unwrap()));
            let c = app
                .call("interest_targeting_options/get")
                .token(&token)
                .path("interest_id", child.as_str().unwrap())
                .send()
                .await
                .expect(200);
            assert_eq!(c.json["level"].as_u64().unwrap() as usize, level + 1);
        }
    }
    assert!(
        levels[1] > 10 && levels[2] > 30 && levels[3] > 0,
        "{levels:?}"
    );

    app.call("interest_targeting_options/get")
        .token(&token)
        .path("interest_id", "123456789012")
        .send()
        .await
        .expect_error(404, 404, "Interest not found");
    for bad in ["dress", "12a", "1234567890123456789"] {
        app.call("interest_targeting_options/get")
            .token(&token)
            .path("interest_id", bad)
            .send()
            .await
            .expect_error(400, 1, "'interest_id'");
    }
}

#[tokio::test]
async fn terms_of_service_are_those_of_the_callers_own_ad_account() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = tokens(&app, &alice).await;
    let own = ad_account(&app, &token, false).await;
    let bobs = ad_account(&app, &tokens(&app, &bob).await, false).await;
    let terms = |id: &str| {
        app.call("terms_of_service/get")
            .token(&token)
            .path("ad_account_id", id)
    };
    let plain = terms(&own).send().await.expect(200);
    assert_eq!(plain.json["ad_account_id"], own.as_str());
    assert_eq!(plain.json["has_accepted"], true);
    assert_eq!(plain.json["id"], "2650449554526");
    let text = plain.json["html"].as_str().unwrap();
    assert!(
        text.starts_with("Pinterest Advertising Services Agreement"),
        "{text}"
    );
    assert!(!text.contains('<'), "{text}");

    let html = terms(&own)
        .query("include_html", "true")
        .send()
        .await
        .expect(200);
    let markup = html.json["html"].as_str().unwrap();
    assert!(
        markup.starts_with("<h1>Pinterest Advertising Services Agreement</h1><p>"),
        "{markup}"
    );
    assert_eq!(html.json["id"], plain.json["id"]);

    let lead = terms(&own)
        .query("tos_type", "LEAD_AD")
        .query("include_html", "false")
        .send()
        .await
        .expect(200);
    assert_eq!(lead.json["has_accepted"], false);
    assert_ne!(lead.json["id"], plain.json["id"]);
    assert!(
        lead.json["html"]
            .as_str()
            .unwrap()
            .starts_with("Pinterest Lead Ad Terms")
    );

    terms(&bobs)
        .send()
        .await
        .expect_error(403, 29, "another user");
    terms("123456789")
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found");
    for bad in ["abc", "1234567890123456789"] {
        terms(bad)
            .send()
            .await
            .expect_error(400, 1, "'ad_account_id'");
    }
    terms(&own)
        .query("include_html", "yes")
        .send()
        .await
        .expect_error(400, 1, "'include_html'");
    // An ad account of the caller's is one of this environment's.
    let sandbox = app.token_in(&alice, ADS_READ, Env::Sandbox).await;
    app.call_sandbox("terms_of_service/get")
        .token(&sandbox)
        .path("ad_account_id", &own)
        .send()
        .await
        .expect_error(404, 2, "AdAccount not found");
}

#[tokio::test]
async fn every_resource_answers_in_sandbox() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = app
        .token_in(&alice, METRICS.with(Scope::AdsWrite), Env::Sandbox)
        .await;
    let account = ad_account(&app, &token, true).await;
    let ok = async |call: crate::support::Call| call.token(&token).send().await.expect(200);
    let terms = ok(app
        .call_sandbox("terms_of_service/get")
        .path("ad_account_id", &account))
    .await;
    assert_eq!(terms.json["ad_account_id"], account.as_str());
    assert!(
        !ok(app.call_sandbox("ad_account_countries/get"))
            .await
            .items()
            .is_empty()
    );
    assert!(
        !ok(app.call_sandbox("delivery_metrics/get"))
            .await
            .items()
            .is_empty()
    );
    let state = ok(app
        .call_sandbox("metrics_ready_state/get")
        .query("date", "2026-10-01"))
    .await;
    assert_eq!(state.json["non_conversion_metrics_ready"], true);
    let interests = ok(app
        .call_sandbox("targeting_options/get")
        .path("targeting_type", "INTEREST"))
    .await;
    let id = options_of(&interests.json).keys().next().unwrap().clone();
    let one = ok(app
        .call_sandbox("interest_targeting_options/get")
        .path("interest_id", &id))
    .await;
    assert_eq!(one.json["id"], id.as_str());
}

#[tokio::test]
async fn app_tokens_read_the_shared_reference_data() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let app_token = app
        .pinbox
        .tokens
        .issue(None, alice.app_id, METRICS, Env::Production)
        .await
        .unwrap()
        .secret;
    for op in ["ad_account_countries/get", "delivery_metrics/get"] {
        app.call(op).token(&app_token).send().await.expect(200);
    }
    app.call("targeting_options/get")
        .token(&app_token)
        .path("targeting_type", "LOCALE")
        .send()
        .await
        .expect(200);
    // The others act for a user: an ad account's terms, the metrics ready state.
    app.call("metrics_ready_state/get")
        .token(&app_token)
        .query("date", "2026-10-01")
        .send()
        .await
        .expect_error(403, 29, "metrics_ready_state/get");
}
