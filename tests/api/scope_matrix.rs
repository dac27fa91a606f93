//! The scope matrix, generated from the operation catalog: for every served operation and every
//! scope it requires, a token lacking exactly that scope is refused with 403; and what a token
//! may see of secret Pins in every figure computed from Pins.

use std::time::Duration;

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::catalog::{self, Auth, Method};
use pinbox::domain::env::Env;
use pinbox::domain::rate_limits::RateLimits;
use serde_json::{Value, json};

use crate::fixtures::png_source;
use crate::pins::board;
use crate::support::{TestApp, TestUser};

#[tokio::test]
async fn a_token_lacking_any_required_scope_gets_403() {
    // Limits off: on the frozen clock every call lands in one second, and the matrix makes far
    // more than a user's 100 calls a second.
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let alice = app.user("alice").await;
    let mut checked = 0;
    // The OAuth token endpoints authenticate the app (HTTP Basic), not a token with scopes.
    let bearer: Vec<_> = catalog::OPERATIONS
        .iter()
        .filter(|o| o.auth == Auth::Bearer)
        .collect();
    for op in bearer.iter().copied() {
        // With every scope, the request gets past the scope check (whatever else it answers).
        let full = app.token(&alice, Scopes::all()).await;
        let r = request(&app, op, &full).await;
        assert_ne!(
            r.status, 403,
            "{} refused a token with every scope: {}",
            op.id, r.text
        );
        for scope in op.scopes.iter() {
            let token = app.token(&alice, Scopes::all().without(scope)).await;
            let r = request(&app, op, &token).await;
            assert_eq!(r.status, 403, "{} without {scope}: {}", op.id, r.text);
            assert_eq!(r.json["code"], 3, "{} without {scope}", op.id);
            // Pinterest's sentence, then the scope the token lacks, named.
            assert_eq!(
                r.json["message"].as_str().unwrap(),
                format!(
                    "Your token does not have sufficient permissions to perform this operation. \
                     Please ensure your token is authorized with the correct set of scopes. \
                     Missing scopes: {scope}."
                ),
                "{}",
                r.text
            );
            assert_eq!(
                r.headers["x-pinbox-missing-scopes"].to_str().unwrap(),
                scope.as_str()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= bearer.len(),
        "every operation needs at least one scope"
    );
    // Every scope the token lacks is named, in the spec's order.
    let none = app
        .token(&alice, Scopes::of(&[Scope::UserAccountsRead]))
        .await;
    let r = app
        .call("pins/create")
        .token(&none)
        .json(json!({}))
        .send()
        .await;
    assert_eq!((r.status, &r.json["code"]), (403, &json!(3)), "{}", r.text);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .ends_with(" Missing scopes: boards:read, boards:write, pins:read, pins:write."),
        "{}",
        r.text
    );
}

/// An app token (the client-credentials grant) is accepted exactly where the spec's `security`
/// lists `client_credentials`, with the scopes listed there (the same as the user token's on every
/// operation, as tests/catalog.rs checks), and refused with 403 code 29 everywhere else.
#[tokio::test]
async fn app_tokens_are_accepted_exactly_where_the_spec_lists_client_credentials() {
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let alice = app.user("alice").await;
    let app_token = async |scopes| {
        app.pinbox
            .tokens
            .issue(None, alice.app_id, scopes, Env::Production)
            .await
            .unwrap()
            .secret
    };
    let full = app_token(Scopes::all()).await;
    let (mut accepted, mut refused) = (0, 0);
    for op in catalog::OPERATIONS
        .iter()
        .filter(|o| o.auth == Auth::Bearer)
    {
        let r = request(&app, op, &full).await;
        let code = &r.json["code"];
        if op.client_credentials {
            assert!(
                r.status != 401 && !(r.status == 403 && (code == 29 || code == 3)),
                "{} lists client_credentials but refused an app token with every scope: {}",
                op.id,
                r.text
            );
            for scope in op.scopes.iter() {
                let lacking = app_token(Scopes::all().without(scope)).await;
                let r = request(&app, op, &lacking).await;
                assert_eq!(
                    (r.status, &r.json["code"]),
                    (403, &json!(3)),
                    "{} with an app token without {scope}: {}",
                    op.id,
                    r.text
                );
            }
            accepted += 1;
        } else {
            assert_eq!(
                (r.status, code),
                (403, &json!(29)),
                "{} does not list client_credentials: {}",
                op.id,
                r.text
            );
            assert!(
                r.json["message"].as_str().unwrap().contains(op.id),
                "{}",
                r.text
            );
            refused += 1;
        }
    }
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
}

async fn request(app: &TestApp, op: &catalog::Operation, token: &str) -> crate::support::Reply {
    let mut call = app.call(op.id).token(token);
    for param in [
        "board_id",
        "section_id",
        "pin_id",
        "media_id",
        "ad_account_id",
        "username",
    ] {
        if op.path.contains(&format!("{{{param}}}")) {
            call = call.path(param, "1234567890123456789");
        }
    }
    if matches!(op.method, Method::Post | Method::Patch) {
        call = call.json(json!({}));
    }
    call.send().await
}

/// Every figure and image URL a token is shown is computed from the Pins it may see: Pins on
/// secret boards count only with `pins:read_secret`, in user account analytics totals, top Pins,
/// `monthly_views`, and a secret board's `pin_count`, cover, thumbnails and
/// `board_pins_modified_at` (wherever the board is answered: get, list, search, update).
#[tokio::test]
async fn figures_and_covers_come_only_from_pins_the_token_may_see() {
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let alice = app.user("alice").await;
    let public = board(&app, &alice, "Open", "PUBLIC").await;
    let secret = board(&app, &alice, "Hidden", "SECRET").await;
    // The Pins come an hour after their boards, so that a board's pins_modified_at tells.
    app.advance(Duration::from_secs(3600));
    let open = pin_on(&app, &alice, &public, [10, 200, 10]).await;
    let hidden = pin_on(&app, &alice, &secret, [200, 10, 10]).await;
    let hidden_cover = hidden["media"]["images"]["400x300"]["url"].clone();
    let hidden_thumb = hidden["media"]["images"]["150x150"]["url"].clone();
    let (open, hidden) = (id(&open), id(&hidden));
    app.advance(5 * DAY); // 2026-11-06: the 2nd is READY
    engagement(&app, &alice, &open, json!({"IMPRESSION": 10, "SAVE": 1})).await;
    engagement(
        &app,
        &alice,
        &hidden,
        json!({"IMPRESSION": 1000, "SAVE": 100}),
    )
    .await;

    let public_only = Scopes::CONTENT.without(Scope::PinsReadSecret);
    for (scopes, sees_secret) in [(public_only, false), (Scopes::CONTENT, true)] {
        let token = app.token(&alice, scopes).await;
        let case = if sees_secret { "with" } else { "without" };

        let top = app
            .call("user_account/analytics/top_pins")
            .token(&token)
            .query("start_date", "2026-11-01")
            .query("end_date", "2026-11-06")
            .query("sort_by", "IMPRESSION")
            .send()
            .await
            .expect(200);
        let ranked: Vec<&str> = top.json["pins"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["pin_id"].as_str().unwrap())
            .collect();
        let expected = if sees_secret {
            vec![hidden.as_str(), open.as_str()]
        } else {
            vec![open.as_str()]
        };
        assert_eq!(ranked, expected, "top Pins {case} pins:read_secret");

        let totals = app
            .call("user_account/analytics")
            .token(&token)
            .query("start_date", "2026-11-01")
            .query("end_date", "2026-11-06")
            .query("metric_types", "IMPRESSION,SAVE")
            .send()
            .await
            .expect(200);
        let summary = &totals.json["all"]["summary_metrics"];
        let (impressions, saves) = if sees_secret { (1010, 101) } else { (10, 1) };
        assert_eq!(
            summary["IMPRESSION"], impressions,
            "totals {case}: {summary}"
        );
        assert_eq!(summary["SAVE"], saves, "totals {case}: {summary}");

        let me = app
            .call("user_account/get")
            .token(&token)
            .send()
            .await
            .expect(200);
        assert_eq!(
            me.json["monthly_views"], impressions,
            "monthly_views {case}"
        );
        assert_eq!(me.json["pin_count"], if sees_secret { 2 } else { 1 });

        // The secret board itself is visible (boards:read_secret); its Pins only with the scope.
        let check = |b: &Value, how: &str| {
            assert_eq!(b["id"], secret.as_str(), "{how}");
            let m = &b["media"];
            if sees_secret {
                assert_eq!(b["pin_count"], 1, "{how} {case}");
                assert_eq!(m["image_cover_url"], hidden_cover, "{how} {case}");
                assert_eq!(
                    m["pin_thumbnail_urls"],
                    json!([hidden_thumb]),
                    "{how} {case}"
                );
                assert_ne!(b["board_pins_modified_at"], b["created_at"], "{how} {case}");
            } else {
                assert_eq!(b["pin_count"], 0, "{how} {case}: {b}");
                assert_eq!(m["image_cover_url"], Value::Null, "{how} {case}: {b}");
                assert_eq!(m["pin_thumbnail_urls"], json!([]), "{how} {case}: {b}");
                assert_eq!(
                    b["board_pins_modified_at"], b["created_at"],
                    "{how} {case}: no Pin it may see was modified"
                );
            }
        };
        let got = app
            .call("boards/get")
            .path("board_id", &secret)
            .token(&token)
            .send()
            .await
            .expect(200);
        check(&got.json, "boards/get");
        let listed = app
            .call("boards/list")
            .token(&token)
            .query("privacy", "SECRET")
            .send()
            .await
            .expect(200);
        check(&listed.items()[0], "boards/list");
        let found = app
            .call("search_user_boards/get")
            .token(&token)
            .query("query", "Hidden")
            .send()
            .await
            .expect(200);
        check(&found.items()[0], "search_user_boards/get");
        let updated = app
            .call("boards/update")
            .path("board_id", &secret)
            .token(&token)
            .json(json!({"description": case}))
            .send()
            .await
            .expect(200);
        check(&updated.json, "boards/update");
        // The public board shows its Pin to both.
        let open_board = app
            .call("boards/get")
            .path("board_id", &public)
            .token(&token)
            .send()
            .await
            .expect(200);
        assert_eq!(open_board.json["pin_count"], 1);
        assert!(open_board.json["media"]["image_cover_url"].is_string());
    }
}

const DAY: Duration = Duration::from_secs(86_400);

async fn pin_on(app: &TestApp, user: &TestUser, board: &str, rgb: [u8; 3]) -> Value {
    app.call("pins/create")
        .token(&user.token)
        .json(json!({"board_id": board, "media_source": png_source(20, 10, rgb)}))
        .send()
        .await
        .expect(201)
        .json
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// Events on 2026-11-02 from the web, through pinbox's control route, as a tester adds them.
async fn engagement(app: &TestApp, user: &TestUser, pin: &str, events: Value) {
    let resp = app
        .client
        .post(format!("{}/_pinbox/engagement", app.base))
        .bearer_auth(&user.token)
        .json(&json!({"pin_id": pin, "date": "2026-11-02", "app_type": "WEB", "events": events}))
        .send()
        .await
        .expect("request");
    assert_eq!(
        resp.status().as_u16(),
        200,
        "{}",
        resp.text().await.unwrap()
    );
}
