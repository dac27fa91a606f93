//! The user account's social graph: following users, the followers and following lists with
//! their bookmarks and filters, followed boards, exact counts under concurrent writes, and the
//! Sandbox refusal of `user_following/get`.

use pinbox::catalog::scope::Scopes;
use pinbox::domain::env::Env;
use pinbox::domain::ids::BoardId;
use pinbox::domain::rate_limits::RateLimits;
use pinbox::domain::users::AccountType;
use serde_json::json;

use crate::pins::{board, pin};
use crate::support::{Reply, TestApp, TestUser};

fn usernames(r: &Reply) -> Vec<String> {
    r.items()
        .iter()
        .map(|u| {
            assert_eq!(u["type"], "user");
            u["username"].as_str().unwrap().to_string()
        })
        .collect()
}

async fn follow(app: &TestApp, who: &TestUser, username: &str) -> Reply {
    app.call("follow_user/update")
        .token(&who.token)
        .path("username", username)
        .json(json!({}))
        .send()
        .await
}

async fn account(app: &TestApp, who: &TestUser) -> Reply {
    app.call("user_account/get")
        .token(&who.token)
        .send()
        .await
        .expect(200)
}

#[tokio::test]
async fn following_a_user_lists_and_counts_on_both_sides() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let r = follow(&app, &bob, "alice").await.expect(200);
    assert_eq!(r.json, json!({"type": "user", "username": "alice"}));
    follow(&app, &carol, "alice").await.expect(200);
    // Again: still one follow.
    app.call("follow_user/update")
        .token(&bob.token)
        .path("username", "alice")
        .json(json!({"auto_follow": true}))
        .send()
        .await
        .expect(200);
    follow(&app, &alice, "bob").await.expect(200);

    let followers = app
        .call("followers/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(usernames(&followers), vec!["carol", "bob"]);
    let following = app
        .call("user_following/get")
        .token(&bob.token)
        .send()
        .await
        .expect(200);
    assert_eq!(usernames(&following), vec!["alice"]);
    let me = account(&app, &alice).await;
    assert_eq!(me.json["follower_count"], 2);
    assert_eq!(me.json["following_count"], 1);
    let me = account(&app, &bob).await;
    assert_eq!(me.json["follower_count"], 1);
    assert_eq!(me.json["following_count"], 1);
}

#[tokio::test]
async fn bad_follows_are_refused_and_change_nothing() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    follow(&app, &alice, "nobody_here")
        .await
        .expect_error(404, 30, "User not found");
    follow(&app, &alice, "alice")
        .await
        .expect_error(400, 1, "yourself");
    follow(&app, &alice, "12345")
        .await
        .expect_error(400, 1, "username");
    app.call("follow_user/update")
        .token(&alice.token)
        .path("username", "alice")
        .json(json!({"auto_follow": "yes"}))
        .send()
        .await
        .expect_error(400, 1, "auto_follow");
    let me = account(&app, &alice).await;
    assert_eq!(me.json["following_count"], 0);
    assert_eq!(me.json["follower_count"], 0);
    // Reading someone's graph needs user_accounts:read; following needs user_accounts:write.
    let read_only = app
        .token(
            &alice,
            Scopes::of(&[pinbox::catalog::scope::Scope::UserAccountsRead]),
        )
        .await;
    app.call("follow_user/update")
        .token(&read_only)
        .path("username", "alice")
        .json(json!({}))
        .send()
        .await
        .expect_error(403, 3, "scopes");
}

#[tokio::test]
async fn follower_lists_page_with_bookmarks_newest_first() {
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let star = app.user("star").await;
    let mut names = Vec::new();
    for i in 0..7 {
        let fan = app.user(&format!("fan_{i}")).await;
        follow(&app, &fan, "star").await.expect(200);
        names.push(format!("fan_{i}"));
    }
    names.reverse();
    let mut seen = Vec::new();
    let mut bookmark: Option<String> = None;
    loop {
        let mut call = app
            .call("followers/list")
            .token(&star.token)
            .query("page_size", 3);
        if let Some(b) = &bookmark {
            call = call.query("bookmark", b);
        }
        let page = call.send().await.expect(200);
        seen.extend(usernames(&page));
        bookmark = page.bookmark();
        if bookmark.is_none() {
            break;
        }
    }
    assert_eq!(seen, names);
    // A followers bookmark does not continue the following list.
    let page = app
        .call("followers/list")
        .token(&star.token)
        .query("page_size", 3)
        .send()
        .await
        .expect(200);
    app.call("user_following/get")
        .token(&star.token)
        .query("bookmark", page.bookmark().unwrap())
        .send()
        .await
        .expect_error(400, 1, "bookmark");
}

