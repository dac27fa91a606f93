//! Rate limits and access tiers as Pinterest applies them: Trial apps per app per day, Standard
//! apps per user per second plus per category per minute, the `x-ratelimit-*` headers on every
//! answer, the spec's 429, tier changes, exactness under concurrency, and a client's back-off.
//! Windows follow the frozen clock: tests jump to the next second, minute or day.

use std::time::Duration;

use pinbox::catalog::scope::Scopes;
use pinbox::config_file::ConfigFile;
use pinbox::domain::apps::Tier;
use pinbox::domain::env::Env;
use pinbox::domain::ids::AppId;
use pinbox::domain::rate_limits::RateLimits;
use pinbox::domain::users::AccountType;
use serde_json::{Value, json};

use crate::oauth_support::dev;
use crate::support::{Reply, TestApp, openapi};

/// Rate limits written as the config file writes them.
fn limits(toml: &str) -> RateLimits {
    ConfigFile::parse(toml).expect("a valid config").rate_limits
}

fn header<'a>(r: &'a Reply, name: &str) -> Option<&'a str> {
    r.headers
        .get(name)
        .map(|v| v.to_str().expect("an ASCII header"))
}

/// The three headers as one tuple, for compact assertions.
fn rate_headers(r: &Reply) -> (String, String, String) {
    let get = |n| {
        header(r, n)
            .unwrap_or_else(|| panic!("no {n} header on a {} answer", r.status))
            .to_string()
    };
    (
        get("x-ratelimit-limit"),
        get("x-ratelimit-remaining"),
        get("x-ratelimit-reset"),
    )
}

fn h(limit: &str, remaining: u32, reset: u32) -> (String, String, String) {
    (limit.to_string(), remaining.to_string(), reset.to_string())
}

const STANDARD_READ: &str = "100, 100;w=1, 1000;w=60";

/// Pinterest's 429 body, exactly as the spec's examples give it.
fn spec_429_body() -> Value {
    let Some(spec) = openapi::Spec::get() else {
        return json!({"code": 8, "message": pinbox::error::RATE_LIMITED_MESSAGE});
    };
    // `events/create` and `msot_events/create` give it with code 8.
    spec.document()["paths"]["/ad_accounts/{ad_account_id}/events"]["post"]["responses"]["429"]
        ["content"]["application/json"]["example"]
        .clone()
}

fn assert_refused(r: &Reply) {
    assert_eq!(r.status, 429, "expected 429; body: {}", r.text);
    assert_eq!(r.json, spec_429_body());
    assert!(
        header(r, "retry-after").is_none(),
        "Pinterest documents no Retry-After; it is sent only when configured"
    );
}

async fn me(app: &TestApp, token: &str) -> Reply {
    app.call("user_account/get").token(token).send().await
}

/// `n` calls of `user_account/get` sent at once.
async fn burst(app: &TestApp, token: &str, n: usize) -> Vec<Reply> {
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..n {
        calls.spawn(app.call("user_account/get").token(token).send());
    }
    calls.join_all().await
}

fn admitted(replies: &[Reply]) -> usize {
    for r in replies {
        assert!(
            r.status == 200 || r.status == 429,
            "unexpected {}: {}",
            r.status,
            r.text
        );
    }
    replies.iter().filter(|r| r.status == 200).count()
}

/// An app of `tier` owned by the first of `users`, and a token for each user.
async fn shared_app(app: &TestApp, tier: Tier, users: &[&str]) -> (AppId, Vec<String>) {
    let mut made = Vec::new();
    for name in users {
        made.push(
            app.pinbox
                .users
                .create(name, None, AccountType::Pinner)
                .await
                .unwrap(),
        );
    }
    let created = app
        .pinbox
        .apps
        .create(&made[0], "shared", vec![], tier)
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for u in &made {
        tokens.push(
            app.pinbox
                .tokens
                .issue(Some(u.id), created.app.id, Scopes::CONTENT, Env::Production)
                .await
                .unwrap()
                .secret,
        );
    }
    (created.app.id, tokens)
}

