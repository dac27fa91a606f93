//! Store contract cases for follows: users following users and boards, per
//! environment, listed newest first by keyset, with exact counts under concurrency.

use super::{S, T0, new_board, public_board, user};
use pinbox::domain::boards::{BoardChanges, Privacy};
use pinbox::domain::env::Env;
use pinbox::domain::follows::{FollowCounts, FollowingQuery};
use pinbox::domain::ids::{BoardId, UserId};
use pinbox::domain::page::Cursor;
use pinbox::domain::storage::*;
use pinbox::domain::users::{AccountType, NewUser};

fn first(limit: u32) -> Cursor {
    Cursor { after: None, limit }
}

fn following(
    user: UserId,
    explicit_only: bool,
    creators_only: bool,
    cursor: Cursor,
) -> FollowingQuery {
    FollowingQuery {
        user,
        env: Env::Production,
        explicit_only,
        creators_only,
        cursor,
    }
}

pub async fn follows_are_listed_newest_first_and_counted(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let carol = user(&store, "carol").await;
    let dave = user(&store, "dave").await;
    let p = Env::Production;
    assert!(store.follow_user(p, bob.id, alice.id, T0).await.unwrap());
    assert!(store.follow_user(p, carol.id, alice.id, T0).await.unwrap());
    // Following again changes nothing.
    assert!(!store.follow_user(p, bob.id, alice.id, T0).await.unwrap());
    // Sandbox follows stay in Sandbox.
    store
        .follow_user(Env::Sandbox, dave.id, alice.id, T0)
        .await
        .unwrap();

    let followers = store.list_followers(alice.id, p, first(1)).await.unwrap();
    let names: Vec<_> = followers.iter().map(|f| f.username.as_str()).collect();
    assert_eq!(names, vec!["carol", "bob"]);
    let rest = store
        .list_followers(
            alice.id,
            p,
            Cursor {
                after: Some(followers[0].seq),
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].username, "bob");
    assert_eq!(
        store.follow_counts(alice.id, p).await.unwrap(),
        FollowCounts {
            followers: 2,
            following: 0
        }
    );
    assert_eq!(
        store
            .follow_counts(alice.id, Env::Sandbox)
            .await
            .unwrap()
            .followers,
        1
    );
    assert_eq!(store.follow_counts(bob.id, p).await.unwrap().following, 1);

    let unknown = store.follow_user(p, bob.id, UserId(42), T0).await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))));
}

pub async fn board_follows_make_implicit_followees(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let shop = store
        .create_user(NewUser {
            id: UserId::random(),
            username: "shop".into(),
            account_type: AccountType::Business,
            business_name: Some("Shop".into()),
            password_hash: None,
            created_at: T0,
        })
        .await
        .unwrap();
    let p = Env::Production;
    let bobs = public_board(&store, &bob, "bobs").await;
    let bobs2 = public_board(&store, &bob, "bobs2").await;
    let shops = public_board(&store, &shop, "shops").await;
    store.follow_user(p, alice.id, bob.id, T0).await.unwrap();
    assert!(store.follow_board(p, alice.id, bobs, T0).await.unwrap());
    assert!(!store.follow_board(p, alice.id, bobs, T0).await.unwrap());
    store.follow_board(p, alice.id, bobs2, T0).await.unwrap();
    store.follow_board(p, alice.id, shops, T0).await.unwrap();
    assert!(matches!(
        store.follow_board(Env::Sandbox, alice.id, shops, T0).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.follow_board(p, alice.id, BoardId(7), T0).await,
        Err(StoreError::NotFound(_))
    ));

    // Each followee once, at their first follow: shop (via a board), then bob.
    let all = store
        .list_following(following(alice.id, false, false, first(10)))
        .await
        .unwrap();
    let names: Vec<_> = all.iter().map(|f| f.username.as_str()).collect();
    assert_eq!(names, vec!["shop", "bob"]);
    let page = store
        .list_following(following(alice.id, false, false, first(1)))
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    let next = store
        .list_following(following(
            alice.id,
            false,
            false,
            Cursor {
                after: Some(page[0].seq),
                limit: 1,
            },
        ))
        .await
        .unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].username, "bob");
    let explicit = store
        .list_following(following(alice.id, true, false, first(10)))
        .await
        .unwrap();
    assert_eq!(explicit.len(), 1);
    assert_eq!(explicit[0].username, "bob");
    let creators = store
        .list_following(following(alice.id, false, true, first(10)))
        .await
        .unwrap();
    assert_eq!(creators.len(), 1);
    assert_eq!(creators[0].username, "shop");
    assert_eq!(store.follow_counts(alice.id, p).await.unwrap().following, 2);
    // Board follows do not make followers.
    assert_eq!(store.follow_counts(shop.id, p).await.unwrap().followers, 0);

    let boards = store
        .list_followed_boards(alice.id, p, first(2))
        .await
        .unwrap();
    let ids: Vec<_> = boards.iter().map(|f| f.board.id).collect();
    assert_eq!(ids, vec![shops, bobs2, bobs]);

    // A board made secret leaves the lists and the count; a deleted one goes for good.
    store
        .update_board(
            p,
            shops,
            BoardChanges {
                privacy: Some(Privacy::Secret),
                ..BoardChanges::default()
            },
            true,
        )
        .await
        .unwrap();
    assert_eq!(store.follow_counts(alice.id, p).await.unwrap().following, 1);
    store.delete_board(p, bobs2).await.unwrap();
    let boards = store
        .list_followed_boards(alice.id, p, first(10))
        .await
        .unwrap();
    assert_eq!(
        boards.iter().map(|f| f.board.id).collect::<Vec<_>>(),
        vec![bobs]
    );
    let _ = new_board;
}

pub async fn concurrent_follows_are_counted_exactly(store: S) {
    let star = user(&store, "star").await;
    let mut fans = Vec::new();
    for i in 0..20 {
        fans.push(user(&store, &format!("fan_{i}")).await);
    }
    let mut tasks = Vec::new();
    for fan in &fans {
        // Each fan follows twice at once: one row each, whatever the interleaving.
        for _ in 0..2 {
            let store = store.clone();
            let (fan, star) = (fan.id, star.id);
            tasks.push(tokio::spawn(async move {
                store.follow_user(Env::Production, fan, star, T0).await
            }));
        }
    }
    let mut new = 0;
    for t in tasks {
        if t.await.unwrap().unwrap() {
            new += 1;
        }
    }
    assert_eq!(new, 20);
    assert_eq!(
        store
            .follow_counts(star.id, Env::Production)
            .await
            .unwrap()
            .followers,
        20
    );
    let listed = store
        .list_followers(star.id, Env::Production, first(100))
        .await
        .unwrap();
    assert_eq!(listed.len(), 20);
}
