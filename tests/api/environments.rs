//! Production and Sandbox as Pinterest runs them: separate data and tokens, the environment
//! picked by base URL alone (path prefix or `api-sandbox.` host), Sandbox's own restrictions, and
//! the Trial tier meeting production.

use pinbox::catalog::scope::Scopes;
use pinbox::domain::apps::Tier;
use pinbox::domain::env::Env;
use serde_json::{Value, json};

use crate::fixtures::png_source;
use crate::support::{TestApp, TestUser};

/// What an integration does: make a board, a section and a Pin, then read them back.
/// Written once, run against whichever base URL and token it is given (seed 000's switch).
async fn client_code(app: &TestApp, sandbox: bool, token: &str) -> (String, String) {
    let call = |op| {
        if sandbox {
            app.call_sandbox(op)
        } else {
            app.call(op)
        }
    };
    let board = call("boards/create")
        .token(token)
        .json(json!({"name": "Launch", "description": "made by the client"}))
        .send()
        .await
        .expect(201)
        .id();
    call("board_sections/create")
        .path("board_id", &board)
        .token(token)
        .json(json!({"name": "Week 1"}))
        .send()
        .await
        .expect(201);
    let pin = call("pins/create")
        .token(token)
        .json(json!({"board_id": board, "title": "First", "media_source": png_source(20, 20, [200, 10, 10])}))
        .send()
        .await
        .expect(201)
        .id();
    let got = call("pins/get")
        .path("pin_id", &pin)
        .token(token)
        .send()
        .await
        .expect(200);
    assert_eq!(got.json["board_id"], board);
    let listed = call("boards/list_pins")
        .path("board_id", &board)
        .token(token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.items().len(), 1);
    (board, pin)
}

