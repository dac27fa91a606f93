//! Audiences, customer lists and their uploads, targeting templates and conversion tags: what
//! each create, update, get and list answers, every validation rule, processing that moves with
//! the clock, ownership, the Sandbox and the ad account delete.

use std::time::Duration;

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::domain::ads::{EntityQuery, KindId, NewEntity};
use pinbox::domain::env::Env;
use pinbox::domain::ids::AdAccountId;
use pinbox::domain::page::Cursor;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::support::TestApp;

const ADS: Scopes = Scopes::of(&[Scope::AdsRead, Scope::AdsWrite]);

/// A token of a new user `name` and an ad account of theirs.
async fn account(app: &TestApp, name: &str) -> (String, String) {
    let user = app.user(name).await;
    let token = app.token_in(&user, ADS, Env::Production).await;
    let id = app
        .call("ad_accounts/create")
        .token(&token)
        .json(json!({"name": "Ads", "country": "US", "currency": "USD"}))
        .send()
        .await
        .expect(201)
        .id();
    (token, id)
}

fn sha256(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `n` hashed emails, from the `from`th on, comma-separated.
fn hashed_emails(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| sha256(&format!("person{i}@example.com")))
        .collect::<Vec<_>>()
        .join(",")
}

async fn customer_list(app: &TestApp, token: &str, account: &str, n: usize) -> Value {
    app.call("customer_lists/create")
        .path("ad_account_id", account)
        .token(token)
        .json(json!({"name": "Buyers", "records": hashed_emails(0, n), "list_type": "EMAIL"}))
        .send()
        .await
        .expect(200)
        .json
}

async fn conversion_tag(app: &TestApp, token: &str, account: &str) -> Value {
    app.call("conversion_tags/create")
        .path("ad_account_id", account)
        .token(token)
        .json(json!({"name": "Checkout tag"}))
        .send()
        .await
        .expect(200)
        .json
}

#[tokio::test]
async fn a_customer_list_counts_its_records_and_is_ready_after_processing() {
    let app = TestApp::start().await;
    let (token, acct) = account(&app, "alice").await;
    let list = customer_list(&app, &token, &acct, 120).await;
    assert_eq!(list["type"], "customerlist");
    assert_eq!(list["name"], "Buyers");
    assert_eq!(list["ad_account_id"], acct.as_str());
    assert_eq!(list["status"], "PROCESSING");
    assert_eq!(list["num_batches"], 1);
    assert_eq!(list["num_uploaded_user_records"], 120);
    assert_eq!(list["num_removed_user_records"], 0);
    let raw = serde_json::to_string(&list).unwrap();
    assert!(!raw.contains(&sha256("person0@example.com")), "{raw}");
    let id = list["id"].as_str().unwrap().to_string();
    let get = |app: &TestApp| {
        app.call("customer_lists/get")
            .path("ad_account_id", &acct)
            .path("customer_list_id", &id)
            .token(&token)
    };

    app.advance(Duration::from_secs(59));
    assert_eq!(
        get(&app).send().await.expect(200).json["status"],
        "PROCESSING"
    );
    app.advance(Duration::from_secs(1));
    assert_eq!(get(&app).send().await.expect(200).json["status"], "READY");

    // Removing 30 (and one that is not there, which still counts) leaves 90: too small.
    let records = format!("{},{}", hashed_emails(0, 30), sha256("nobody@example.com"));
    let updated = app
        .call("customer_lists/update")
        .path("ad_account_id", &acct)
        .path("customer_list_id", &id)
        .token(&token)
        .json(json!({"operation_type": "REMOVE", "records": records}))
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(updated["num_batches"], 2);
    assert_eq!(updated["num_removed_user_records"], 31);
    assert_eq!(updated["status"], "PROCESSING");
    app.advance(Duration::from_secs(60));
    assert_eq!(
        get(&app).send().await.expect(200).json["status"],
        "TOO_SMALL"
    );

    // Adding them back (plus duplicates, which count as uploads but not people).
    let records = format!("{},{}", hashed_emails(0, 30), hashed_emails(0, 5));
    let updated = app
        .call("customer_lists/update")
        .path("ad_account_id", &acct)
        .path("customer_list_id", &id)
        .token(&token)
        .json(json!({"operation_type": "ADD", "records": records}))
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(updated["num_uploaded_user_records"], 155);
    app.advance(Duration::from_secs(60));
    assert_eq!(get(&app).send().await.expect(200).json["status"], "READY");

    customer_list(&app, &token, &acct, 3).await;
    let listed = app
        .call("customer_lists/list")
        .path("ad_account_id", &acct)
        .query("order", "ASCENDING")
        .query("page_size", 1)
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.items().len(), 1);
    assert_eq!(listed.items()[0]["id"], id.as_str());
    let bookmark = listed.bookmark().expect("a second page");
    let next = app
        .call("customer_lists/list")
        .path("ad_account_id", &acct)
        .query("order", "ASCENDING")
        .query("page_size", 1)
        .query("bookmark", bookmark)
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(next.items()[0]["num_uploaded_user_records"], 3);
    assert_eq!(next.items()[0]["status"], "PROCESSING");
}

