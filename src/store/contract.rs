//! The store contract: behaviour every engine must show, written once and run against each
//! engine by `tests/store_contract.rs` through [`store_contract_suite!`]. Each case gets a fresh,
//! empty store and panics on the first broken promise.

use std::sync::Arc;

use crate::clock::Timestamp;
use crate::domain::app::{NewApp, Tier};
use crate::domain::board::{BoardChanges, NewBoard, Privacy, PrivacySet};
use crate::domain::env::Env;
use crate::domain::ids::{AppId, BoardId, SectionId, TokenId, UserId};
use crate::domain::page::Cursor;
use crate::domain::scope::{Scope, Scopes};
use crate::domain::section::Section;
use crate::domain::token::{self, NewToken, TokenKind};
use crate::domain::user::{AccountType, NewUser, User};
use crate::store::{BoardQuery, Conflict, Limit, Store, StoreError};

const T0: Timestamp = Timestamp(1_767_225_600_000); // 2026-01-01T00:00:00Z

/// Expands to one `#[tokio::test]` per contract case, each calling `$make().await` for a fresh store.
#[macro_export]
macro_rules! store_contract_suite {
    ($make:path) => {
        $crate::store_contract_suite!(@cases $make;
            users_are_unique_by_username_regardless_of_case,
            apps_keep_their_redirect_uris_in_order,
            tokens_are_found_by_hash_and_can_be_revoked,
            shared_secrets_are_created_once_and_kept,
            boards_are_listed_newest_first_by_keyset,
            board_lists_filter_by_privacy,
            board_names_are_unique_per_owner_and_environment,
            the_board_limit_is_enforced_by_the_store,
            board_updates_change_only_what_is_given,
            renaming_a_board_onto_another_name_conflicts,
            deleting_a_board_removes_its_sections,
            environments_never_see_each_others_boards,
            sections_are_listed_oldest_first_and_unique_per_board,
            content_counts_split_by_privacy,
        );
    };
    (@cases $make:path; $($case:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let store = $make().await;
                $crate::store::contract::$case(store).await;
            }
        )*
    };
}

type S = Arc<dyn Store>;

async fn user(store: &S, name: &str) -> User {
    store
        .create_user(NewUser {
            id: UserId::random(),
            username: name.to_string(),
            account_type: AccountType::Pinner,
            business_name: None,
            password_hash: None,
            created_at: T0,
        })
        .await
        .expect("create user")
}

fn new_board(owner: &User, name: &str, privacy: Privacy, env: Env) -> NewBoard {
    NewBoard {
        id: BoardId::random(),
        owner_id: owner.id,
        env,
        name: name.to_string(),
        description: None,
        privacy,
        is_ads_only: false,
        created_at: T0,
    }
}

fn all_boards(owner: &User, env: Env, after: Option<i64>, limit: u32) -> BoardQuery {
    BoardQuery {
        owner_id: owner.id,
        env,
        privacies: PrivacySet::ALL,
        cursor: Cursor { after, limit },
    }
}

fn new_section(board: BoardId, name: &str) -> Section {
    Section {
        id: SectionId::random(),
        seq: 0,
        board_id: board,
        name: name.to_string(),
        created_at: T0,
    }
}

pub async fn users_are_unique_by_username_regardless_of_case(store: S) {
    let alice = user(&store, "Alice").await;
    assert_eq!(
        store.user(alice.id).await.unwrap().unwrap().username,
        "Alice"
    );
    assert_eq!(
        store.user_by_username("alice").await.unwrap().unwrap().id,
        alice.id
    );
    let dup = store
        .create_user(NewUser {
            id: UserId::random(),
            username: "ALICE".into(),
            account_type: AccountType::Business,
            business_name: Some("ALICE".into()),
            password_hash: None,
            created_at: T0,
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(Conflict::Username))));
    assert_eq!(store.user_count().await.unwrap(), 1);
    assert!(store.user(UserId(1)).await.unwrap().is_none());
}