async fn counts(app: &TestApp, sandbox: bool, token: &str) -> (i64, i64) {
    let call = if sandbox {
        app.call_sandbox("user_account/get")
    } else {
        app.call("user_account/get")
    };
    let r = call.token(token).send().await.expect(200);
    (
        r.json["board_count"].as_i64().unwrap(),
        r.json["pin_count"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn seed_000_story_build_in_sandbox_then_switch_base_url_and_token() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox_token = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;

    // Build and test in Sandbox.
    let (s_board, s_pin) = client_code(&app, true, &sandbox_token).await;
    assert_eq!(counts(&app, true, &sandbox_token).await, (1, 1));
    assert_eq!(counts(&app, false, &alice.token).await, (0, 0));

    // Switch: the same client code with the production base URL and a production token.
    let (p_board, p_pin) = client_code(&app, false, &alice.token).await;
    assert_ne!(
        (s_board.as_str(), s_pin.as_str()),
        (p_board.as_str(), p_pin.as_str())
    );
    assert_eq!(counts(&app, false, &alice.token).await, (1, 1));
    assert_eq!(counts(&app, true, &sandbox_token).await, (1, 1));

    // Ids never resolve across the line, either way.
    for (op, param, id) in [
        ("boards/get", "board_id", &s_board),
        ("pins/get", "pin_id", &s_pin),
    ] {
        app.call(op)
            .path(param, id)
            .token(&alice.token)
            .send()
            .await
            .expect(404);
    }
    for (op, param, id) in [
        ("boards/get", "board_id", &p_board),
        ("pins/get", "pin_id", &p_pin),
    ] {
        app.call_sandbox(op)
            .path(param, id)
            .token(&sandbox_token)
            .send()
            .await
            .expect(404);
    }
    // Lists never mix.
    let prod_boards = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let ids: Vec<&Value> = prod_boards.items().iter().map(|b| &b["id"]).collect();
    assert_eq!(ids, vec![&json!(p_board)]);
}

#[tokio::test]
async fn a_token_works_only_in_its_own_environment() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox_token = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;
    app.call("boards/list")
        .token(&sandbox_token)
        .send()
        .await
        .expect_error(401, 2, "sandbox token");
    app.call_sandbox("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect_error(401, 2, "production token");
}

#[tokio::test]
async fn a_host_starting_with_api_sandbox_reaches_sandbox() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox_token = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;
    let host = "api-sandbox.pinterest.com";
    let board = app
        .call("boards/create")
        .header("Host", host)
        .token(&sandbox_token)
        .json(json!({"name": "Via the host"}))
        .send()
        .await
        .expect(201)
        .id();
    // The same board through the path prefix: one Sandbox.
    app.call_sandbox("boards/get")
        .path("board_id", &board)
        .token(&sandbox_token)
        .send()
        .await
        .expect(200);
    // Production neither has it nor takes the Sandbox token.
    app.call("boards/get")
        .path("board_id", &board)
        .token(&alice.token)
        .send()
        .await
        .expect(404);
    app.call("boards/list")
        .header("Host", host)
        .token(&alice.token)
        .send()
        .await
        .expect_error(401, 2, "production token");
    // Any other host is production.
    app.call("boards/list")
        .header("Host", "api.pinterest.com")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn sandbox_pins_are_visible_only_to_their_creator() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let alice_sandbox = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;
    let bob_sandbox = app.token_in(&bob, Scopes::CONTENT, Env::Sandbox).await;
    let (_, sandbox_pin) = client_code(&app, true, &alice_sandbox).await;
    let (_, prod_pin) = client_code(&app, false, &alice.token).await;
    app.call_sandbox("pins/get")
        .path("pin_id", &sandbox_pin)
        .token(&bob_sandbox)
        .send()
        .await
        .expect_error(404, 50, "Pin not found.");
    // In production a Pin on a public board is seen by others.
    app.call("pins/get")
        .path("pin_id", &prod_pin)
        .token(&bob.token)
        .send()
        .await
        .expect(200);
}

async fn trial_user(app: &TestApp, name: &str) -> (TestUser, String, String) {
    let standard = app.user(name).await;
    let trial = app
        .pinbox
        .apps
        .create(&standard.user, "trial app", vec![], Tier::Trial)
        .await
        .unwrap()
        .app;
    let issue = |env| {
        let pinbox = app.pinbox.clone();
        let user = standard.user.id;
        async move {
            pinbox
                .tokens
                .issue(Some(user), trial.id, Scopes::CONTENT, env)
                .await
                .unwrap()
                .secret
        }
    };
    let prod = issue(Env::Production).await;
    let sandbox = issue(Env::Sandbox).await;
    (standard, prod, sandbox)
}

#[tokio::test]
async fn trial_apps_may_not_create_pins_in_production_but_may_in_sandbox() {
    let app = TestApp::start().await;
    let (alice, trial_prod, trial_sandbox) = trial_user(&app, "alice").await;
    // Boards are fine in production.
    let board = app
        .call("boards/create")
        .token(&trial_prod)
        .json(json!({"name": "Trial board"}))
        .send()
        .await
        .expect(201)
        .id();
    let r = app
        .call("pins/create")
        .token(&trial_prod)
        .json(json!({"board_id": board, "media_source": png_source(8, 8, [1, 2, 3])}))
        .send()
        .await
        .expect_error(
            403,
            29,
            "Apps with Trial access may not create Pins in production.",
        );
    let message = r.json["message"].as_str().unwrap();
    assert!(
        message.contains("use API Sandbox") && message.contains("/sandbox/v5"),
        "{message}"
    );
    // Saving makes a Pin too.
    let (_, someone_elses) = client_code(&app, false, &alice.token).await;
    app.call("pins/save")
        .path("pin_id", &someone_elses)
        .token(&trial_prod)
        .json(json!({"board_id": board}))
        .send()
        .await
        .expect_error(403, 29, "Trial access");
    // Nothing was created by the refusals.
    let listed = app
        .call("boards/list_pins")
        .path("board_id", &board)
        .token(&trial_prod)
        .send()
        .await
        .expect(200);
    assert!(listed.items().is_empty());
    // Sandbox gives the same app full Pin CRUD.
    client_code(&app, true, &trial_sandbox).await;

    // An upgrade to Standard takes effect on the next request.
    let trial_app = app
        .pinbox
        .tokens
        .authenticate(&trial_prod, Env::Production)
        .await
        .unwrap()
        .app_id;
    app.pinbox
        .apps
        .set_tier(trial_app, Tier::Standard)
        .await
        .unwrap();
    app.call("pins/create")
        .token(&trial_prod)
        .json(json!({"board_id": board, "media_source": png_source(8, 8, [1, 2, 3])}))
        .send()
        .await
        .expect(201);
}

#[tokio::test]
async fn video_pins_cannot_be_created_in_sandbox() {
    let app = TestApp::start_with(crate::media::with_delay(std::time::Duration::ZERO)).await;
    let alice = app.user("alice").await;
    let sandbox = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;
    // Uploads are served in Sandbox (the spec marks them enabled) ...
    let r = app
        .call_sandbox("media/create")
        .token(&sandbox)
        .json(json!({"media_type": "video"}))
        .send()
        .await
        .expect(201);
    let reg = crate::media::Registered {
        media_id: r.json["media_id"].as_str().unwrap().to_string(),
        upload_url: r.json["upload_url"].as_str().unwrap().to_string(),
        params: r.json["upload_parameters"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect(),
    };
    let up = crate::media::upload(&app, &reg, crate::mp4::small_mp4()).await;
    assert_eq!(up.status, 204, "{}", up.body);
    let status = app
        .call_sandbox("media/get")
        .path("media_id", &reg.media_id)
        .token(&sandbox)
        .send()
        .await
        .expect(200);
    assert_eq!(status.json["status"], "succeeded");
    // ... but the video Pin is refused, and nothing is made.
    let board = app
        .call_sandbox("boards/create")
        .token(&sandbox)
        .json(json!({"name": "Videos"}))
        .send()
        .await
        .expect(201)
        .id();
    app.call_sandbox("pins/create")
        .token(&sandbox)
        .json(json!({
            "board_id": board,
            "media_source": {
                "source_type": "video_id",
                "media_id": reg.media_id,
                "cover_image_url": "https://example.com/cover.png",
            }
        }))
        .send()
        .await
        .expect_error(403, 29, "Video Pins cannot be created in API Sandbox");
    let pins = app
        .call_sandbox("pins/list")
        .token(&sandbox)
        .send()
        .await
        .expect(200);
    assert!(pins.items().is_empty());
}

/// Every operation the spec marks `x-sandbox: disabled` that pinbox serves, from the catalog, so
/// an operation added later is held to it without a line here.
#[tokio::test]
async fn every_sandbox_disabled_operation_is_refused_in_sandbox_and_served_in_production() {
    use pinbox::catalog::{self, Auth, Method, Sandbox};
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let sandbox_token = app.token_in(&alice, Scopes::all(), Env::Sandbox).await;
    let production_token = app.token_in(&alice, Scopes::all(), Env::Production).await;
    let disabled: Vec<_> = catalog::OPERATIONS
        .iter()
        .filter(|o| o.sandbox == Sandbox::Disabled && o.auth == Auth::Bearer)
        .collect();
    assert!(
        disabled.len() >= 8,
        "search, analytics and user_following/get are x-sandbox disabled; the catalog has {}",
        disabled.len()
    );
    for op in disabled {
        let dress = |mut call: crate::support::Call| {
            for param in ["pin_id", "username", "board_id"] {
                if op.path.contains(&format!("{{{param}}}")) {
                    call = call.path(param, "1234567890123456789");
                }
            }
            if matches!(op.method, Method::Post | Method::Patch) {
                call = call.json(json!({}));
            }
            call
        };
        dress(app.call_sandbox(op.id))
            .token(&sandbox_token)
            .send()
            .await
            .expect_error(403, 29, op.id);
        // By host too, the way a client pointed at api-sandbox.pinterest.com arrives.
        dress(app.call(op.id))
            .header("host", "api-sandbox.pinterest.com")
            .token(&sandbox_token)
            .send()
            .await
            .expect_error(403, 29, op.id);
        // In production the same request gets past the environment check (whatever else it says).
        let r = dress(app.call(op.id)).token(&production_token).send().await;
        assert!(
            !(r.status == 403 && r.json["code"] == 29),
            "{} refused in production: {}",
            op.id,
            r.text
        );
    }
}
