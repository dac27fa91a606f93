//! Campaigns, ad groups and ads: batch creates and updates answered per item, the rules
//! Pinterest documents for each, the status machine, lists with their filters, order and
//! bookmarks, ownership, and both environments.

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::env::Env;
use serde_json::{Value, json};

use crate::fixtures::png_source;
use crate::support::{TestApp, TestUser};

const SCOPES: Scopes = Scopes::of(&[
    Scope::AdsRead,
    Scope::AdsWrite,
    Scope::BoardsRead,
    Scope::BoardsWrite,
    Scope::PinsRead,
    Scope::PinsWrite,
    Scope::BoardsReadSecret,
    Scope::BoardsWriteSecret,
    Scope::PinsReadSecret,
    Scope::PinsWriteSecret,
]);

/// The frozen clock's start (2026-11-01T00:00:00Z) in Unix seconds.
const NOW: i64 = 1_793_491_200;
const DAY: i64 = 86_400;

struct Ads<'a> {
    app: &'a TestApp,
    token: String,
    account: String,
    env: Env,
}

impl<'a> Ads<'a> {
    async fn new(app: &'a TestApp, user: &TestUser, env: Env) -> Ads<'a> {
        let token = app.token_in(user, SCOPES, env).await;
        let call = match env {
            Env::Production => app.call("ad_accounts/create"),
            Env::Sandbox => app.call_sandbox("ad_accounts/create"),
        };
        let account = call
            .token(&token)
            .json(json!({"name": "Shop"}))
            .send()
            .await
            .expect(201)
            .id();
        Ads {
            app,
            token,
            account,
            env,
        }
    }

    fn call(&self, op: &'static str) -> crate::support::Call {
        let call = match self.env {
            Env::Production => self.app.call(op),
            Env::Sandbox => self.app.call_sandbox(op),
        };
        call.token(&self.token).path("ad_account_id", &self.account)
    }

    /// Sends a batch and answers the per-item results.
    async fn batch(&self, op: &'static str, items: Value) -> Vec<Value> {
        self.call(op).json(items).send().await.expect(200).json["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// Why a one-item batch was refused: `Item(message)` when the item was answered with its
    /// exception, `Whole(message)` when the request was (the item does not have the spec's
    /// shape). Nothing is stored either way.
    async fn refused(&self, op: &'static str, item: Value) -> Refused {
        let reply = self.call(op).json(json!([item])).send().await;
        match reply.status {
            200 => Refused::Item(refusal(&reply.json["items"][0])),
            400 => {
                crate::support::assert_error_body(&reply.json);
                Refused::Whole(reply.json["message"].as_str().unwrap().to_string())
            }
            other => panic!("unexpected {other}: {}", reply.json),
        }
    }

    async fn create_one(&self, op: &'static str, item: Value) -> Value {
        let items = self.batch(op, json!([item])).await;
        assert!(items[0]["data"].is_object(), "{:?}", items[0]);
        items[0]["data"].clone()
    }

    async fn campaign(&self, extra: Value) -> Value {
        let mut item = json!({"name": "Spring", "objective_type": "AWARENESS",
                              "daily_spend_cap": 10_000_000});
        merge(&mut item, extra);
        self.create_one("campaigns/create", item).await
    }

    async fn ad_group(&self, campaign: &Value, extra: Value) -> Value {
        let mut item = json!({"name": "Group", "campaign_id": campaign["id"],
                              "billable_event": "IMPRESSION",
                              "budget_in_micro_currency": 5_000_000});
        merge(&mut item, extra);
        self.create_one("ad_groups/create", item).await
    }

    async fn pin(&self, privacy: &str) -> String {
        let (create_board, create_pin) = match self.env {
            Env::Production => (self.app.call("boards/create"), self.app.call("pins/create")),
            Env::Sandbox => (
                self.app.call_sandbox("boards/create"),
                self.app.call_sandbox("pins/create"),
            ),
        };
        let board = create_board
            .token(&self.token)
            .json(json!({"name": format!("Board {privacy}"), "privacy": privacy}))
            .send()
            .await
            .expect(201)
            .id();
        create_pin
            .token(&self.token)
            .json(json!({"board_id": board, "media_source": png_source(8, 8, [200, 10, 10])}))
            .send()
            .await
            .expect(201)
            .id()
    }

    async fn list(&self, op: &'static str, query: &[(&str, &str)]) -> Vec<String> {
        let mut call = self.call(op);
        for (k, v) in query {
            call = call.query(k, v);
        }
        call.send()
            .await
            .expect(200)
            .items()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    }
}

#[derive(Debug)]
enum Refused {
    Item(String),
    Whole(String),
}

use Refused::{Item, Whole};

/// Checks each case's refusal: how (per item or whole) and that its message says `expected`.
async fn check_refusals(
    ads: &Ads<'_>,
    op: &'static str,
    base: &Value,
    cases: Vec<(Value, Refused)>,
) {
    for (extra, expected) in cases {
        let mut item = base.clone();
        merge(&mut item, extra.clone());
        let got = ads.refused(op, item).await;
        match (&got, &expected) {
            (Item(m), Item(e)) | (Whole(m), Whole(e)) if m.contains(e.as_str()) => {}
            _ => panic!("{extra}: expected {expected:?}, got {got:?}"),
        }
    }
}

fn merge(into: &mut Value, extra: Value) {
    if let (Some(into), Value::Object(extra)) = (into.as_object_mut(), extra) {
        for (k, v) in extra {
            into.insert(k, v);
        }
    }
}

/// The message of a refused item: its only exception (one object for ads, a list of one for
/// the others, as the spec shapes them).
fn refusal(item: &Value) -> String {
    assert!(
        item.get("data").is_none(),
        "a refused item has no data: {item}"
    );
    let exceptions = &item["exceptions"];
    let exception = match exceptions.as_array() {
        Some(list) => {
            assert_eq!(list.len(), 1, "{item}");
            &list[0]
        }
        None => exceptions,
    };
    exception["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no exception in {item}"))
        .to_string()
}

#[tokio::test]
async fn a_campaign_batch_answers_each_item_and_keeps_the_good_ones() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let items = ads
        .batch(
            "campaigns/create",
            json!([
                {"ad_account_id": ads.account, "name": "Good", "objective_type": "CONSIDERATION",
                 "lifetime_spend_cap": 50_000_000, "end_time": NOW + 30 * DAY},
                {"name": "Both caps", "objective_type": "AWARENESS",
                 "daily_spend_cap": 1, "lifetime_spend_cap": 2},
                {"name": "Wrong account", "objective_type": "AWARENESS", "ad_account_id": "1"},
                {"name": "Ended", "objective_type": "AWARENESS", "start_time": NOW - 100, "end_time": NOW - 10},
            ]),
        )
        .await;
    assert_eq!(items.len(), 4);
    let good = &items[0]["data"];
    assert_eq!(items[0]["exceptions"], json!([]));
    assert_eq!(good["name"], "Good");
    assert_eq!(good["ad_account_id"], ads.account);
    assert_eq!(good["status"], "ACTIVE");
    assert_eq!(good["summary_status"], "RUNNING");
    assert_eq!(good["type"], "campaign");
    assert_eq!(good["start_time"], NOW, "start time defaults to now");
    assert_eq!(good["created_time"], NOW);
    assert_eq!(good["daily_spend_cap"], Value::Null);
    assert!(refusal(&items[1]).contains("cannot both be set"));
    assert!(refusal(&items[2]).contains("'ad_account_id'"));
    assert!(refusal(&items[3]).contains("is in the past"));
    assert_eq!(items[1]["exceptions"][0]["code"], 1);

    // An item the spec's schema refuses refuses the whole batch, naming it; nothing is stored.
    for (bad, expected) in [
        (
            json!({"name": "No objective"}),
            "item 1: Invalid campaign parameters: 'objective_type' is required",
        ),
        (
            json!({"name": "Bad", "objective_type": "FAME"}),
            "item 1: Invalid campaign parameters: 'objective_type' must be one of",
        ),
        (
            json!("not an object"),
            "item 1: Invalid campaign parameters: each item must be an object",
        ),
        (
            json!({"name": null, "objective_type": "AWARENESS"}),
            "item 1: Invalid campaign parameters: 'name' must be given a value",
        ),
    ] {
        ads.call("campaigns/create")
            .json(json!([{"name": "Fine", "objective_type": "AWARENESS"}, bad]))
            .send()
            .await
            .expect_error(400, 1, expected);
    }

    // Only the good one was stored.
    let listed = ads.list("campaigns/list", &[]).await;
    assert_eq!(listed, [good["id"].as_str().unwrap()]);
    let got = ads
        .call("campaigns/get")
        .path("campaign_id", good["id"].as_str().unwrap())
        .send()
        .await
        .expect(200);
    assert_eq!(&got.json, good);
}

#[tokio::test]
async fn campaign_rules_are_pinterests() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let base = json!({"name": "C", "objective_type": "AWARENESS", "daily_spend_cap": 1_000_000});
    let cases = vec![
        (
            json!({"is_campaign_budget_optimization": true, "daily_spend_cap": null}),
            Item("campaign budget optimization".into()),
        ),
        (
            json!({"daily_spend_cap": null, "lifetime_spend_cap": 9}),
            Item("lifetime budget needs an 'end_time'".into()),
        ),
        (
            json!({"start_time": NOW + 10, "end_time": NOW + 5}),
            Item("must be after 'start_time'".into()),
        ),
        (
            json!({"start_time": NOW - 50, "end_time": NOW - 5}),
            Item("is in the past".into()),
        ),
        (
            json!({"daily_spend_cap": -1}),
            Item("'daily_spend_cap' must be between".into()),
        ),
        (
            json!({"name": "x".repeat(257)}),
            Item("at most 256 characters".into()),
        ),
        (json!({"name": "tab\there"}), Item("name".into())),
        (
            json!({"status": "LIVE"}),
            Whole("'status' must be one of".into()),
        ),
        (
            json!({"order_line_id": "12a"}),
            Whole("'order_line_id'".into()),
        ),
        (
            json!({"tracking_urls": []}),
            Whole("'tracking_urls' must be an object".into()),
        ),
        (
            json!({"daily_spend_cap": "10"}),
            Whole("must be a whole number".into()),
        ),
    ];
    check_refusals(&ads, "campaigns/create", &base, cases).await;
    assert!(ads.list("campaigns/list", &[]).await.is_empty());
}