#[tokio::test]
async fn customer_lists_refuse_unhashed_and_malformed_records() {
    let app = TestApp::start().await;
    let (token, acct) = account(&app, "alice").await;
    let h = sha256("a@example.com");
    let cases = [
        (
            json!({"name": "L", "records": "a@example.com"}),
            "hash each address",
        ),
        (
            json!({"name": "L", "records": format!("{h},not-a-hash")}),
            "record 2",
        ),
        (
            json!({"name": "L", "list_type": "IDFA", "records": "6D92078A-8246-4BA4-AE5B-76104861E7DC"}),
            "is not hashed",
        ),
        (
            json!({"name": "L", "list_type": "LR_ID", "records": "bad id!"}),
            "LR_ID",
        ),
        (
            json!({"name": "L", "list_type": "PHONE", "records": h}),
            "'list_type'",
        ),
        (json!({"name": "L"}), "'records' is required"),
        (
            json!({"name": "L", "records": 5}),
            "'records' must be a string",
        ),
        (json!({"name": "L", "records": " , "}), "no records"),
        (json!({"records": h}), "'name' is required"),
    ];
    for (body, part) in cases {
        app.call("customer_lists/create")
            .path("ad_account_id", &acct)
            .token(&token)
            .json(body)
            .send()
            .await
            .expect_error(400, 1, part);
    }
    // Hashes of every accepted length, in any case, and partner ids.
    for (list_type, records) in [
        ("EMAIL", format!("{},{}", h.to_uppercase(), &h[..40])),
        ("MAID", h[..32].to_string()),
        ("HASHED_PINNER_ID", h.clone()),
        ("DLX_ID", "dlx-123_ABC".to_string()),
    ] {
        app.call("customer_lists/create")
            .path("ad_account_id", &acct)
            .token(&token)
            .json(json!({"name": "L", "list_type": list_type, "records": records}))
            .send()
            .await
            .expect(200);
    }
    let list = customer_list(&app, &token, &acct, 2).await;
    let id = list["id"].as_str().unwrap();
    for (body, part) in [
        (json!({"records": h}), "'operation_type' is required"),
        (
            json!({"operation_type": "MERGE", "records": h}),
            "ADD or REMOVE",
        ),
        (json!({"operation_type": "ADD"}), "'records' is required"),
        (
            json!({"operation_type": "ADD", "records": "x@y.z"}),
            "plain email",
        ),
        (
            json!({"operation_type": "ADD", "records": h, "name": "other"}),
            "'name'",
        ),
    ] {
        app.call("customer_lists/update")
            .path("ad_account_id", &acct)
            .path("customer_list_id", id)
            .token(&token)
            .json(body)
            .send()
            .await
            .expect_error(400, 1, part);
    }
    let after = app
        .call("customer_lists/get")
        .path("ad_account_id", &acct)
        .path("customer_list_id", id)
        .token(&token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(after["num_batches"], 1);
    assert_eq!(after["num_uploaded_user_records"], 2);
    app.call("customer_lists/get")
        .path("ad_account_id", &acct)
        .path("customer_list_id", "12345")
        .token(&token)
        .send()
        .await
        .expect_error(404, 2, "Customer list not found");
}

#[tokio::test]
async fn an_upload_runs_once_and_succeeds_after_processing() {
    let app = TestApp::start().await;
    let (token, acct) = account(&app, "alice").await;
    let list = customer_list(&app, &token, &acct, 2).await;
    let list_id = list["id"].as_str().unwrap();
    let created = app
        .call("customer_list_uploads/create")
        .path("ad_account_id", &acct)
        .path("customer_list_id", list_id)
        .token(&token)
        .json(json!({"operation": "ADD", "total_parts": 2}))
        .send()
        .await
        .expect(200)
        .json;
    let upload = &created["customer_list_upload"];
    assert_eq!(upload["state"], "NOT_STARTED");
    assert_eq!(upload["customer_list_id"], list_id);
    assert_eq!(upload["operation"], "ADD");
    let parts = created["s3_multipart_upload_data"]["file_parts"]
        .as_array()
        .unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[1]["part_number"], 2);
    let id = upload["id"].as_str().unwrap();

    let run = app
        .call("customer_list_uploads/run")
        .path("ad_account_id", &acct)
        .path("customer_list_id", list_id)
        .path("customer_list_upload_id", id)
        .token(&token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(run["state"], "RUNNING");
    app.call("customer_list_uploads/run")
        .path("ad_account_id", &acct)
        .path("customer_list_id", list_id)
        .path("customer_list_upload_id", id)
        .token(&token)
        .send()
        .await
        .expect_error(400, 1, "already been run");
    app.advance(Duration::from_secs(60));
    let got = app
        .call("customer_list_uploads/get")
        .path("ad_account_id", &acct)
        .path("customer_list_id", list_id)
        .path("customer_list_upload_id", id)
        .token(&token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(got["state"], "SUCCEEDED");
    assert_eq!(got["record_counts"]["processed"], 0);

    // Under another list, or an unknown one, the upload is not found.
    let other = customer_list(&app, &token, &acct, 1).await;
    app.call("customer_list_uploads/get")
        .path("ad_account_id", &acct)
        .path("customer_list_id", other["id"].as_str().unwrap())
        .path("customer_list_upload_id", id)
        .token(&token)
        .send()
        .await
        .expect_error(404, 2, "not found");
    app.call("customer_list_uploads/create")
        .path("ad_account_id", &acct)
        .path("customer_list_id", "999")
        .token(&token)
        .json(json!({"operation": "ADD", "total_parts": 1}))
        .send()
        .await
        .expect_error(404, 2, "Customer list not found");
    for (body, part) in [
        (
            json!({"operation": "ADD", "total_parts": 11}),
            "'total_parts'",
        ),
        (
            json!({"operation": "SWAP", "total_parts": 1}),
            "'operation'",
        ),
        (json!({"total_parts": 1}), "'operation' is required"),
    ] {
        app.call("customer_list_uploads/create")
            .path("ad_account_id", &acct)
            .path("customer_list_id", list_id)
            .token(&token)
            .json(body)
            .send()
            .await
            .expect_error(400, 1, part);
    }
}

#[tokio::test]
async fn audiences_of_each_type_take_their_rules_and_sizes() {
    let app = TestApp::start().await;
    let (token, acct) = account(&app, "alice").await;
    let list = customer_list(&app, &token, &acct, 150).await;
    let tag = conversion_tag(&app, &token, &acct).await;
    let create = |body: Value| {
        app.call("audiences/create")
            .path("ad_account_id", &acct)
            .token(&token)
            .json(body)
    };

    let from_list = create(json!({
        "name": "Buyers", "audience_type": "CUSTOMER_LIST", "description": "from the list",
        "rule": {"customer_list_id": list["id"]},
    }))
    .send()
    .await
    .expect(200)
    .json;
    assert_eq!(from_list["type"], "audience");
    assert_eq!(from_list["size"], 150);
    assert_eq!(from_list["status"], "INITIALIZING");
    assert_eq!(from_list["created_timestamp"], 1_793_491_200);
    let seed = from_list["id"].as_str().unwrap().to_string();

    let actalike = create(json!({
        "name": "Like buyers", "audience_type": "ACTALIKE",
        "rule": {"seed_id": [seed], "country": "US", "percentage": 5},
    }))
    .send()
    .await
    .expect(200)
    .json;
    assert_eq!(actalike["size"], 4_500_000);
    let visitor = create(json!({
        "name": "Visitors", "audience_type": "VISITOR",
        "rule": {"visitor_source_id": tag["id"], "retention_days": 30,
                 "event_source": {"=": ["web"]}, "ingestion_source": {"=": ["tag"]}},
    }))
    .send()
    .await
    .expect(200)
    .json;
    assert_eq!(visitor["size"], 3_000);
    let engagement = create(json!({
        "name": "Engagers", "audience_type": "ENGAGEMENT",
        "rule": {"engagement_domain": ["www.example.com"], "engager_type": 1,
                 "engagement_type": "save"},
    }))
    .send()
    .await
    .expect(200)
    .json;
    assert_eq!(engagement["size"], 9_000);
    let unfilled = create(json!({
        "name": "Later", "audience_type": "VISITOR",
        "rule": {"visitor_source_id": tag["id"], "prefill": false},
    }))
    .send()
    .await
    .expect(200)
    .json;

    app.advance(Duration::from_secs(60));
    let get = |id: &Value| {
        app.call("audiences/get")
            .path("ad_account_id", &acct)
            .path("audience_id", id.as_str().unwrap())
            .token(&token)
    };
    assert_eq!(
        get(&from_list["id"]).send().await.expect(200).json["status"],
        "READY"
    );
    assert_eq!(
        get(&unfilled["id"]).send().await.expect(200).json["status"],
        "TOO_SMALL"
    );

    let cases = [
        (
            json!({"name": "x", "audience_type": "CUSTOMER_LIST", "rule": {}}),
            400,
            "'rule.customer_list_id'",
        ),
        (
            json!({"name": "x", "audience_type": "CUSTOMER_LIST", "rule": {"customer_list_id": "abc"}}),
            400,
            "must hold ids",
        ),
        (
            json!({"name": "x", "audience_type": "CUSTOMER_LIST", "rule": {"customer_list_id": "42"}}),
            404,
            "Customer list not found",
        ),
        (
            json!({"name": "x", "audience_type": "ACTALIKE", "rule": {"seed_id": [seed], "country": "FR", "percentage": 5}}),
            400,
            "'rule.country'",
        ),
        (
            json!({"name": "x", "audience_type": "ACTALIKE", "rule": {"seed_id": [seed], "country": "US", "percentage": 11}}),
            400,
            "'rule.percentage'",
        ),
        (
            json!({"name": "x", "audience_type": "ACTALIKE", "rule": {"country": "US", "percentage": 1}}),
            400,
            "'rule.seed_id'",
        ),
        (
            json!({"name": "x", "audience_type": "VISITOR", "rule": {"visitor_source_id": tag["id"], "retention_days": 541}}),
            400,
            "'rule.retention_days'",
        ),
        (
            json!({"name": "x", "audience_type": "VISITOR", "rule": {"visitor_source_id": tag["id"], "event_source": {"=": ["tv"]}}}),
            400,
            "'rule.event_source'",
        ),
        (
            json!({"name": "x", "audience_type": "VISITOR", "rule": {"visitor_source_id": "77"}}),
            404,
            "Conversion tag not found",
        ),
        (
            json!({"name": "x", "audience_type": "ENGAGEMENT", "rule": {"engagement_domain": []}}),
            400,
            "'rule.engagement_domain'",
        ),
        (
            json!({"name": "x", "audience_type": "ENGAGEMENT", "rule": {"engagement_domain": ["a.com"], "engager_type": 3}}),
            400,
            "'rule.engager_type'",
        ),
        (
            json!({"name": "x", "audience_type": "ENGAGEMENT", "rule": {"engagement_domain": ["a.com"], "engagement_type": "stare"}}),
            400,
            "'rule.engagement_type'",
        ),
        (
            json!({"name": "x", "audience_type": "VISITOR", "rule": {"visitor_source_id": tag["id"], "ad_id": -1}}),
            400,
            "'rule.ad_id'",
        ),
        (
            json!({"name": "x", "audience_type": "LOOKALIKE", "rule": {}}),
            400,
            "'audience_type'",
        ),
        (
            json!({"name": "x", "audience_type": "VISITOR"}),
            400,
            "'rule' is required",
        ),
        (
            json!({"audience_type": "VISITOR", "rule": {}}),
            400,
            "'name' is required",
        ),
    ];
    for (body, status, part) in cases {
        let code = if status == 404 { 2 } else { 1 };
        create(body).send().await.expect_error(status, code, part);
    }

    // Updates: a new name keeps the audience ready; a new rule processes again; REMOVE ends it.
    let update = |id: &Value, body: Value| {
        app.call("audiences/update")
            .path("ad_account_id", &acct)
            .path("audience_id", id.as_str().unwrap())
            .token(&token)
            .json(body)
    };
    let renamed = update(&engagement["id"], json!({"name": "Savers"}))
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(renamed["name"], "Savers");
    assert_eq!(renamed["status"], "READY");
    let widened = update(
        &engagement["id"],
        json!({"rule": {"engagement_domain": ["a.com", "b.com"]}, "operation_type": "UPDATE"}),
    )
    .send()
    .await
    .expect(200)
    .json;
    assert_eq!(widened["size"], 18_000);
    assert_eq!(widened["status"], "INITIALIZING");
    update(&engagement["id"], json!({"audience_type": "VISITOR"}))
        .send()
        .await
        .expect_error(400, 1, "'audience_type' cannot be changed");
    update(&engagement["id"], json!({"operation_type": "DROP"}))
        .send()
        .await
        .expect_error(400, 1, "'operation_type'");
    let removed = update(&visitor["id"], json!({"operation_type": "REMOVE"}))
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(removed["status"], "REMOVED");
    update(&visitor["id"], json!({"name": "again"}))
        .send()
        .await
        .expect_error(400, 1, "was removed");

    let listed = app
        .call("audiences/list")
        .path("ad_account_id", &acct)
        .query("order", "ASCENDING")
        .token(&token)
        .send()
        .await
        .expect(200);
    let names: Vec<&str> = listed
        .items()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Buyers", "Like buyers", "Savers", "Later"]);
    app.call("audiences/get")
        .path("ad_account_id", &acct)
        .path("audience_id", "1")
        .token(&token)
        .send()
        .await
        .expect_error(404, 2, "Audience not found");
}

#[tokio::test]
async fn targeting_templates_are_updated_by_id_and_named_by_ad_groups() {
    let app = TestApp::start().await;
    let (token, acct) = account(&app, "alice").await;
    let template = app
        .call("targeting_template/create")
        .path("ad_account_id", &acct)
        .token(&token)
        .json(json!({
            "name": "Gaming", "targeting_attributes": {"GENDER": ["female"], "AGE_BUCKET": ["25-34"]},
            "keywords": [{"match_type": "BROAD", "value": "board games"}],
        }))
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(template["status"], "ACTIVE");
    assert_eq!(template["auto_targeting_enabled"], true);
    assert_eq!(template["placement_group"], "ALL");
    assert_eq!(template["keywords"][0]["value"], "board games");
    let id = template["id"].as_str().unwrap().to_string();

    for (body, part) in [
        (
            json!({"name": "x", "targeting_attributes": {"SHOE_SIZE": ["9"]}}),
            "'targeting_attributes'",
        ),
        (json!({"name": "x"}), "'targeting_attributes' is required"),
        (
            json!({"name": "x", "targeting_attributes": {}, "keywords": [{"value": "v"}]}),
            "'keywords'",
        ),
        (
            json!({"name": "x", "targeting_attributes": {}, "placement_group": "FEED"}),
            "'placement_group'",
        ),
    ] {
        app.call("targeting_template/create")
            .path("ad_account_id", &acct)
            .token(&token)
            .json(body)
            .send()
            .await
            .expect_error(400, 1, part);
    }
    let update = |body: Value| {
        app.call("targeting_template/update")
            .path("ad_account_id", &acct)
            .token(&token)
            .json(body)
    };
    let list = || {
        app.call("targeting_template/list")
            .path("ad_account_id", &acct)
            .token(&token)
    };
    update(json!({"id": id, "operation_type": "UPDATE",
                  "targeting_attributes": {"GENDER": ["male"]}}))
    .send()
    .await
    .expect(200);
    let listed = list().send().await.expect(200);
    assert_eq!(
        listed.items()[0]["targeting_attributes"],
        json!({"GENDER": ["male"]})
    );
    assert_eq!(listed.items()[0]["name"], "Gaming");
    update(json!({"id": id}))
        .send()
        .await
        .expect_error(400, 1, "'operation_type' is required");
    update(json!({"id": "5", "operation_type": "UPDATE"}))
        .send()
        .await
        .expect_error(404, 2, "not found");
    update(json!({"operation_type": "UPDATE"}))
        .send()
        .await
        .expect_error(400, 1, "'id' is required");

    // An ad group may name the template, not an unknown one.
    let campaign = app
        .call("campaigns/create")
        .path("ad_account_id", &acct)
        .token(&token)
        .json(json!([{"name": "C", "objective_type": "AWARENESS"}]))
        .send()
        .await
        .expect(200)
        .json["items"][0]["data"]["id"]
        .clone();
    let ad_group = |templates: Value| {
        app.call("ad_groups/create")
            .path("ad_account_id", &acct)
            .token(&token)
            .json(json!([{
                "name": "AG", "campaign_id": campaign, "billable_event": "IMPRESSION",
                "budget_in_micro_currency": 1_000_000, "targeting_template_ids": templates,
            }]))
    };
    let ok = ad_group(json!([id])).send().await.expect(200).json;
    assert_eq!(
        ok["items"][0]["data"]["targeting_template_ids"],
        json!([id])
    );
    let unknown = ad_group(json!(["12345"])).send().await.expect(200).json;
    let message = unknown["items"][0]["exceptions"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("'targeting_template_ids' 12345"),
        "{message}"
    );

    update(json!({"id": id, "operation_type": "REMOVE"}))
        .send()
        .await
        .expect(200);
    update(json!({"id": id, "operation_type": "UPDATE", "name": "back"}))
        .send()
        .await
        .expect_error(400, 1, "was removed");
    let gone = ad_group(json!([id])).send().await.expect(200).json;
    let message = gone["items"][0]["exceptions"][0]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("was removed"), "{message}");
    assert!(list().send().await.expect(200).items().is_empty());
}

#[tokio::test]
async fn conversion_tags_list_whole_and_as_page_visit_and_ocpm_events() {
    let app = TestApp::start().await;
    let (token, acct) = account(&app, "alice").await;
    let tag = app
        .call("conversion_tags/create")
        .path("ad_account_id", &acct)
        .token(&token)
        .json(json!({"name": "Site tag", "aem_enabled": true, "md_frequency": 0.5}))
        .send()
        .await
        .expect(200)
        .json;
    let id = tag["id"].as_str().unwrap().to_string();
    assert_eq!(tag["status"], "ACTIVE");
    assert_eq!(tag["configs"]["aem_enabled"], true);
    assert_eq!(tag["configs"]["aem_ph_enabled"], false);
    assert_eq!(tag["configs"]["md_frequency"], 0.5);
    assert_eq!(tag["enhanced_match_status"], "NOT_VALIDATED");
    assert!(tag.get("aem_enabled").is_none());
    assert!(tag["code_snippet"].as_str().unwrap().contains(&id));
    let second = conversion_tag(&app, &token, &acct).await;
    assert_eq!(second["enhanced_match_status"], Value::Null);

    for (body, part) in [
        (json!({}), "'name' is required"),
        (json!({"name": "t", "aem_enabled": "yes"}), "'aem_enabled'"),
        (json!({"name": "t", "md_frequency": 2}), "'md_frequency'"),
    ] {
        app.call("conversion_tags/create")
            .path("ad_account_id", &acct)
            .token(&token)
            .json(body)
            .send()
            .await
            .expect_error(400, 1, part);
    }
    let got = app
        .call("conversion_tags/get")
        .path("ad_account_id", &acct)
        .path("conversion_tag_id", &id)
        .token(&token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(got, tag);
    let listed = app
        .call("conversion_tags/list")
        .path("ad_account_id", &acct)
        .query("filter_deleted", "true")
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.items().len(), 2);
    assert!(listed.json.get("bookmark").is_none());
    app.call("conversion_tags/list")
        .path("ad_account_id", &acct)
        .query("filter_deleted", "maybe")
        .token(&token)
        .send()
        .await
        .expect_error(400, 1, "filter_deleted");

    let page = app
        .call("page_visit_conversion_tags/get")
        .path("ad_account_id", &acct)
        .query("page_size", 1)
        .query("order", "ASCENDING")
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        page.items()[0],
        json!({"ad_account_id": acct, "conversion_event": "PAGE_VISIT",
               "conversion_tag_id": id, "created_time": 1_793_491_200})
    );
    assert!(page.bookmark().is_some());
    let ocpm = app
        .call("ocpm_eligible_conversion_tags/get")
        .path("ad_account_id", &acct)
        .token(&token)
        .send()
        .await
        .expect(200)
        .json;
    let events = ocpm[acct.as_str()].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["conversion_event"], "PAGE_LOAD");
}