#[tokio::test]
async fn every_answer_to_an_authenticated_request_carries_the_rate_limit_headers() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let ok = me(&app, &alice.token).await.expect(200);
    assert_eq!(rate_headers(&ok), h(STANDARD_READ, 99, 1));
    let not_found = app
        .call("pins/get")
        .path("pin_id", "123456789012345678")
        .token(&alice.token)
        .send()
        .await
        .expect(404);
    assert_eq!(rate_headers(&not_found), h(STANDARD_READ, 98, 1));
    // A token of the same user and app without the scope: refused, and still counted.
    let unscoped = app.token(&alice, Scopes::EMPTY).await;
    let forbidden = app
        .call("boards/list")
        .token(&unscoped)
        .send()
        .await
        .expect(403);
    assert_eq!(rate_headers(&forbidden), h(STANDARD_READ, 97, 1));
    let bad_input = app
        .call("boards/list")
        .query("page_size", "0")
        .token(&alice.token)
        .send()
        .await
        .expect(400);
    assert_eq!(rate_headers(&bad_input), h(STANDARD_READ, 96, 1));
    // Writes count against org_write's per-minute quota and the same per-second one.
    let created = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Recipes"}))
        .send()
        .await
        .expect(201);
    assert_eq!(rate_headers(&created), h("100, 100;w=1, 100;w=60", 95, 1));
    // No token, no app: nothing is counted and nothing reported.
    let unauthenticated = app.call("boards/list").send().await.expect(401);
    assert!(header(&unauthenticated, "x-ratelimit-limit").is_none());
    let after = me(&app, &alice.token).await.expect(200);
    assert_eq!(rate_headers(&after), h(STANDARD_READ, 94, 1));
}

#[tokio::test]
async fn a_standard_user_gets_100_calls_a_second_then_the_specs_429_until_the_next_second() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.advance(Duration::from_millis(400));
    for i in 1..=100 {
        let r = me(&app, &alice.token).await.expect(200);
        assert_eq!(rate_headers(&r), h(STANDARD_READ, 100 - i, 1));
    }
    let refused = me(&app, &alice.token).await;
    assert_refused(&refused);
    assert_eq!(rate_headers(&refused), h(STANDARD_READ, 0, 1));
    // Another user is counted apart, even of the same app.
    let bob = app
        .pinbox
        .users
        .create("bob", None, AccountType::Pinner)
        .await
        .unwrap();
    let bob_token = app
        .pinbox
        .tokens
        .issue(Some(bob.id), alice.app_id, Scopes::CONTENT, Env::Production)
        .await
        .unwrap()
        .secret;
    me(&app, &bob_token).await.expect(200);
    app.advance(Duration::from_millis(600));
    let next = me(&app, &alice.token).await.expect(200);
    assert_eq!(rate_headers(&next), h(STANDARD_READ, 99, 1));
}

#[tokio::test]
async fn a_categorys_minute_quota_is_shared_by_its_operations_and_counted_per_user() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.standard]\norg_write = { limit = 3, window = \"1m\" }",
    ))
    .await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let write = "3, 100;w=1, 3;w=60";
    let board = app
        .call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Recipes"}))
        .send()
        .await
        .expect(201);
    assert_eq!(rate_headers(&board), h(write, 2, 60));
    let board_id = board.id();
    app.advance(Duration::from_secs(10));
    let updated = app
        .call("boards/update")
        .path("board_id", &board_id)
        .token(&alice.token)
        .json(json!({"description": "Soups"}))
        .send()
        .await
        .expect(200);
    assert_eq!(rate_headers(&updated), h(write, 1, 50));
    let section = app
        .call("board_sections/create")
        .path("board_id", &board_id)
        .token(&alice.token)
        .json(json!({"name": "Winter"}))
        .send()
        .await
        .expect(201);
    assert_eq!(rate_headers(&section), h(write, 0, 50));
    let refused = app
        .call("boards/delete")
        .path("board_id", &board_id)
        .token(&alice.token)
        .send()
        .await;
    assert_refused(&refused);
    assert_eq!(rate_headers(&refused), h(write, 0, 50));
    // Reads have a quota of their own, and bob's writes are his.
    let read = app
        .call("boards/get")
        .path("board_id", &board_id)
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(rate_headers(&read), h(STANDARD_READ, 97, 1));
    app.call("boards/create")
        .token(&bob.token)
        .json(json!({"name": "Bob's"}))
        .send()
        .await
        .expect(201);
    // One second before the minute ends the write is still refused; at the minute it is not.
    app.advance(Duration::from_secs(49));
    let still = app
        .call("boards/delete")
        .path("board_id", &board_id)
        .token(&alice.token)
        .send()
        .await;
    assert_refused(&still);
    assert_eq!(rate_headers(&still).2, "1");
    app.advance(Duration::from_secs(1));
    app.call("boards/delete")
        .path("board_id", &board_id)
        .token(&alice.token)
        .send()
        .await
        .expect(204);
}

