//! Agents over HTTP: keys that act as their user within per-area grants, denials that name the
//! agent, the area and its level, and the audit log of every call.

use serde_json::{Value, json};

use pinbox::catalog::area::{self, Area, Level};
use pinbox::catalog::{self, Auth, Method};
use pinbox::domain::agents::AuditFilter;
use pinbox::domain::env::Env;
use pinbox::domain::ids::AgentId;
use pinbox::domain::rate_limits::RateLimits;

use crate::fixtures::png_source;
use crate::support::{TestApp, TestUser};

async fn agent(
    app: &TestApp,
    user: &TestUser,
    name: &str,
    grants: &[(Area, Level)],
) -> (AgentId, String) {
    let created = app
        .pinbox
        .agents
        .create(Some(user.user.id), name, Env::Production)
        .await
        .unwrap();
    for (area, level) in grants {
        app.pinbox
            .agents
            .grant(created.agent.id, *area, *level)
            .await
            .unwrap();
    }
    (created.agent.id, created.key)
}

async fn audit(app: &TestApp, agent: AgentId) -> Vec<(String, bool, u16, String)> {
    let mut lines = app
        .pinbox
        .agents
        .audit(AuditFilter {
            agent: Some(agent),
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    lines.reverse();
    lines
        .into_iter()
        .map(|l| (l.action, l.allowed, l.status, l.reason))
        .collect()
}

#[tokio::test]
async fn a_new_agent_is_denied_everything_and_the_denial_names_the_agent_the_area_and_its_level() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let (_, key) = agent(&app, &alice, "Content Agent", &[]).await;
    app.call("boards/create")
        .token(&key)
        .json(json!({"name": "Recipes"}))
        .send()
        .await
        .expect_error(
            403,
            29,
            "Agent 'Content Agent' may not change boards: 'boards' is off.",
        );
    app.call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let boards = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(
        boards.items().is_empty(),
        "the denied create changed nothing: {:?}",
        boards.json
    );
    app.call("user_account/get")
        .token(&key)
        .send()
        .await
        .expect_error(
            403,
            29,
            "Agent 'Content Agent' may not read the user account: 'account' is off.",
        );
}

#[tokio::test]
async fn a_read_grant_reads_and_a_write_needs_full() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let board = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Recipes"}))
        .send()
        .await
        .expect(201)
        .id();
    let (_, key) = agent(&app, &alice, "Reader", &[(Area::Boards, Level::Read)]).await;
    let got = app
        .call("boards/get")
        .path("board_id", &board)
        .token(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(got.json["name"], "Recipes");
    app.call("boards/update")
        .path("board_id", &board)
        .token(&key)
        .json(json!({"name": "Renamed"}))
        .send()
        .await
        .expect_error(
            403,
            29,
            "Agent 'Reader' may not change boards: 'boards' is read. Grant it full to allow this.",
        );
}

/// Fills every `{parameter}` of an operation's path with a plausible id.
fn filled(op: &catalog::Operation, call: crate::support::Call) -> crate::support::Call {
    let mut call = call;
    for part in op.path.split('/') {
        if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            call = call.path(name, "1234567890");
        }
    }
    if matches!(op.method, Method::Post | Method::Patch) {
        call = call.json(json!({}));
    }
    call
}