#[tokio::test]
async fn board_follows_list_boards_and_make_implicit_followees() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let shop = app.user("shop_owner").await;
    let bobs = board(&app, &bob, "Bob's recipes", "PUBLIC").await;
    pin(&app, &bob, &bobs, "Soup").await;
    let shops = board(&app, &shop, "Shop window", "PUBLIC").await;
    follow(&app, &alice, "bob").await.expect(200);
    for b in [&bobs, &shops] {
        app.pinbox
            .follows
            .follow_board(alice.user.id, Env::Production, BoardId(b.parse().unwrap()))
            .await
            .unwrap();
    }

    let boards = app
        .call("boards_user_follows/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    let ids: Vec<_> = boards
        .items()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![shops.as_str(), bobs.as_str()]);
    assert_eq!(boards.items()[1]["pin_count"], 1);
    assert_eq!(boards.items()[1]["owner"]["username"], "bob");

    let all = app
        .call("user_following/get")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    // Newest first follow: the shop's board came after bob (followed, then his board).
    assert_eq!(usernames(&all), vec!["shop_owner", "bob"]);
    let explicit = app
        .call("user_following/get")
        .token(&alice.token)
        .query("explicit_following", true)
        .send()
        .await
        .expect(200);
    assert_eq!(usernames(&explicit), vec!["bob"]);
    assert_eq!(account(&app, &alice).await.json["following_count"], 2);
    // Board follows are not followers.
    assert_eq!(account(&app, &shop).await.json["follower_count"], 0);
    app.call("user_following/get")
        .token(&alice.token)
        .query("feed_type", "EVERYONE")
        .send()
        .await
        .expect_error(400, 1, "feed_type");
}

#[tokio::test]
async fn creator_only_feeds_keep_business_accounts() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    app.user("pinner").await;
    app.pinbox
        .users
        .create("brand", None, AccountType::Business)
        .await
        .unwrap();
    follow(&app, &alice, "pinner").await.expect(200);
    follow(&app, &alice, "brand").await.expect(200);
    for feed in ["CREATOR_ONLY", "RANKED_CREATOR_ONLY"] {
        let r = app
            .call("user_following/get")
            .token(&alice.token)
            .query("feed_type", feed)
            .send()
            .await
            .expect(200);
        assert_eq!(usernames(&r), vec!["brand"]);
    }
    for feed in ["ALL", "RANKED"] {
        let r = app
            .call("user_following/get")
            .token(&alice.token)
            .query("feed_type", feed)
            .send()
            .await
            .expect(200);
        assert_eq!(usernames(&r), vec!["brand", "pinner"]);
    }
}

#[tokio::test]
async fn counts_stay_exact_under_concurrent_follows_and_pin_creates() {
    let app = TestApp::start_rate_limited(RateLimits::off()).await;
    let star = app.user("star").await;
    let b = board(&app, &star, "b", "PUBLIC").await;
    let mut fans = Vec::new();
    for i in 0..12 {
        fans.push(app.user(&format!("fan_{i}")).await);
    }
    let mut tasks = Vec::new();
    for fan in &fans {
        // Each fan follows twice at once, and the star creates a Pin meanwhile.
        for _ in 0..2 {
            let call = app
                .call("follow_user/update")
                .token(&fan.token)
                .path("username", "star")
                .json(json!({}));
            tasks.push(tokio::spawn(async move { call.send().await.status }));
        }
        let create = app.call("pins/create").token(&star.token).json(json!({
            "board_id": b, "title": "concurrent",
            "media_source": crate::fixtures::png_source(20, 10, [1, 2, 3])
        }));
        tasks.push(tokio::spawn(async move { create.send().await.status }));
    }
    for t in tasks {
        let status = t.await.unwrap();
        assert!(status == 200 || status == 201, "status {status}");
    }
    let me = account(&app, &star).await;
    assert_eq!(me.json["follower_count"], 12);
    assert_eq!(me.json["pin_count"], 12);
    assert_eq!(me.json["board_count"], 1);
}

#[tokio::test]
async fn follows_belong_to_their_environment_and_following_is_refused_in_sandbox() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let bob_sandbox = app.token_in(&bob, Scopes::CONTENT, Env::Sandbox).await;
    let alice_sandbox = app.token_in(&alice, Scopes::CONTENT, Env::Sandbox).await;
    app.call_sandbox("follow_user/update")
        .token(&bob_sandbox)
        .path("username", "alice")
        .json(json!({}))
        .send()
        .await
        .expect(200);
    let sandbox_followers = app
        .call_sandbox("followers/list")
        .token(&alice_sandbox)
        .send()
        .await
        .expect(200);
    assert_eq!(usernames(&sandbox_followers), vec!["bob"]);
    assert_eq!(account(&app, &alice).await.json["follower_count"], 0);
    // user_following/get is x-sandbox: disabled.
    app.call_sandbox("user_following/get")
        .token(&bob_sandbox)
        .send()
        .await
        .expect_error(403, 29, "user_following/get");
    app.call("user_following/get")
        .header("Host", "api-sandbox.pinterest.com")
        .token(&bob_sandbox)
        .send()
        .await
        .expect_error(403, 29, "user_following/get");
}