#[tokio::test]
async fn a_refused_request_changes_nothing_and_uses_no_other_quota() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.standard]\n\
         overall = { limit = 5, window = \"1s\" }\n\
         org_write = { limit = 1, window = \"1m\" }",
    ))
    .await;
    let alice = app.user("alice").await;
    app.call("boards/create")
        .token(&alice.token)
        .json(json!({"name": "Kept"}))
        .send()
        .await
        .expect(201);
    for i in 0..3 {
        let refused = app
            .call("boards/create")
            .token(&alice.token)
            .json(json!({"name": format!("Refused {i}")}))
            .send()
            .await;
        assert_refused(&refused);
    }
    // Had the refusals used the per-second quota, these reads would be refused too.
    let list = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let names: Vec<&str> = list
        .items()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Kept"]);
    assert_eq!(rate_headers(&list), h("5, 5;w=1, 1000;w=60", 3, 1));
    for remaining in [2, 1, 0] {
        let r = me(&app, &alice.token).await.expect(200);
        assert_eq!(rate_headers(&r).1, remaining.to_string());
    }
    assert_refused(&me(&app, &alice.token).await);
    let counts = app
        .pinbox
        .users
        .content_counts(alice.user.id, Env::Production)
        .await
        .unwrap();
    assert_eq!(counts.total_boards(), 1);
}

#[tokio::test]
async fn trial_apps_share_1000_calls_a_day_across_their_users_until_utc_midnight() {
    let app = TestApp::start().await;
    let (_, tokens) = shared_app(&app, Tier::Trial, &["alice", "bob"]).await;
    // 13:00:00.250 UTC: the day's window ends 10 h 59 min 59.75 s later.
    app.advance(Duration::from_millis(13 * 3_600_000 + 250));
    let daily = "1000, 1000;w=86400";
    let first = me(&app, &tokens[0]).await.expect(200);
    assert_eq!(rate_headers(&first), h(daily, 999, 39_600));
    let mut used = 1;
    while used < 1000 {
        let n = (1000 - used).min(50);
        let token = &tokens[used % 2];
        assert_eq!(admitted(&burst(&app, token, n).await), n);
        used += n;
    }
    let refused = me(&app, &tokens[1]).await;
    assert_refused(&refused);
    assert_eq!(rate_headers(&refused), h(daily, 0, 39_600));
    // A Trial app has no per-second limit: the refusal is the day's.
    app.advance(Duration::from_millis(
        10 * 3_600_000 + 59 * 60_000 + 59_000 - 250,
    ));
    let last_second = me(&app, &tokens[0]).await;
    assert_refused(&last_second);
    assert_eq!(rate_headers(&last_second).2, "1");
    app.advance(Duration::from_secs(1));
    let next_day = me(&app, &tokens[0]).await.expect(200);
    assert_eq!(rate_headers(&next_day), h(daily, 999, 86_400));
}