#[tokio::test]
async fn updates_change_what_they_send_and_keep_the_rules() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let c = ads.campaign(json!({})).await;
    let id = c["id"].as_str().unwrap();
    app.advance(std::time::Duration::from_secs(60));
    let items = ads
        .batch(
            "campaigns/update",
            json!([
                {"id": id, "ad_account_id": ads.account, "name": "Summer", "status": "PAUSED"},
                {"id": "549755813000", "name": "Ghost"},
                {"id": id, "objective_type": "CONSIDERATION"},
            ]),
        )
        .await;
    let updated = &items[0]["data"];
    assert_eq!(updated["name"], "Summer");
    assert_eq!(updated["status"], "PAUSED");
    assert_eq!(updated["summary_status"], "PAUSED");
    assert_eq!(updated["objective_type"], "AWARENESS");
    assert_eq!(
        updated["daily_spend_cap"], 10_000_000,
        "unsent fields are kept"
    );
    assert_eq!(updated["created_time"], NOW);
    assert_eq!(updated["updated_time"], NOW + 60);
    assert!(refusal(&items[1]).contains("not found"));
    assert_eq!(items[1]["exceptions"][0]["code"], 2);
    assert!(refusal(&items[2]).contains("only change on a DRAFT campaign"));
    ads.call("campaigns/update")
        .json(json!([{"id": id, "name": "Fine"}, {"name": "No id"}]))
        .send()
        .await
        .expect_error(
            400,
            1,
            "item 1: Invalid campaign parameters: 'id' is required",
        );

    // Archived stays archived; ACTIVE cannot go back to DRAFT.
    let archive = ads
        .batch(
            "campaigns/update",
            json!([{"id": id, "status": "ARCHIVED"}]),
        )
        .await;
    assert_eq!(archive[0]["data"]["status"], "ARCHIVED");
    let revive = ads
        .batch("campaigns/update", json!([{"id": id, "status": "ACTIVE"}]))
        .await;
    assert!(refusal(&revive[0]).contains("archived entity stays archived"));
    let other = ads.campaign(json!({})).await;
    let draft = ads
        .batch(
            "campaigns/update",
            json!([{"id": other["id"], "status": "DRAFT"}]),
        )
        .await;
    assert!(refusal(&draft[0]).contains("cannot return to it"));

    // Lists show ACTIVE and PAUSED by default, the archived one when asked.
    assert_eq!(
        ads.list("campaigns/list", &[]).await,
        [other["id"].as_str().unwrap()]
    );
    assert_eq!(
        ads.list("campaigns/list", &[("entity_statuses", "ARCHIVED")])
            .await,
        [id]
    );
    ads.call("campaigns/list")
        .query("entity_statuses", "GONE")
        .send()
        .await
        .expect_error(400, 1, "'entity_statuses'");
    // Nothing can be added under an archived campaign.
    let items = ads
        .batch(
            "ad_groups/create",
            json!([{"name": "G", "campaign_id": id, "billable_event": "IMPRESSION",
                    "budget_in_micro_currency": 1}]),
        )
        .await;
    assert!(refusal(&items[0]).contains("is archived"));
}