#[tokio::test]
async fn another_users_ad_account_is_forbidden_and_the_sandbox_refuses() {
    let app = TestApp::start().await;
    let (alice, acct) = account(&app, "alice").await;
    let (bob, _) = account(&app, "bob").await;
    let list = customer_list(&app, &alice, &acct, 1).await;
    app.call("customer_lists/get")
        .path("ad_account_id", &acct)
        .path("customer_list_id", list["id"].as_str().unwrap())
        .token(&bob)
        .send()
        .await
        .expect(403);
    app.call("audiences/create")
        .path("ad_account_id", &acct)
        .token(&bob)
        .json(json!({"name": "x", "audience_type": "CUSTOMER_LIST",
                     "rule": {"customer_list_id": list["id"]}}))
        .send()
        .await
        .expect(403);
    app.call("conversion_tags/list")
        .path("ad_account_id", &acct)
        .token(&bob)
        .send()
        .await
        .expect(403);

    let user = app.user("erin").await;
    let sandbox = app.token_in(&user, ADS, Env::Sandbox).await;
    app.call_sandbox("audiences/list")
        .path("ad_account_id", "1")
        .token(&sandbox)
        .send()
        .await
        .expect_error(403, 29, "not available in API Sandbox");
}

#[tokio::test]
async fn a_reference_names_only_the_callers_ad_account() {
    let app = TestApp::start().await;
    let (alice, alices) = account(&app, "alice").await;
    let (bob, bobs) = account(&app, "bob").await;
    let list = customer_list(&app, &alice, &alices, 1).await;
    app.call("audiences/create")
        .path("ad_account_id", &bobs)
        .token(&bob)
        .json(json!({"name": "x", "audience_type": "CUSTOMER_LIST",
                     "rule": {"customer_list_id": list["id"]}}))
        .send()
        .await
        .expect_error(404, 2, "Customer list not found");
}

