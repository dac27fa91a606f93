//! Keywords, labels, keyword metrics, trending keywords, audience sizing, bid floors and ad
//! previews: per-item errors, Pinterest's rules, determinism, Sandbox, ownership.

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::env::Env;
use serde_json::{Value, json};

use crate::support::{TestApp, TestUser};

const ADS: Scopes = Scopes::of(&[Scope::AdsRead, Scope::AdsWrite, Scope::UserAccountsRead]);

struct Setup {
    token: String,
    account: String,
    campaign: String,
    ad_group: String,
}

async fn setup(app: &TestApp, user: &TestUser, env: Env) -> Setup {
    let token = app
        .token_in(user, ADS.with(Scope::PinsRead).with(Scope::BoardsRead), env)
        .await;
    let call = |op| {
        if env == Env::Sandbox {
            app.call_sandbox(op)
        } else {
            app.call(op)
        }
    };
    let account = call("ad_accounts/create")
        .token(&token)
        .json(json!({"name": "Ads", "country": "US", "currency": "USD"}))
        .send()
        .await
        .expect(201)
        .id();
    let c = call("campaigns/create")
        .path("ad_account_id", &account)
        .token(&token)
        .json(json!([{"name": "C", "objective_type": "AWARENESS"}]))
        .send()
        .await
        .expect(200);
    let campaign = c.items()[0]["data"]["id"].as_str().unwrap().to_string();
    let g = call("ad_groups/create")
        .path("ad_account_id", &account)
        .token(&token)
        .json(
            json!([{"name": "G", "campaign_id": campaign, "billable_event": "IMPRESSION",
                      "budget_in_micro_currency": 5_000_000}]),
        )
        .send()
        .await
        .expect(200);
    let ad_group = g.items()[0]["data"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("ad group: {}", g.text))
        .to_string();
    Setup {
        token,
        account,
        campaign,
        ad_group,
    }
}

#[tokio::test]
async fn keywords_are_created_per_item_with_pinterests_rules() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let s = setup(&app, &alice, Env::Production).await;
    let long = "x".repeat(121);
    let r = app
        .call("keywords/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(
            json!({"parent_id": format!("AG{}", s.ad_group), "keywords": [
                {"value": "Summer Outfits", "match_type": "BROAD"},
                {"value": "summer  outfits", "match_type": "BROAD"},
                {"value": "summer outfits", "match_type": "EXACT"},
                {"value": long, "match_type": "PHRASE"},
                {"value": "cheap", "match_type": "EXACT_NEGATIVE", "bid": 100},
            ]}),
        )
        .send()
        .await
        .expect(200);
    let kws = r.json["keywords"].as_array().unwrap();
    assert_eq!(kws.len(), 3, "{}", r.text);
    assert_eq!(kws[0]["value"], "Summer Outfits");
    assert_eq!(kws[0]["parent_id"], s.ad_group);
    assert_eq!(kws[0]["parent_type"], "ad_group");
    assert_eq!(kws[0]["archived"], false);
    assert_eq!(kws[0]["type"], "keyword");
    assert_eq!(
        kws[2]["bid"],
        Value::Null,
        "bid is deprecated and never kept"
    );
    let errors = r.json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert!(
        errors[0]["error_messages"][0]
            .as_str()
            .unwrap()
            .contains("already has")
    );
    assert!(
        errors[1]["error_messages"][0]
            .as_str()
            .unwrap()
            .contains("'value'")
    );
    assert_eq!(errors[0]["data"]["value"], "summer  outfits");
    // A match type outside the spec's enum is refused with the whole request, naming the item.
    app.call("keywords/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"parent_id": s.ad_group, "keywords": [
            {"value": "fine", "match_type": "BROAD"},
            {"value": "x", "match_type": "FUZZY"},
        ]}))
        .send()
        .await
        .expect_error(400, 1, "item 1: Invalid keyword parameters: 'match_type'");

    // On a campaign only negative keywords.
    let r = app
        .call("keywords/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(
            json!({"parent_id": format!("C{}", s.campaign), "keywords": [
                {"value": "free", "match_type": "PHRASE_NEGATIVE"},
                {"value": "shoes", "match_type": "BROAD"},
            ]}),
        )
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["keywords"][0]["parent_type"], "campaign");
    assert!(
        r.json["errors"][0]["error_messages"][0]
            .as_str()
            .unwrap()
            .contains("only accept excluded")
    );

    // Unknown parent, bad bodies.
    let r = app
        .call("keywords/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"parent_id": "999", "keywords": [{"value": "a", "match_type": "BROAD"}]}))
        .send()
        .await
        .expect(200);
    assert!(
        r.json["errors"][0]["error_messages"][0]
            .as_str()
            .unwrap()
            .contains("not found")
    );
    app.call("keywords/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"parent_id": s.ad_group}))
        .send()
        .await
        .expect_error(400, 1, "'keywords'");
    app.call("keywords/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"keywords": []}))
        .send()
        .await
        .expect_error(400, 1, "'parent_id'");

    // List, filter, archive.
    let list = app
        .call("keywords/get")
        .path("ad_account_id", &s.account)
        .query("ad_group_id", &s.ad_group)
        .token(&s.token)
        .send()
        .await
        .expect(200);
    assert_eq!(list.items().len(), 3);
    let exact = app
        .call("keywords/get")
        .path("ad_account_id", &s.account)
        .query("match_types", "EXACT")
        .token(&s.token)
        .send()
        .await
        .expect(200);
    assert_eq!(exact.items().len(), 1);
    app.call("keywords/get")
        .path("ad_account_id", &s.account)
        .query("match_types", "FUZZY")
        .token(&s.token)
        .send()
        .await
        .expect_error(400, 1, "match_types");
    let id = list.items()[0]["id"].as_str().unwrap().to_string();
    let r = app
        .call("keywords/update")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(
            json!({"keywords": [{"id": id, "archived": true}, {"id": "12345", "archived": true}]}),
        )
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["keywords"][0]["archived"], true);
    assert_eq!(r.json["errors"].as_array().unwrap().len(), 1);
    app.call("keywords/update")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"keywords": [{"id": id, "archived": "yes"}]}))
        .send()
        .await
        .expect_error(400, 1, "'archived'");
    let list = app
        .call("keywords/get")
        .path("ad_account_id", &s.account)
        .query("campaign_id", &s.campaign)
        .token(&s.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        list.items().len(),
        3,
        "archived ones leave the list; the campaign's is in"
    );
}