#[tokio::test]
async fn ad_groups_live_within_their_campaign() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let c = ads
        .campaign(json!({"start_time": NOW + DAY, "end_time": NOW + 20 * DAY}))
        .await;
    assert_eq!(c["summary_status"], "NOT_STARTED");
    let cid = c["id"].as_str().unwrap();
    let group = ads
        .ad_group(
            &c,
            json!({"campaign_id": format!("C{cid}"), "start_time": NOW + DAY,
                   "targeting_spec": {"GENDER": ["female"], "AGE_BUCKET": ["25-34"],
                                      "GEO": ["US"]}}),
        )
        .await;
    assert_eq!(group["campaign_id"], cid, "the C prefix is dropped");
    assert_eq!(group["type"], "adgroup");
    assert_eq!(group["bid_strategy_type"], "AUTOMATIC_BID");
    assert_eq!(group["budget_type"], "DAILY");

    let base = json!({"name": "G", "campaign_id": cid, "billable_event": "IMPRESSION",
                      "budget_in_micro_currency": 1_000_000, "start_time": NOW + DAY});
    let cases = vec![
        (
            json!({"budget_in_micro_currency": 11_000_000}),
            Item("over the campaign's daily_spend_cap".into()),
        ),
        (
            json!({"billable_event": "CLICKTHROUGH"}),
            Item("does not fit the campaign's objective".into()),
        ),
        (
            json!({"bid_strategy_type": "MAX_BID"}),
            Item("needs 'bid_in_micro_currency'".into()),
        ),
        (
            json!({"bid_in_micro_currency": 5}),
            Item("must be null with 'bid_strategy_type' AUTOMATIC_BID".into()),
        ),
        (
            json!({"budget_in_micro_currency": null}),
            Item("'budget_in_micro_currency' is required".into()),
        ),
        (
            json!({"budget_type": "LIFETIME"}),
            Item("LIFETIME budget needs an 'end_time'".into()),
        ),
        (
            json!({"start_time": NOW}),
            Item("before its campaign's start_time".into()),
        ),
        (
            json!({"campaign_id": "549755813000"}),
            Item("names no campaign".into()),
        ),
        (
            json!({"campaign_id": "X1"}),
            Whole("'campaign_id' must be an id".into()),
        ),
        (
            json!({"targeting_spec": {"MOOD": ["happy"]}}),
            Item("unknown targeting type 'MOOD'".into()),
        ),
        (
            json!({"targeting_spec": {"GENDER": ["robot"]}}),
            Whole("'GENDER' must be".into()),
        ),
        (
            json!({"bid_multiplier": 11}),
            Whole("'bid_multiplier' must be between".into()),
        ),
    ];
    check_refusals(&ads, "ad_groups/create", &base, cases).await;
    // The parent cannot change.
    let other = ads.campaign(json!({})).await;
    let items = ads
        .batch(
            "ad_groups/update",
            json!([{"id": group["id"], "campaign_id": other["id"]}]),
        )
        .await;
    assert!(refusal(&items[0]).contains("cannot be changed after creation"));
    assert_eq!(ads.list("ad_groups/list", &[]).await.len(), 1);
    assert_eq!(
        ads.list(
            "ad_groups/list",
            &[("campaign_ids", other["id"].as_str().unwrap())]
        )
        .await
        .len(),
        0
    );
}