#[tokio::test]
async fn each_level_of_each_area_admits_exactly_the_operations_that_need_it_over_the_whole_catalog()
{
    // Two calls of every operation pass the per-minute quotas of some categories.
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let alice = app.user("alice").await;
    let (id, key) = agent(&app, &alice, "Matrix", &[]).await;
    let mut checked = 0;
    for op in catalog::OPERATIONS {
        let Some(need) = area::need(op) else {
            assert_eq!(op.auth, Auth::ClientBasic, "{}", op.id);
            continue;
        };
        let below = if need.level == Level::Full {
            Level::Read
        } else {
            Level::Off
        };
        for (level, admitted) in [(below, false), (need.level, true)] {
            app.pinbox.agents.grant(id, need.area, level).await.unwrap();
            let reply = filled(op, app.call(op.id).token(&key)).send().await;
            let gate = reply.status == 403
                && reply.json["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("Agent 'Matrix' may not"));
            assert_eq!(
                !gate, admitted,
                "{} with '{}' {level}: {} {}",
                op.id, need.area, reply.status, reply.text
            );
            assert!(
                reply.status < 500,
                "{}: {} {}",
                op.id,
                reply.status,
                reply.text
            );
        }
        app.pinbox
            .agents
            .grant(id, need.area, Level::Off)
            .await
            .unwrap();
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

#[tokio::test]
async fn audit_lines_say_in_plain_english_what_was_done_and_tried_with_the_decision() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let (id, key) = agent(
        &app,
        &alice,
        "Content Agent",
        &[
            (Area::Boards, Level::Full),
            (Area::CreatePins, Level::Full),
            (Area::Pins, Level::Read),
        ],
    )
    .await;
    let board = app
        .call("boards/create")
        .token(&key)
        .json(json!({"name": "Recipes"}))
        .send()
        .await
        .expect(201)
        .id();
    let pin = app
        .call("pins/create")
        .token(&key)
        .json(json!({"board_id": board, "title": "Summer salad", "media_source": png_source(20, 10, [1, 2, 3])}))
        .send()
        .await
        .expect(201)
        .id();
    app.call("pins/get")
        .path("pin_id", &pin)
        .token(&key)
        .send()
        .await
        .expect(200);
    app.call("boards/delete")
        .path("board_id", &board)
        .token(&key)
        .send()
        .await
        .expect(403);
    app.call("pins/get")
        .path("pin_id", "1234567890")
        .token(&key)
        .send()
        .await
        .expect(404);
    let lines = audit(&app, id).await;
    let expected = vec![
        ("created board 'Recipes'", true, 201, "'boards' is full"),
        (
            "created Pin 'Summer salad' on board 'Recipes'",
            true,
            201,
            "'create_pins' is full",
        ),
        ("read Pin 'Summer salad'", true, 200, "'pins' is read"),
        (
            "tried to delete board 'Recipes'",
            false,
            403,
            "Agent 'Content Agent' may not delete boards: 'delete_boards' is off.",
        ),
        ("tried to read Pin", true, 404, "'pins' is read"),
    ];
    let got: Vec<(&str, bool, u16, &str)> = lines
        .iter()
        .map(|(a, ok, s, r)| (a.as_str(), *ok, *s, r.as_str()))
        .collect();
    assert_eq!(got, expected);

    // The owner reads the same log over HTTP, newest first, and may filter by decision.
    let reply = app
        .raw(
            "GET",
            &format!("/_pinbox/audit?agent_id={id}&decision=denied"),
            Some(&alice.token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let items = reply.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", reply.text);
    assert_eq!(items[0]["action"], "tried to delete board 'Recipes'");
    assert_eq!(items[0]["agent_name"], "Content Agent");
    assert_eq!(items[0]["decision"], "denied");
    assert_eq!(items[0]["operation"], "boards/delete");
    // Another user sees none of it.
    let bob = app.user("bob").await;
    let theirs = app.raw("GET", "/_pinbox/audit", Some(&bob.token)).await;
    assert_eq!(theirs.json["items"], json!([]), "{}", theirs.text);
    // An agent key does not read the log.
    let refused = app.raw("GET", "/_pinbox/audit", Some(&key)).await;
    assert_eq!(refused.status, 401, "{}", refused.text);
}

#[tokio::test]
async fn no_key_token_or_image_data_ever_reaches_the_audit_log() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let (_, key) = agent(
        &app,
        &alice,
        "Careful",
        &[(Area::Boards, Level::Full), (Area::CreatePins, Level::Full)],
    )
    .await;
    let board = app
        .call("boards/create")
        .token(&key)
        .json(json!({"name": "B"}))
        .send()
        .await
        .expect(201)
        .id();
    let source = png_source(30, 20, [9, 8, 7]);
    app.call("pins/create")
        .token(&key)
        .json(json!({"board_id": board, "title": "T", "media_source": source}))
        .send()
        .await
        .expect(201);
    app.call("pins/delete")
        .path("pin_id", "1")
        .token(&key)
        .send()
        .await
        .expect(403);
    let everything = app
        .pinbox
        .agents
        .audit(AuditFilter {
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(everything.len(), 3);
    let text = format!("{everything:?}");
    let image = source["data"].as_str().unwrap();
    for secret in [
        key.as_str(),
        &key["pinag_".len()..],
        alice.token.as_str(),
        &image[..40],
    ] {
        assert!(
            !text.contains(secret),
            "the audit log holds a secret: {text}"
        );
    }
}

#[tokio::test]
async fn a_revoked_agent_key_stops_working_at_once() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let (id, key) = agent(&app, &alice, "Short-lived", &[(Area::Boards, Level::Read)]).await;
    app.call("boards/list").token(&key).send().await.expect(200);
    app.pinbox.agents.revoke(id).await.unwrap();
    app.call("boards/list")
        .token(&key)
        .send()
        .await
        .expect_error(401, 2, "agent 'Short-lived' has been revoked");
    // The refused attempt is in the log too.
    let last = audit(&app, id).await.pop().unwrap();
    assert_eq!(last.0, "tried to list boards");
    assert_eq!((last.1, last.2), (false, 401));
    assert!(last.3.contains("has been revoked"), "{}", last.3);
}

#[tokio::test]
async fn an_agent_sees_secret_boards_only_with_secret_content_granted_and_stays_in_its_environment()
{
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Hidden", "privacy": "SECRET"}))
        .send()
        .await
        .expect(201);
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Shown"}))
        .send()
        .await
        .expect(201);
    let (id, key) = agent(&app, &alice, "Lister", &[(Area::Boards, Level::Read)]).await;
    let names = |reply: &crate::support::Reply| -> Vec<String> {
        reply
            .items()
            .iter()
            .map(|b| b["name"].as_str().unwrap().to_string())
            .collect()
    };
    let public = app.call("boards/list").token(&key).send().await.expect(200);
    assert_eq!(names(&public), vec!["Shown"]);
    app.pinbox
        .agents
        .grant(id, Area::SecretContent, Level::Read)
        .await
        .unwrap();
    let all = app.call("boards/list").token(&key).send().await.expect(200);
    let mut all = names(&all);
    all.sort();
    assert_eq!(all, vec!["Hidden", "Shown"]);
    // A production agent's key is refused in Sandbox, as tokens are.
    let reply = app.call_sandbox("boards/list").token(&key).send().await;
    assert_eq!(reply.status, 401, "{}", reply.text);
    assert!(
        reply.json["message"]
            .as_str()
            .unwrap()
            .contains("production agent"),
        "{}",
        reply.text
    );
    let _: Value = reply.json;
}

#[tokio::test]
async fn audit_lines_older_than_the_retention_are_deleted_by_pinbox_clock() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let (id, key) = agent(&app, &alice, "Old", &[(Area::Boards, Level::Read)]).await;
    app.call("boards/list").token(&key).send().await.expect(200);
    app.advance(std::time::Duration::from_secs(60 * 86_400));
    app.call("boards/list").token(&key).send().await.expect(200);
    let retention = std::time::Duration::from_secs(30 * 86_400);
    assert_eq!(app.pinbox.agents.prune_audit(retention).await.unwrap(), 1);
    assert_eq!(audit(&app, id).await.len(), 1, "the recent line stays");
}