#[tokio::test]
async fn deleting_a_sandbox_ad_account_deletes_its_audiences() {
    let app = TestApp::start().await;
    let user = app.user("alice").await;
    let sandbox = app.token_in(&user, ADS, Env::Sandbox).await;
    let id = app
        .call_sandbox("ad_accounts/create")
        .token(&sandbox)
        .json(json!({"name": "Sandbox ads"}))
        .send()
        .await
        .expect(201)
        .id();
    let account = AdAccountId(id.parse().unwrap());
    // The Sandbox serves no audience create, so the audience goes straight into the store.
    let mut fields = Map::new();
    fields.insert("name".into(), "Kept until the account goes".into());
    app.store
        .insert_entities(vec![NewEntity {
            kind: KindId::Audience,
            ad_account_id: account,
            env: Env::Sandbox,
            parent_id: None,
            root_id: None,
            status: "ACTIVE".into(),
            fields,
            created_at: app.clock.now(),
        }])
        .await
        .unwrap();
    let stored = || async {
        app.store
            .list_entities(
                EntityQuery::new(KindId::Audience, account),
                Cursor {
                    after: None,
                    limit: 10,
                },
            )
            .await
            .unwrap()
            .len()
    };
    assert_eq!(stored().await, 1);
    app.call_sandbox("sandbox/delete")
        .path("ad_account_id", &id)
        .token(&sandbox)
        .send()
        .await
        .expect(204);
    assert_eq!(stored().await, 0);
}

#[tokio::test]
async fn list_parameters_outside_the_specs_types_are_refused() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let token = app
        .token(&alice, Scopes::of(&[Scope::AdsRead, Scope::AdsWrite]))
        .await;
    let account = app
        .call("ad_accounts/create")
        .token(&token)
        .json(json!({"name": "Shop"}))
        .send()
        .await
        .expect(201)
        .id();
    for (op, name, value) in [
        ("audiences/list", "ownership_type", ""),
        ("audiences/list", "ownership_type", "STOLEN"),
        ("targeting_template/list", "include_sizing", "1087699"),
    ] {
        app.call(op)
            .path("ad_account_id", &account)
            .token(&token)
            .query(name, value)
            .send()
            .await
            .expect_error(400, 1, name);
    }
    app.call("audiences/list")
        .path("ad_account_id", &account)
        .token(&token)
        .query("ownership_type", "OWNED")
        .send()
        .await
        .expect(200);
}