#[tokio::test]
async fn ads_promote_the_owners_pins_of_a_matching_creative_type() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let bobs = Ads::new(&app, &bob, Env::Production).await;
    let c = ads.campaign(json!({})).await;
    let g = ads.ad_group(&c, json!({})).await;
    let pin = ads.pin("PUBLIC").await;
    let secret_pin = ads.pin("SECRET").await;
    let bobs_pin = bobs.pin("PUBLIC").await;
    let gid = g["id"].as_str().unwrap();
    let items = ads
        .batch(
            "ads/create",
            json!([
                {"ad_group_id": format!("AG{gid}"), "creative_type": "REGULAR", "pin_id": pin,
                 "destination_url": "https://shop.example/spring", "name": "Spring ad"},
                {"ad_group_id": gid, "creative_type": "VIDEO", "pin_id": pin},
                {"ad_group_id": gid, "creative_type": "REGULAR", "pin_id": secret_pin},
                {"ad_group_id": gid, "creative_type": "REGULAR", "pin_id": bobs_pin},
                {"ad_group_id": gid, "creative_type": "REGULAR", "pin_id": pin,
                 "destination_url": "javascript:alert(1)"},
                {"ad_group_id": gid, "creative_type": "SHOPPING", "pin_id": pin},
            ]),
        )
        .await;
    let ad = &items[0]["data"];
    assert_eq!(ad["pin_id"], pin);
    assert_eq!(ad["ad_group_id"], gid);
    assert_eq!(ad["campaign_id"], c["id"]);
    assert_eq!(ad["type"], "pinpromotion");
    assert_eq!(ad["summary_status"], "APPROVED");
    assert_eq!(ad["review_status"], "APPROVED");
    assert!(refusal(&items[1]).contains("does not match the Pin"));
    assert!(refusal(&items[2]).contains("secret Pins cannot be promoted"));
    assert!(refusal(&items[3]).contains("Pin not found"));
    assert!(refusal(&items[4]).contains("'destination_url' must be an http"));
    assert!(refusal(&items[5]).contains("pinbox does not model"));

    // Filters by campaign, ad group and ad; the Pin cannot change.
    let cid = c["id"].as_str().unwrap();
    let ad_id = ad["id"].as_str().unwrap();
    assert_eq!(
        ads.list("ads/list", &[("campaign_ids", cid)]).await,
        [ad_id]
    );
    assert_eq!(
        ads.list("ads/list", &[("ad_group_ids", gid)]).await,
        [ad_id]
    );
    assert_eq!(ads.list("ads/list", &[("ad_ids", ad_id)]).await, [ad_id]);
    assert!(
        ads.list("ads/list", &[("campaign_ids", "549755813000")])
            .await
            .is_empty()
    );
    // Digits too many for an id are schema-valid and name nothing.
    assert!(
        ads.list("ads/list", &[("ad_group_ids", "77030170519911415960")])
            .await
            .is_empty()
    );
    ads.call("ads/list")
        .query("ad_ids", "abc")
        .send()
        .await
        .expect_error(400, 1, "'ad_ids'");
    let items = ads
        .batch("ads/update", json!([{"id": ad_id, "pin_id": secret_pin}]))
        .await;
    assert!(refusal(&items[0]).contains("'pin_id' cannot be changed"));
    let items = ads
        .batch("ads/update", json!([{"id": ad_id, "status": "PAUSED"}]))
        .await;
    assert_eq!(items[0]["data"]["summary_status"], "PAUSED");
}