#[tokio::test]
async fn changing_an_apps_tier_takes_effect_on_the_next_request() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.trial]\noverall = { limit = 2, window = \"1d\" }",
    ))
    .await;
    let (app_id, tokens) = shared_app(&app, Tier::Trial, &["alice"]).await;
    let token = &tokens[0];
    assert_eq!(
        rate_headers(&me(&app, token).await.expect(200)),
        h("2, 2;w=86400", 1, 86_400)
    );
    me(&app, token).await.expect(200);
    assert_refused(&me(&app, token).await);
    // An upgrade to Standard lifts the daily cap at once.
    app.pinbox
        .apps
        .set_tier(app_id, Tier::Standard)
        .await
        .unwrap();
    let upgraded = me(&app, token).await.expect(200);
    assert_eq!(rate_headers(&upgraded), h(STANDARD_READ, 99, 1));
    // Back to Trial: the day's count was kept.
    app.pinbox.apps.set_tier(app_id, Tier::Trial).await.unwrap();
    let back = me(&app, token).await;
    assert_refused(&back);
    assert_eq!(rate_headers(&back), h("2, 2;w=86400", 0, 86_400));
}

#[tokio::test]
async fn app_tokens_count_against_their_app_and_user_tokens_against_their_user() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.standard]\noverall = { limit = 3, window = \"1s\" }",
    ))
    .await;
    let alice = app.user("alice").await;
    let mut app_tokens = Vec::new();
    for _ in 0..2 {
        app_tokens.push(
            app.pinbox
                .tokens
                .issue(None, alice.app_id, Scopes::CONTENT, Env::Production)
                .await
                .unwrap()
                .secret,
        );
    }
    let (first, second) = (&app_tokens[0], &app_tokens[1]);
    for token in [first, first, second] {
        let r = app.call("boards/list").token(token).send().await;
        assert_ne!(r.status, 429, "{}", r.text);
        assert!(header(&r, "x-ratelimit-remaining").is_some());
    }
    let refused = app.call("boards/list").token(second).send().await;
    assert_refused(&refused);
    // The app's user has a quota of their own.
    let r = me(&app, &alice.token).await.expect(200);
    assert_eq!(rate_headers(&r).1, "2");
}

#[tokio::test]
async fn the_oauth_token_endpoints_count_against_the_app() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.standard]\noverall = \"off\"\norg_read = { limit = 2, window = \"1m\" }",
    ))
    .await;
    let alice = dev(&app, "alice").await;
    let grant = [
        ("grant_type", "client_credentials"),
        ("scope", "boards:read"),
    ];
    // Failed client authentication names no app: not counted, no headers.
    let bad = app
        .call("oauth/token")
        .basic(alice.app_id, "not the secret")
        .form(&grant)
        .send()
        .await
        .expect(401);
    assert!(header(&bad, "x-ratelimit-limit").is_none());
    for remaining in [1, 0] {
        let r = app
            .call("oauth/token")
            .basic(alice.app_id, &alice.secret)
            .form(&grant)
            .send()
            .await
            .expect(200);
        assert_eq!(rate_headers(&r), h("2, 2;w=60", remaining, 60));
    }
    let refused = app
        .call("oauth/token")
        .basic(alice.app_id, &alice.secret)
        .form(&grant)
        .send()
        .await;
    assert_refused(&refused);
}

/// 64 clients at once against one quota: exactly the limit is admitted per window, and the
/// requests one quota refuses use none of the other's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_the_limit_is_admitted_under_64_concurrent_clients() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.standard]\n\
         overall = { limit = 40, window = \"1s\" }\n\
         org_read = { limit = 50, window = \"1m\" }",
    ))
    .await;
    let alice = app.user("alice").await;
    assert_eq!(admitted(&burst(&app, &alice.token, 64).await), 40);
    app.advance(Duration::from_secs(1));
    // The minute's quota has 10 left: the 24 refused a second ago used none of it.
    assert_eq!(admitted(&burst(&app, &alice.token, 64).await), 10);
    app.advance(Duration::from_secs(1));
    assert_eq!(admitted(&burst(&app, &alice.token, 64).await), 0);
    app.advance(Duration::from_secs(58));
    assert_eq!(admitted(&burst(&app, &alice.token, 64).await), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_clients_sending_many_requests_get_exactly_the_limit() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.standard]\noverall = \"off\"\norg_read = { limit = 100, window = \"1m\" }",
    ))
    .await;
    let alice = app.user("alice").await;
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let calls: Vec<_> = (0..4)
            .map(|_| app.call("user_account/get").token(&alice.token))
            .collect();
        clients.spawn(async move {
            let mut ok = 0;
            for call in calls {
                let r = call.send().await;
                assert!(r.status == 200 || r.status == 429, "{}", r.text);
                ok += usize::from(r.status == 200);
            }
            ok
        });
    }
    let total: usize = clients.join_all().await.into_iter().sum();
    assert_eq!(total, 100);
}