#[tokio::test]
async fn labels_follow_the_per_campaign_limits() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let s = setup(&app, &alice, Env::Sandbox).await;
    let r = app
        .call_sandbox("labels/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"parent_id": s.campaign, "labels": [
            {"value": "Acme", "label_type": "BRAND"},
            {"value": "Other brand", "label_type": "BRAND"},
            {"value": "spring", "label_type": "CUSTOM"},
            {"value": "Spring", "label_type": "CUSTOM"},
        ]}))
        .send()
        .await
        .expect(200);
    let labels = r.json["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 2, "{}", r.text);
    assert_eq!(labels[0]["parent_type"], "CAMPAIGN");
    assert_eq!(labels[0]["status"], "ACTIVE");
    assert_eq!(r.json["errors"].as_array().unwrap().len(), 2);
    app.call_sandbox("labels/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"parent_id": s.campaign, "labels": [{"value": "x", "label_type": "OTHER"}]}))
        .send()
        .await
        .expect_error(400, 1, "item 0: Invalid label parameters: 'label_type'");
    let brand = labels[0]["id"].as_str().unwrap().to_string();
    app.call_sandbox("labels/update")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"labels": [{"id": brand, "status": "ARCHIVED"}]}))
        .send()
        .await
        .expect(200);
    let listed = app
        .call_sandbox("labels/list")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.items().len(), 1);
    let archived = app
        .call_sandbox("labels/list")
        .path("ad_account_id", &s.account)
        .query("entity_statuses", "ARCHIVED")
        .query("label_types", "BRAND")
        .token(&s.token)
        .send()
        .await
        .expect(200);
    assert_eq!(archived.items().len(), 1);
    // Production does not see Sandbox's ad account.
    let prod = app.token(&alice, ADS).await;
    let r = app
        .call("labels/list")
        .path("ad_account_id", &s.account)
        .token(&prod)
        .send()
        .await;
    assert!(r.status == 403 || r.status == 404, "{}", r.status);
}