#[tokio::test]
async fn lists_page_by_id_in_either_order_with_their_own_bookmarks() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let items: Vec<Value> = (0..5)
        .map(|i| json!({"name": format!("C{i}"), "objective_type": "AWARENESS"}))
        .collect();
    let made: Vec<String> = ads
        .batch("campaigns/create", Value::Array(items))
        .await
        .iter()
        .map(|i| i["data"]["id"].as_str().unwrap().to_string())
        .collect();
    let ids: Vec<u64> = made.iter().map(|s| s.parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids grow: {ids:?}");

    for (order, expected) in [
        ("ASCENDING", made.clone()),
        ("DESCENDING", made.iter().rev().cloned().collect()),
    ] {
        let mut seen = Vec::new();
        let mut bookmark: Option<String> = None;
        loop {
            let mut call = ads
                .call("campaigns/list")
                .query("order", order)
                .query("page_size", 2);
            if let Some(b) = &bookmark {
                call = call.query("bookmark", b);
            }
            let page = call.send().await.expect(200);
            seen.extend(
                page.items()
                    .iter()
                    .map(|i| i["id"].as_str().unwrap().to_string()),
            );
            bookmark = page.bookmark();
            if bookmark.is_none() {
                break;
            }
        }
        assert_eq!(seen, expected, "{order}");
    }
    // A campaigns bookmark does not page ad groups, nor the other order.
    let page = ads
        .call("campaigns/list")
        .query("page_size", 1)
        .send()
        .await
        .expect(200);
    let b = page.bookmark().unwrap();
    ads.call("ad_groups/list")
        .query("bookmark", &b)
        .send()
        .await
        .expect_error(400, 1, "bookmark");
    ads.call("campaigns/list")
        .query("bookmark", &b)
        .query("order", "ASCENDING")
        .send()
        .await
        .expect_error(400, 1, "bookmark");
    ads.call("campaigns/list")
        .query("order", "SIDEWAYS")
        .send()
        .await
        .expect_error(400, 1, "'order'");
}