/// A client that waits as long as `x-ratelimit-reset` says whenever it meets a 429 (its "sleep"
/// moves the frozen clock) gets all its work done, and each wait is enough.
#[tokio::test]
async fn a_client_honouring_x_ratelimit_reset_recovers_after_the_window() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.standard]\norg_write = { limit = 3, window = \"1m\" }",
    ))
    .await;
    let alice = app.user("alice").await;
    app.advance(Duration::from_secs(20));
    let mut waited = 0;
    for i in 0..7 {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let r = app
                .call("boards/create")
                .token(&alice.token)
                .json(json!({"name": format!("Board {i}")}))
                .send()
                .await;
            if r.status != 429 {
                r.expect(201);
                break;
            }
            assert!(
                attempts == 1,
                "waiting x-ratelimit-reset seconds was not enough"
            );
            let reset: u64 = header(&r, "x-ratelimit-reset").unwrap().parse().unwrap();
            app.advance(Duration::from_secs(reset));
            waited += reset;
        }
    }
    // Boards 0-2 in the first minute (40 s left of it), 3-5 in the next, 6 in the third.
    assert_eq!(waited, 40 + 60);
    let boards = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(boards.items().len(), 7);
}

#[tokio::test]
async fn with_rate_limits_off_nothing_is_refused_or_reported() {
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let alice = app.user("alice").await;
    let replies = burst(&app, &alice.token, 150).await;
    assert_eq!(admitted(&replies), 150);
    assert!(
        replies
            .iter()
            .all(|r| header(r, "x-ratelimit-limit").is_none())
    );
}

#[tokio::test]
async fn retry_after_is_sent_on_429s_only_when_configured() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits]\nretry_after = true\n\
         [rate_limits.standard]\norg_read = { limit = 1, window = \"1m\" }",
    ))
    .await;
    let alice = app.user("alice").await;
    app.advance(Duration::from_secs(15));
    let ok = me(&app, &alice.token).await.expect(200);
    assert!(header(&ok, "retry-after").is_none());
    let refused = me(&app, &alice.token).await.expect(429);
    assert_eq!(header(&refused, "retry-after"), Some("45"));
    assert_eq!(header(&refused, "x-ratelimit-reset"), Some("45"));
}

#[tokio::test]
async fn production_and_sandbox_each_have_their_own_quota() {
    let app = TestApp::start_rate_limited(limits(
        "[rate_limits.standard]\norg_read = { limit = 2, window = \"1m\" }",
    ))
    .await;
    let alice = app.user("alice").await;
    let sandbox = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;
    me(&app, &alice.token).await.expect(200);
    me(&app, &alice.token).await.expect(200);
    assert_refused(&me(&app, &alice.token).await);
    // Spending production's quota leaves Sandbox's whole, and the other way round.
    let first = app
        .call_sandbox("user_account/get")
        .token(&sandbox)
        .send()
        .await
        .expect(200);
    assert_eq!(header(&first, "x-ratelimit-remaining"), Some("1"));
    app.call_sandbox("user_account/get")
        .token(&sandbox)
        .send()
        .await
        .expect(200);
    assert_refused(
        &app.call_sandbox("user_account/get")
            .token(&sandbox)
            .send()
            .await,
    );
    app.advance(Duration::from_secs(60));
    let next_minute = me(&app, &alice.token).await.expect(200);
    assert_eq!(header(&next_minute, "x-ratelimit-remaining"), Some("1"));
}