pub async fn apps_keep_their_redirect_uris_in_order(store: S) {
    let owner = user(&store, "dev").await;
    let uris = vec![
        "https://b.example/cb".to_string(),
        "http://localhost:8085/".to_string(),
    ];
    let app = store
        .create_app(NewApp {
            id: AppId::random(),
            owner_id: owner.id,
            name: "My app".into(),
            secret_hash: [9; 32],
            redirect_uris: uris.clone(),
            tier: Tier::Standard,
            created_at: T0,
        })
        .await
        .unwrap();
    let found = store.app(app.id).await.unwrap().unwrap();
    assert_eq!(found.redirect_uris, uris);
    assert_eq!(found.tier, Tier::Standard);
    assert_eq!(found.secret_hash, [9; 32]);
    assert_eq!(found.owner_id, owner.id);
}

pub async fn tokens_are_found_by_hash_and_can_be_revoked(store: S) {
    let owner = user(&store, "dev").await;
    let app = store
        .create_app(NewApp {
            id: AppId::random(),
            owner_id: owner.id,
            name: "app".into(),
            secret_hash: [1; 32],
            redirect_uris: vec![],
            tier: Tier::Trial,
            created_at: T0,
        })
        .await
        .unwrap();
    let minted = token::mint(TokenKind::Access);
    let scopes = Scopes::of(&[Scope::BoardsRead, Scope::PinsWriteSecret]);
    let t = store
        .create_token(NewToken {
            id: TokenId::random(),
            hash: minted.hash,
            kind: TokenKind::Access,
            user_id: Some(owner.id),
            app_id: app.id,
            scopes,
            env: Env::Sandbox,
            created_at: T0,
            expires_at: Timestamp(T0.0 + 1000),
        })
        .await
        .unwrap();
    let found = store.token_by_hash(&minted.hash).await.unwrap().unwrap();
    assert_eq!(found.id, t.id);
    assert_eq!(found.scopes, scopes);
    assert_eq!(found.env, Env::Sandbox);
    assert_eq!(found.user_id, Some(owner.id));
    assert_eq!(found.expires_at, Timestamp(T0.0 + 1000));
    assert!(found.revoked_at.is_none());
    assert!(store.token_by_hash(&[0; 32]).await.unwrap().is_none());
    store.revoke_token(t.id, Timestamp(T0.0 + 5)).await.unwrap();
    let revoked = store.token_by_hash(&minted.hash).await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(Timestamp(T0.0 + 5)));
    assert!(matches!(
        store.revoke_token(TokenId(42), T0).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn shared_secrets_are_created_once_and_kept(store: S) {
    let a = store.shared_secret("k").await.unwrap();
    let b = store.shared_secret("k").await.unwrap();
    let other = store.shared_secret("other").await.unwrap();
    assert_eq!(a, b);
    assert_ne!(a, other);
}

pub async fn boards_are_listed_newest_first_by_keyset(store: S) {
    let owner = user(&store, "owner").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let b = store
            .create_board(
                new_board(&owner, &format!("b{i}"), Privacy::Public, Env::Production),
                2000,
            )
            .await
            .unwrap();
        ids.push(b.id);
    }
    ids.reverse();
    let first = store
        .list_boards(all_boards(&owner, Env::Production, None, 3))
        .await
        .unwrap();
    assert_eq!(
        first.len(),
        4,
        "a page fetches one extra row to signal more"
    );
    assert_eq!(
        first.iter().take(3).map(|b| b.id).collect::<Vec<_>>(),
        ids[..3]
    );
    let after = first[2].seq;
    // A board created between pages lands before the cursor and never shows up on later pages.
    store
        .create_board(
            new_board(&owner, "late", Privacy::Public, Env::Production),
            2000,
        )
        .await
        .unwrap();
    let second = store
        .list_boards(all_boards(&owner, Env::Production, Some(after), 3))
        .await
        .unwrap();
    assert_eq!(
        second.iter().take(3).map(|b| b.id).collect::<Vec<_>>(),
        ids[3..6]
    );
    let last = store
        .list_boards(all_boards(&owner, Env::Production, Some(second[2].seq), 3))
        .await
        .unwrap();
    assert_eq!(last.iter().map(|b| b.id).collect::<Vec<_>>(), ids[6..]);
    assert_eq!(last[0].owner_username, "owner");
}

pub async fn board_lists_filter_by_privacy(store: S) {
    let owner = user(&store, "owner").await;
    for (name, p) in [
        ("pub", Privacy::Public),
        ("sec", Privacy::Secret),
        ("pro", Privacy::Protected),
    ] {
        store
            .create_board(new_board(&owner, name, p, Env::Production), 2000)
            .await
            .unwrap();
    }
    let mut q = all_boards(&owner, Env::Production, None, 25);
    q.privacies = PrivacySet {
        secret: false,
        ..PrivacySet::ALL
    };
    let names: Vec<_> = store
        .list_boards(q)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(names, vec!["pro", "pub"]);
    q.privacies = PrivacySet::only(Privacy::Secret);
    let secret = store.list_boards(q).await.unwrap();
    assert_eq!(secret.len(), 1);
    assert_eq!(secret[0].privacy, Privacy::Secret);
}

pub async fn board_names_are_unique_per_owner_and_environment(store: S) {
    let a = user(&store, "aaa").await;
    let b = user(&store, "bbb").await;
    store
        .create_board(
            new_board(&a, "Recipes", Privacy::Public, Env::Production),
            2000,
        )
        .await
        .unwrap();
    let dup = store
        .create_board(
            new_board(&a, "recipes", Privacy::Secret, Env::Production),
            2000,
        )
        .await;
    assert!(matches!(
        dup,
        Err(StoreError::Conflict(Conflict::BoardName))
    ));
    // Another owner, or the other environment, may use the name.
    store
        .create_board(
            new_board(&b, "Recipes", Privacy::Public, Env::Production),
            2000,
        )
        .await
        .unwrap();
    store
        .create_board(
            new_board(&a, "Recipes", Privacy::Public, Env::Sandbox),
            2000,
        )
        .await
        .unwrap();
}

pub async fn the_board_limit_is_enforced_by_the_store(store: S) {
    let owner = user(&store, "owner").await;
    for i in 0..3 {
        store
            .create_board(
                new_board(&owner, &format!("b{i}"), Privacy::Public, Env::Production),
                3,
            )
            .await
            .unwrap();
    }
    let over = store
        .create_board(new_board(&owner, "b3", Privacy::Public, Env::Production), 3)
        .await;
    assert!(matches!(over, Err(StoreError::LimitReached(Limit::Boards))));
    let counts = store
        .content_counts(owner.id, Env::Production)
        .await
        .unwrap();
    assert_eq!(counts.total_boards(), 3);
}

pub async fn board_updates_change_only_what_is_given(store: S) {
    let owner = user(&store, "owner").await;
    let mut nb = new_board(&owner, "Before", Privacy::Public, Env::Production);
    nb.description = Some("keep me".into());
    let b = store.create_board(nb, 2000).await.unwrap();
    let updated = store
        .update_board(
            Env::Production,
            b.id,
            BoardChanges {
                name: Some("After".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.name, "After");
    assert_eq!(updated.description.as_deref(), Some("keep me"));
    assert_eq!(updated.privacy, Privacy::Public);
    let cleared = store
        .update_board(
            Env::Production,
            b.id,
            BoardChanges {
                description: Some(None),
                privacy: Some(Privacy::Secret),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.description, None);
    assert_eq!(cleared.privacy, Privacy::Secret);
    assert_eq!(cleared.created_at, b.created_at);
    assert!(matches!(
        store
            .update_board(Env::Production, BoardId(7), BoardChanges::default())
            .await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn renaming_a_board_onto_another_name_conflicts(store: S) {
    let owner = user(&store, "owner").await;
    store
        .create_board(
            new_board(&owner, "One", Privacy::Public, Env::Production),
            2000,
        )
        .await
        .unwrap();
    let two = store
        .create_board(
            new_board(&owner, "Two", Privacy::Public, Env::Production),
            2000,
        )
        .await
        .unwrap();
    let clash = store
        .update_board(
            Env::Production,
            two.id,
            BoardChanges {
                name: Some("ONE".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(
        clash,
        Err(StoreError::Conflict(Conflict::BoardName))
    ));
    let unchanged = store.board(Env::Production, two.id).await.unwrap().unwrap();
    assert_eq!(unchanged.name, "Two");
}

pub async fn deleting_a_board_removes_its_sections(store: S) {
    let owner = user(&store, "owner").await;
    let b = store
        .create_board(
            new_board(&owner, "b", Privacy::Public, Env::Production),
            2000,
        )
        .await
        .unwrap();
    let s = store.create_section(new_section(b.id, "s")).await.unwrap();
    store.delete_board(Env::Production, b.id).await.unwrap();
    assert!(store.board(Env::Production, b.id).await.unwrap().is_none());
    assert!(store.section(b.id, s.id).await.unwrap().is_none());
    assert!(matches!(
        store.delete_board(Env::Production, b.id).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn environments_never_see_each_others_boards(store: S) {
    let owner = user(&store, "owner").await;
    let sandbox = store
        .create_board(new_board(&owner, "s", Privacy::Public, Env::Sandbox), 2000)
        .await
        .unwrap();
    assert!(
        store
            .board(Env::Production, sandbox.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .board(Env::Sandbox, sandbox.id)
            .await
            .unwrap()
            .is_some()
    );
    let prod = store
        .list_boards(all_boards(&owner, Env::Production, None, 25))
        .await
        .unwrap();
    assert!(prod.is_empty());
    assert!(matches!(
        store.delete_board(Env::Production, sandbox.id).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn sections_are_listed_oldest_first_and_unique_per_board(store: S) {
    let owner = user(&store, "owner").await;
    let b = store
        .create_board(
            new_board(&owner, "b", Privacy::Public, Env::Production),
            2000,
        )
        .await
        .unwrap();
    let other = store
        .create_board(
            new_board(&owner, "other", Privacy::Public, Env::Production),
            2000,
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for name in ["Salads", "Soups", "Bread"] {
        ids.push(
            store
                .create_section(new_section(b.id, name))
                .await
                .unwrap()
                .id,
        );
    }
    let dup = store.create_section(new_section(b.id, "SALADS")).await;
    assert!(matches!(
        dup,
        Err(StoreError::Conflict(Conflict::SectionName))
    ));
    store
        .create_section(new_section(other.id, "Salads"))
        .await
        .expect("another board may reuse the name");
    let page = store
        .list_sections(
            b.id,
            Cursor {
                after: None,
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.iter().map(|s| s.id).collect::<Vec<_>>(), ids);
    let rest = store
        .list_sections(
            b.id,
            Cursor {
                after: Some(page[1].seq),
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|s| s.id).collect::<Vec<_>>(), ids[2..]);
    let renamed = store
        .rename_section(b.id, ids[2], "Breads".into())
        .await
        .unwrap();
    assert_eq!(renamed.name, "Breads");
    assert!(matches!(
        store.rename_section(b.id, ids[2], "soups".into()).await,
        Err(StoreError::Conflict(Conflict::SectionName))
    ));
    assert!(store.section(other.id, ids[0]).await.unwrap().is_none());
    store.delete_section(b.id, ids[0]).await.unwrap();
    assert!(store.section(b.id, ids[0]).await.unwrap().is_none());
    assert!(matches!(
        store.delete_section(b.id, ids[0]).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn content_counts_split_by_privacy(store: S) {
    let owner = user(&store, "owner").await;
    for (name, p) in [
        ("a", Privacy::Public),
        ("b", Privacy::Public),
        ("c", Privacy::Secret),
        ("d", Privacy::Protected),
    ] {
        store
            .create_board(new_board(&owner, name, p, Env::Production), 2000)
            .await
            .unwrap();
    }
    store
        .create_board(new_board(&owner, "e", Privacy::Public, Env::Sandbox), 2000)
        .await
        .unwrap();
    let c = store
        .content_counts(owner.id, Env::Production)
        .await
        .unwrap();
    assert_eq!(
        (c.public_boards, c.secret_boards, c.protected_boards),
        (2, 1, 1)
    );
    assert_eq!(c.total_pins(), 0);
    let s = store.content_counts(owner.id, Env::Sandbox).await.unwrap();
    assert_eq!(s.total_boards(), 1);
}