#[tokio::test]
async fn bad_batches_are_refused_whole_and_change_nothing() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let item = json!({"name": "C", "objective_type": "AWARENESS"});
    let too_many: Vec<Value> = (0..31).map(|_| item.clone()).collect();
    for (body, expected) in [
        (json!([]), "from 1 to 30"),
        (Value::Array(too_many), "from 1 to 30"),
        (item.clone(), "JSON array"),
    ] {
        ads.call("campaigns/create")
            .json(body)
            .send()
            .await
            .expect_error(400, 1, expected);
    }
    ads.call("campaigns/create")
        .raw_body(b"[{", Some("application/json"))
        .send()
        .await
        .expect_error(400, 1, "not valid JSON");
    assert!(ads.list("campaigns/list", &[]).await.is_empty());
}

#[tokio::test]
async fn only_the_owner_reaches_an_ad_accounts_entities() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let c = ads.campaign(json!({})).await;
    let bobs_token = app.token_in(&bob, SCOPES, Env::Production).await;
    for op in ["campaigns/list", "ad_groups/list", "ads/list"] {
        app.call(op)
            .token(&bobs_token)
            .path("ad_account_id", &ads.account)
            .send()
            .await
            .expect_error(403, 29, "belongs to another user");
    }
    app.call("campaigns/create")
        .token(&bobs_token)
        .path("ad_account_id", &ads.account)
        .json(json!([{"name": "Mine now", "objective_type": "AWARENESS"}]))
        .send()
        .await
        .expect_error(403, 29, "another user");
    ads.call("campaigns/get")
        .path("campaign_id", "549755813000")
        .send()
        .await
        .expect_error(404, 2, "Campaign not found");
    app.call("campaigns/get")
        .token(&ads.token)
        .path("ad_account_id", "1234")
        .path("campaign_id", c["id"].as_str().unwrap())
        .send()
        .await
        .expect(404);
    assert_eq!(ads.list("campaigns/list", &[]).await.len(), 1);
}

#[tokio::test]
async fn sandbox_keeps_its_own_ads_and_its_account_delete_removes_them() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox = Ads::new(&app, &alice, Env::Sandbox).await;
    let production = Ads::new(&app, &alice, Env::Production).await;
    let c = sandbox.campaign(json!({})).await;
    let g = sandbox.ad_group(&c, json!({})).await;
    let pin = sandbox.pin("PUBLIC").await;
    sandbox
        .create_one(
            "ads/create",
            json!({"ad_group_id": g["id"], "creative_type": "REGULAR", "pin_id": pin}),
        )
        .await;
    assert_eq!(sandbox.list("ads/list", &[]).await.len(), 1);
    // Production does not see the Sandbox account, nor its campaign through its own account.
    app.call("campaigns/list")
        .token(&production.token)
        .path("ad_account_id", &sandbox.account)
        .send()
        .await
        .expect(404);
    production
        .call("campaigns/get")
        .path("campaign_id", c["id"].as_str().unwrap())
        .send()
        .await
        .expect(404);
    // A Sandbox Pin is not a production Pin.
    let pc = production.campaign(json!({})).await;
    let pg = production.ad_group(&pc, json!({})).await;
    let items = production
        .batch(
            "ads/create",
            json!([{"ad_group_id": pg["id"], "creative_type": "REGULAR", "pin_id": pin}]),
        )
        .await;
    assert!(refusal(&items[0]).contains("Pin not found"));

    sandbox.call("sandbox/delete").send().await.expect(204);
    // The account and everything under it are gone: a new account starts empty.
    let fresh = Ads::new(&app, &alice, Env::Sandbox).await;
    assert!(fresh.list("campaigns/list", &[]).await.is_empty());
    sandbox.call("campaigns/list").send().await.expect(404);
}