#[tokio::test]
async fn someone_elses_ad_account_is_refused() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let s = setup(&app, &alice, Env::Production).await;
    let bob_token = app.token(&bob, ADS).await;
    for op in [
        "keywords/get",
        "labels/list",
        "country_keywords_metrics/get",
    ] {
        let r = app
            .call(op)
            .path("ad_account_id", &s.account)
            .query("country_code", "US")
            .query("keywords", "a")
            .token(&bob_token)
            .send()
            .await;
        assert_eq!(r.status, 403, "{op}: {}", r.text);
    }
    let r = app
        .call("ad_groups_bid_floor/get")
        .path("ad_account_id", &s.account)
        .token(&bob_token)
        .json(json!({"bid_floor_specs": [{"billable_event": "IMPRESSION", "currency": "USD"}]}))
        .send()
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn keyword_metrics_and_trends_are_deterministic_and_validated() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let s = setup(&app, &alice, Env::Production).await;
    let metrics = |country: &'static str| {
        app.call("country_keywords_metrics/get")
            .path("ad_account_id", &s.account)
            .query("country_code", country)
            .query("keywords", "fashion outfits,dinner recipes")
            .token(&s.token)
            .send()
    };
    let a = metrics("US").await.expect(200);
    let b = metrics("US").await.expect(200);
    assert_eq!(a.json, b.json);
    assert_eq!(a.json["data"][1]["keyword"], "dinner recipes");
    assert!(a.json["data"][0]["metrics"]["keyword_query_volume"].is_string());
    metrics("XX").await.expect_error(400, 1, "country_code");

    let trends = |q: &[(&str, &str)]| {
        let mut c = app
            .call("trending_keywords/list")
            .path("region", "US")
            .path("trend_type", "growing")
            .token(&s.token);
        for (k, v) in q {
            c = c.query(k, v);
        }
        c.send()
    };
    let t = trends(&[
        ("limit", "5"),
        ("include_demographics", "true"),
        ("include_prediction", "true"),
    ])
    .await
    .expect(200);
    let list = t.json["trends"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(list[0]["time_series"].as_object().unwrap().len(), 52);
    assert!(
        list[0]["time_series"]
            .as_object()
            .unwrap()
            .values()
            .any(|v| v == 100)
    );
    assert_eq!(
        list[0]["predicted_time_series"].as_object().unwrap().len(),
        13
    );
    assert_eq!(
        trends(&[
            ("limit", "5"),
            ("include_demographics", "true"),
            ("include_prediction", "true")
        ])
        .await
        .json,
        t.json
    );
    let food = trends(&[("interests", "food_and_drinks")])
        .await
        .expect(200);
    assert_eq!(food.json["trends"].as_array().unwrap().len(), 5);
    trends(&[("limit", "51")])
        .await
        .expect_error(400, 1, "'limit'");
    trends(&[("interests", "cars")])
        .await
        .expect_error(400, 1, "'interests'");
    trends(&[("genders", "other")])
        .await
        .expect_error(400, 1, "'genders'");
    app.call("trending_keywords/list")
        .path("region", "ZZ")
        .path("trend_type", "growing")
        .token(&s.token)
        .send()
        .await
        .expect_error(400, 1, "'region'");
}

#[tokio::test]
async fn audience_sizing_grows_with_broader_targeting_and_bid_floors_follow_events() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let s = setup(&app, &alice, Env::Production).await;
    let size = |body: Value| {
        app.call("ad_groups/audience_sizing")
            .path("ad_account_id", &s.account)
            .token(&s.token)
            .json(body)
            .send()
    };
    let narrow = size(json!({"targeting_spec": {"GENDER": ["male"]}}))
        .await
        .expect(200);
    let broad = size(json!({"targeting_spec": {"GENDER": ["male", "female"]}}))
        .await
        .expect(200);
    let n = narrow.json["audience_size_upper_bound"].as_f64().unwrap();
    let b = broad.json["audience_size_upper_bound"].as_f64().unwrap();
    assert!(b > n, "{b} > {n}");
    assert!(narrow.json["audience_size_lower_bound"].as_f64().unwrap() < n);
    size(json!({"placement_group": "NOWHERE"}))
        .await
        .expect_error(400, 1, "'placement_group'");
    size(json!({"targeting_spec": {"GENDER": ["robot"]}}))
        .await
        .expect_error(400, 1, "targeting_spec");

    let floors = app
        .call("ad_groups_bid_floor/get")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"bid_floor_specs": [
            {"billable_event": "CLICKTHROUGH", "currency": "USD"},
            {"billable_event": "IMPRESSION", "currency": "USD", "countries": ["US"]},
            {"billable_event": "IMPRESSION", "currency": "JPY"},
        ]}))
        .send()
        .await
        .expect(200);
    assert_eq!(floors.json["type"], "bidfloor");
    assert_eq!(
        floors.json["bid_floors"],
        json!([100_000, 2_000_000, 300_000_000])
    );
    app.call("ad_groups_bid_floor/get")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"bid_floor_specs": [{"billable_event": "CLICKTHROUGH"}]}))
        .send()
        .await
        .expect_error(400, 1, "currency");
}

#[tokio::test]
async fn an_ad_preview_is_served_by_pinbox_with_every_value_escaped() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let s = setup(&app, &alice, Env::Production).await;
    let r = app
        .call("ad_previews/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"image_url": "https://example.com/a.png?x=\"><script>", "title": "<b>Hi</b>"}))
        .send()
        .await
        .expect(200);
    let url = r.json["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/_pinbox/ad-previews/", app.base)));
    let page = app.client.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("&lt;b&gt;Hi&lt;/b&gt;"));
    assert!(!html.contains("<script>"));
    let missing = app
        .client
        .get(format!("{}/_pinbox/ad-previews/nonsense", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    app.call("ad_previews/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"image_url": "javascript:alert(1)", "title": "t"}))
        .send()
        .await
        .expect_error(400, 1, "invalid URL");
    app.call("ad_previews/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({"pin_id": "123"}))
        .send()
        .await
        .expect_error(404, 2, "Pin not found");
    app.call("ad_previews/create")
        .path("ad_account_id", &s.account)
        .token(&s.token)
        .json(json!({}))
        .send()
        .await
        .expect_error(400, 1, "pin_id");
}