#[tokio::test]
async fn the_specs_shape_is_checked_before_anything_is_looked_up() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    // A whole number written as a float is an integer, kept as one.
    let c = ads.campaign(json!({"daily_spend_cap": 5_000_000.0})).await;
    assert_eq!(c["daily_spend_cap"], 5_000_000);
    assert!(c["daily_spend_cap"].is_i64());
    // An id with more digits than any id is schema-valid: that item is not found.
    let items = ads
        .batch(
            "campaigns/update",
            json!([{"id": "00671916963648177425", "name": "Ghost"}]),
        )
        .await;
    assert!(refusal(&items[0]).contains("not found"));
    // An item of the wrong shape refuses the request even when it also names no entity or
    // another ad account.
    ads.call("ads/update")
        .json(json!([{"id": "137411", "view_tracking_url": 0.0, "ad_account_id": "1"}]))
        .send()
        .await
        .expect_error(400, 1, "'view_tracking_url' must be a string");
    ads.call("campaigns/create")
        .json(
            json!([{"name": "C", "objective_type": "AWARENESS", "ad_account_id": "1",
                      "is_flexible_daily_budgets": "yes"}]),
        )
        .send()
        .await
        .expect_error(400, 1, "'is_flexible_daily_budgets' must be true or false");
    // The update schema lets objective_type be null: unchanged.
    let items = ads
        .batch(
            "campaigns/update",
            json!([{"id": c["id"], "objective_type": null, "name": "Renamed"}]),
        )
        .await;
    assert_eq!(items[0]["data"]["objective_type"], "AWARENESS");
    assert_eq!(items[0]["data"]["name"], "Renamed");
    // Tracking URLs are arrays of URLs by event.
    ads.call("campaigns/create")
        .json(json!([{"name": "C", "objective_type": "AWARENESS",
                      "tracking_urls": {"impression": [1, 2]}}]))
        .send()
        .await
        .expect_error(400, 1, "'tracking_urls'");
    // A field the schema refuses is found behind one only Pinterest's rules refuse.
    ads.call("ad_groups/create")
        .json(
            json!([{"name": "G", "campaign_id": c["id"], "billable_event": "IMPRESSION",
                      "budget_in_micro_currency": -5, "tracking_urls": {"impression": null}}]),
        )
        .send()
        .await
        .expect_error(400, 1, "'tracking_urls'");
    // MINIMUM_AGE is a string, never null.
    ads.call("ad_groups/create")
        .json(
            json!([{"name": "G", "campaign_id": c["id"], "billable_event": "IMPRESSION",
                      "budget_in_micro_currency": 1, "targeting_spec": {"MINIMUM_AGE": null}}]),
        )
        .send()
        .await
        .expect_error(400, 1, "'MINIMUM_AGE' must be given a value");
    // Another script's digits match the spec's `\d` but name no Pin: that item is refused.
    let g = ads
        .ad_group(&c, json!({"budget_in_micro_currency": 1_000_000}))
        .await;
    let items = ads
        .batch(
            "ads/create",
            json!([{"ad_group_id": g["id"], "creative_type": "REGULAR", "pin_id": "١٢٣"}]),
        )
        .await;
    assert!(refusal(&items[0]).contains("ASCII digits"));
}

#[tokio::test]
async fn a_parent_id_with_too_many_digits_names_no_parent() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ads = Ads::new(&app, &alice, Env::Production).await;
    let pin = ads.pin("PUBLIC").await;
    let items = ads
        .batch(
            "ads/create",
            json!([{"ad_group_id": "AG16070238175023690216", "creative_type": "REGULAR",
                    "pin_id": pin}]),
        )
        .await;
    assert!(
        refusal(&items[0]).contains("names no ad group"),
        "{items:?}"
    );
}
