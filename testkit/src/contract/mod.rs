//! The store contract: behaviour every engine must show, written once and run against each
//! engine by `tests/store_contract.rs` through [`store_contract_suite!`]. Each case gets a fresh,
//! empty store and panics on the first broken promise.

use std::sync::Arc;

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::clock::Timestamp;
use pinbox::domain::apps::{NewApp, Tier};
use pinbox::domain::boards::BoardQuery;
use pinbox::domain::boards::{BoardChanges, NewBoard, Privacy, PrivacySet};
use pinbox::domain::env::Env;
use pinbox::domain::ids::{AppId, BoardId, MediaId, PinId, SectionId, TokenId, UserId};
use pinbox::domain::media_uploads::{MediaType, NewMediaUpload, Probe, UploadedFile};
use pinbox::domain::page::Cursor;
use pinbox::domain::pins::{
    CreativeType, ImageRef, NewPin, PinChanges, PinFilter, PinImage, PinMedia, PinScope,
    StoredImage, VideoRef,
};
use pinbox::domain::sections::Section;
use pinbox::domain::storage::*;
use pinbox::domain::tokens::{self, NewToken, TokenKind};
use pinbox::domain::users::{AccountType, NewUser, User};

const T0: Timestamp = Timestamp(1_767_225_600_000); // 2026-01-01T00:00:00Z

/// Expands to one `#[tokio::test]` per contract case, each calling `$make().await` for a fresh
/// store and a guard that lives as long as the case.
#[macro_export]
macro_rules! store_contract_suite {
    ($make:path) => {
        // `cfg(all())` is always true: an attribute that changes nothing.
        $crate::store_contract_suite!(@with $make, [cfg(all())]);
    };
    ($make:path, ignore = $why:literal) => {
        $crate::store_contract_suite!(@with $make, [ignore = $why]);
    };
    (@with $make:path, $attr:tt) => {
        $crate::store_contract_suite!(@cases $make, $attr;
            users_are_unique_by_username_regardless_of_case,
            apps_keep_their_redirect_uris_in_order,
            tokens_are_found_by_hash_and_can_be_revoked,
            shared_secrets_are_created_once_and_kept,
            boards_are_listed_newest_first_by_keyset,
            board_lists_filter_by_privacy,
            board_names_are_unique_per_owner_and_environment,
            the_board_limit_is_enforced_by_the_store,
            board_updates_change_only_what_is_given,
            stored_text_comes_back_as_written,
            renaming_a_board_onto_another_name_conflicts,
            deleting_a_board_removes_its_sections,
            environments_never_see_each_others_boards,
            sections_are_listed_oldest_first_and_unique_per_board,
            content_counts_split_by_privacy,
            pins_keep_their_boards_counters_exact,
            a_pin_read_shows_its_boards_privacy_as_it_is_now,
            a_secret_boards_pins_show_only_to_readers_of_secret_pins,
            pins_move_between_boards_and_sections,
            pin_lists_filter_and_page_newest_first,
            the_pin_limit_is_enforced_by_the_store,
            deleting_a_section_removes_its_pins_from_the_count,
            images_are_recorded_once,
            engagement_adds_up,
            the_ad_only_board_is_found_by_its_flag,
            deletes_give_back_room_under_the_volume_limits,
            apps_are_limited_to_five_per_developer_and_listed_oldest_first,
            app_redirect_uris_secret_and_tier_can_change,
            a_password_change_revokes_the_users_tokens_and_ends_sessions,
            grant_tokens_are_revoked_together,
            codes_are_redeemed_once_and_a_replay_revokes_their_grant,
            a_code_redeemed_twice_at_once_is_redeemed_only_once,
            sessions_are_kept_by_hash_until_deleted_or_expired,
            // search and follows
            pin_search_matches_every_word_by_tier_newest_first,
            the_term_index_follows_edits_deletes_and_imports,
            pin_search_by_ids_and_by_privacy,
            pin_search_pages_through_thousands_of_matches,
            board_search_texts_are_the_owners_boards_in_one_environment,
            follows_are_listed_newest_first_and_counted,
            board_follows_make_implicit_followees,
            concurrent_follows_are_counted_exactly,
            ad_accounts_are_kept_per_owner_and_environment,
            websites_are_claimed_once_per_user_listed_newest_first_and_unclaimed,
            deleting_an_ad_account_removes_it_from_its_environment_only,
            media_uploads_are_found_by_id_and_listed_per_owner_and_environment,
            an_uploads_file_is_recorded_and_use_keeps_it_from_cleanup,
            app_features_are_granted_once_and_taken_back,
            creative_type_filters_read_a_video_pin_as_shown_at_an_instant,
            quotas_admit_their_limit_per_window_all_or_nothing,
            concurrent_takes_admit_exactly_the_limit,
            ended_windows_are_swept,
            a_token_lookup_carries_its_apps_current_tier,
            a_token_lookup_carries_its_apps_owner,
            // analytics
            engagement_rows_add_up_and_are_read_by_pin_and_day,
            owner_engagement_covers_the_owners_live_pins_in_one_environment,
            owner_engagement_leaves_out_secret_pins_unless_asked,
            concurrent_engagement_writes_are_all_counted,
            // ads entities
            ads_entities_keep_their_fields_and_take_growing_ids_in_batch_order,
            ads_entity_lists_filter_by_lineage_and_status_in_either_order,
            ads_entity_updates_replace_status_and_fields,
            deleting_an_ad_account_deletes_its_ads_entities,
            // conversions
            conversion_events_are_kept_once_per_event_id_and_summed_per_day,
            deleting_an_ad_account_deletes_its_conversion_events,
            // ads reports
            reports_are_kept_by_token_with_their_request_and_instants,
            deleting_an_ad_account_deletes_its_reports,
        );
    };
    (@cases $make:path, $attr:tt; $($case:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #$attr
            async fn $case() {
                // The second value keeps what the engine needs alive, and cleans it up after.
                let (store, _guard) = $make().await;
                $crate::contract::$case(store).await;
            }
        )*
    };
}

type S = Arc<dyn Store>;

mod ad_accounts;
mod ads_entities;
mod analytics;
mod follows;
mod oauth;
mod quotas;
mod search;
mod websites;
// conversions
mod conversions;
// ads reports
mod ads_reports;

pub use ad_accounts::*;
pub use ads_entities::*;
pub use analytics::*;
pub use follows::*;
pub use oauth::*;
pub use quotas::*;
pub use search::*;
pub use websites::*;
// conversions
pub use conversions::*;
// ads reports
pub use ads_reports::*;

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
        secret_pins: true,
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
    let minted = tokens::mint(TokenKind::Access);
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
    assert!(matches!(
        over,
        Err(StoreError::LimitReached(VolumeLimit::Boards))
    ));
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
            true,
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
            true,
        )
        .await
        .unwrap();
    assert_eq!(cleared.description, None);
    assert_eq!(cleared.privacy, Privacy::Secret);
    assert_eq!(cleared.created_at, b.created_at);
    assert!(matches!(
        store
            .update_board(Env::Production, BoardId(7), BoardChanges::default(), true)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// Every character the domain lets into stored text comes back byte for byte from every engine
/// (the domain refuses the rest, NUL among them, which PostgreSQL cannot keep).
pub async fn stored_text_comes_back_as_written(store: S) {
    use pinbox::domain::text::{TextKind, check_characters};
    let name = "Fruit 🍓 e\u{301} \u{200f}עברית \u{fffd}\u{ffff} 'quoted' \"q\" \\ %_";
    let free = format!("{name}\r\nline two\tindented\n");
    check_characters("name", name, TextKind::Name).unwrap();
    check_characters("description", &free, TextKind::Free).unwrap();

    let owner = user(&store, "owner").await;
    let mut nb = new_board(&owner, name, Privacy::Public, Env::Production);
    nb.description = Some(free.clone());
    let b = store.create_board(nb, 2000).await.unwrap();
    assert_eq!(
        (b.name.as_str(), b.description.as_deref()),
        (name, Some(free.as_str()))
    );
    let read = store
        .board(Env::Production, b.id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (read.name.as_str(), read.description.as_deref()),
        (name, Some(free.as_str()))
    );

    let section = store.create_section(new_section(b.id, name)).await.unwrap();
    assert_eq!(section.name, name);

    let mut np = new_pin(&owner, b.id, None, &free, 1);
    np.description = Some(free.clone());
    np.alt_text = Some(free.clone());
    let link = "https://example.com/caf%C3%A9?q=%F0%9F%8D%93#frag";
    np.link = Some(link.into());
    let pin = store.create_pin(np, 1000).await.unwrap();
    let read = store.pin(Env::Production, pin.id).await.unwrap().unwrap();
    assert_eq!(read.title.as_deref(), Some(free.as_str()));
    assert_eq!(read.description.as_deref(), Some(free.as_str()));
    assert_eq!(read.alt_text.as_deref(), Some(free.as_str()));
    assert_eq!(read.link.as_deref(), Some(link));
    let edited = format!("{free}edited");
    store
        .update_pin(
            Env::Production,
            pin.id,
            PinChanges {
                title: Some(Some(edited.clone())),
                ..Default::default()
            },
            T0,
        )
        .await
        .unwrap();
    let read = store.pin(Env::Production, pin.id).await.unwrap().unwrap();
    assert_eq!(read.title.as_deref(), Some(edited.as_str()));
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
            true,
        )
        .await;
    assert!(matches!(
        clash,
        Err(StoreError::Conflict(Conflict::BoardName))
    ));
    let unchanged = store
        .board(Env::Production, two.id, true)
        .await
        .unwrap()
        .unwrap();
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
    assert!(
        store
            .board(Env::Production, b.id, true)
            .await
            .unwrap()
            .is_none()
    );
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
            .board(Env::Production, sandbox.id, true)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .board(Env::Sandbox, sandbox.id, true)
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

fn new_pin(
    owner: &User,
    board: BoardId,
    section: Option<SectionId>,
    title: &str,
    at: i64,
) -> NewPin {
    NewPin {
        id: PinId::random(),
        owner_id: owner.id,
        env: Env::Production,
        app_id: None,
        board_id: board,
        section_id: section,
        title: Some(title.to_string()),
        description: None,
        link: None,
        alt_text: None,
        dominant_color: Some("#112233".into()),
        creative_type: CreativeType::Regular,
        is_standard: true,
        is_removable: false,
        parent_pin_id: None,
        media: PinMedia::Image {
            image: PinImage::Stored(ImageRef {
                key: format!("{:032x}", at),
                width: 10,
                height: 20,
            }),
        },
        created_at: Timestamp(T0.0 + at),
    }
}

async fn public_board(store: &S, owner: &User, name: &str) -> BoardId {
    board_of(store, owner, name, Privacy::Public).await
}

async fn secret_board(store: &S, owner: &User, name: &str) -> BoardId {
    board_of(store, owner, name, Privacy::Secret).await
}

async fn board_of(store: &S, owner: &User, name: &str, privacy: Privacy) -> BoardId {
    store
        .create_board(new_board(owner, name, privacy, Env::Production), 2000)
        .await
        .unwrap()
        .id
}

pub async fn pins_keep_their_boards_counters_exact(store: S) {
    let owner = user(&store, "owner").await;
    let b = public_board(&store, &owner, "b").await;
    let p1 = store
        .create_pin(new_pin(&owner, b, None, "one", 10), 100)
        .await
        .unwrap();
    let p2 = store
        .create_pin(new_pin(&owner, b, None, "two", 20), 100)
        .await
        .unwrap();
    assert_eq!(p1.owner_username, "owner");
    assert_eq!(p1.board_privacy, Privacy::Public);
    assert_eq!(p2.title.as_deref(), Some("two"));
    let board = store
        .board(Env::Production, b, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(board.pin_count, 2);
    assert_eq!(board.pins_modified_at, Timestamp(T0.0 + 20));
    assert_eq!(board.cover, Some(p2.media.cover().unwrap().clone()));
    assert_eq!(board.thumbnails.len(), 2);
    store
        .delete_pin(Env::Production, p1.id, Timestamp(T0.0 + 30))
        .await
        .unwrap();
    let board = store
        .board(Env::Production, b, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(board.pin_count, 1);
    assert_eq!(board.pins_modified_at, Timestamp(T0.0 + 30));
    assert!(store.pin(Env::Production, p1.id).await.unwrap().is_none());
    assert!(store.pin(Env::Sandbox, p2.id).await.unwrap().is_none());
    assert!(matches!(
        store.delete_pin(Env::Production, p1.id, T0).await,
        Err(StoreError::NotFound(_))
    ));
    let c = store
        .content_counts(owner.id, Env::Production)
        .await
        .unwrap();
    assert_eq!(c.total_pins(), 1);
}

/// A reader without `pins:read_secret` sees a secret board without what its Pins make of it
/// (count, cover, thumbnails, when they changed) on every read that answers a board; a public
/// board shows its Pins either way, and a board made secret hides them from then on.
pub async fn a_secret_boards_pins_show_only_to_readers_of_secret_pins(store: S) {
    let owner = user(&store, "owner").await;
    let open = public_board(&store, &owner, "open").await;
    let hidden = secret_board(&store, &owner, "hidden").await;
    for (board, at) in [(open, 10), (hidden, 20), (hidden, 30)] {
        store
            .create_pin(new_pin(&owner, board, None, "p", at), 100)
            .await
            .unwrap();
    }
    let list = |secret_pins| BoardQuery {
        secret_pins,
        ..all_boards(&owner, Env::Production, None, 10)
    };
    for secret_pins in [false, true] {
        let got = store
            .board(Env::Production, hidden, secret_pins)
            .await
            .unwrap()
            .unwrap();
        let listed = store.list_boards(list(secret_pins)).await.unwrap();
        let listed = listed.iter().find(|b| b.id == hidden).unwrap().clone();
        let updated = store
            .update_board(
                Env::Production,
                hidden,
                BoardChanges {
                    description: Some(Some(format!("{secret_pins}"))),
                    ..Default::default()
                },
                secret_pins,
            )
            .await
            .unwrap();
        for b in [got, listed, updated] {
            if secret_pins {
                assert_eq!(b.pin_count, 2);
                assert_eq!(b.thumbnails.len(), 2);
                assert!(b.cover.is_some());
                assert_eq!(b.pins_modified_at, Timestamp(T0.0 + 30));
            } else {
                assert_eq!(b.pin_count, 0, "a secret board's Pins are not counted");
                assert_eq!((b.cover, b.thumbnails), (None, Vec::new()));
                assert_eq!(b.pins_modified_at, b.created_at);
            }
        }
        let public = store
            .board(Env::Production, open, secret_pins)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((public.pin_count, public.thumbnails.len()), (1, 1));
    }
    // Made secret, the open board's Pin is a secret Pin too.
    set_privacy(&store, open, Privacy::Secret).await;
    let now_secret = store
        .board(Env::Production, open, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((now_secret.pin_count, now_secret.cover), (0, None));
}

/// A store may remember boards between reads (SQLite keeps what one snapshot showed): a Pin read
/// after its board's privacy changed, or after it moved, still shows the board as it is now.
pub async fn a_pin_read_shows_its_boards_privacy_as_it_is_now(store: S) {
    let owner = user(&store, "owner").await;
    let open = public_board(&store, &owner, "open").await;
    let hidden = secret_board(&store, &owner, "hidden").await;
    let pin = store
        .create_pin(new_pin(&owner, open, None, "p", 10), 100)
        .await
        .unwrap();
    let read = |store: &S| {
        let store = store.clone();
        async move { store.pin(Env::Production, pin.id).await.unwrap().unwrap() }
    };
    let first = read(&store).await;
    assert_eq!(
        (first.board_privacy, first.owner_username.as_str()),
        (Privacy::Public, "owner")
    );
    set_privacy(&store, open, Privacy::Secret).await;
    assert_eq!(read(&store).await.board_privacy, Privacy::Secret);
    set_privacy(&store, hidden, Privacy::Public).await;
    store
        .update_pin(
            Env::Production,
            pin.id,
            PinChanges {
                board_id: Some(hidden),
                ..PinChanges::default()
            },
            Timestamp(T0.0 + 20),
        )
        .await
        .unwrap();
    let moved = read(&store).await;
    assert_eq!(
        (moved.board_id, moved.board_privacy),
        (hidden, Privacy::Public)
    );
    assert_eq!(moved.owner_username, "owner");
}

async fn set_privacy(store: &S, board: BoardId, privacy: Privacy) {
    store
        .update_board(
            Env::Production,
            board,
            BoardChanges {
                privacy: Some(privacy),
                ..Default::default()
            },
            true,
        )
        .await
        .unwrap();
}

pub async fn pins_move_between_boards_and_sections(store: S) {
    let owner = user(&store, "owner").await;
    let a = public_board(&store, &owner, "a").await;
    let b = public_board(&store, &owner, "b").await;
    let s = store.create_section(new_section(b, "s")).await.unwrap();
    let p = store
        .create_pin(new_pin(&owner, a, None, "p", 1), 100)
        .await
        .unwrap();
    let moved = store
        .update_pin(
            Env::Production,
            p.id,
            PinChanges {
                board_id: Some(b),
                section_id: Some(Some(s.id)),
                title: Some(None),
                ..PinChanges::default()
            },
            Timestamp(T0.0 + 5),
        )
        .await
        .unwrap();
    assert_eq!((moved.board_id, moved.section_id), (b, Some(s.id)));
    assert_eq!(moved.title, None);
    assert_eq!(
        store
            .board(Env::Production, a, true)
            .await
            .unwrap()
            .unwrap()
            .pin_count,
        0
    );
    assert_eq!(
        store
            .board(Env::Production, b, true)
            .await
            .unwrap()
            .unwrap()
            .pin_count,
        1
    );
    // A section of another board is refused and nothing changes.
    let other = store
        .create_section(new_section(a, "elsewhere"))
        .await
        .unwrap();
    let refused = store
        .update_pin(
            Env::Production,
            p.id,
            PinChanges {
                section_id: Some(Some(other.id)),
                ..PinChanges::default()
            },
            T0,
        )
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound("section"))));
    let back = store
        .update_pin(
            Env::Production,
            p.id,
            PinChanges {
                board_id: Some(a),
                ..PinChanges::default()
            },
            T0,
        )
        .await
        .unwrap();
    assert_eq!(
        back.section_id, None,
        "moving boards leaves the old section"
    );
}

pub async fn pin_lists_filter_and_page_newest_first(store: S) {
    let owner = user(&store, "owner").await;
    let public = public_board(&store, &owner, "pub").await;
    let secret = secret_board(&store, &owner, "sec").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            store
                .create_pin(new_pin(&owner, public, None, "p", i), 100)
                .await
                .unwrap()
                .id,
        );
    }
    let mut saved = new_pin(&owner, secret, None, "saved", 9);
    saved.parent_pin_id = Some(ids[0]);
    saved.creative_type = CreativeType::Carousel;
    let saved = store.create_pin(saved, 100).await.unwrap();
    let cursor = |after, limit| Cursor { after, limit };
    let first = store
        .list_pins(
            PinScope::Board(public),
            PinFilter::default(),
            cursor(None, 2),
        )
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ids[4], ids[3], ids[2]]
    );
    let next = store
        .list_pins(
            PinScope::Board(public),
            PinFilter::default(),
            cursor(Some(first[1].seq), 2),
        )
        .await
        .unwrap();
    assert_eq!(
        next.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1], ids[0]]
    );
    let mine = PinScope::Owner(owner.id, Env::Production);
    let visible = store
        .list_pins(mine, PinFilter::default(), cursor(None, 50))
        .await
        .unwrap();
    assert_eq!(
        visible.len(),
        5,
        "secret boards' Pins are left out by default"
    );
    let all = PinFilter {
        include_secret: true,
        ..PinFilter::default()
    };
    assert_eq!(
        store
            .list_pins(mine, all.clone(), cursor(None, 50))
            .await
            .unwrap()
            .len(),
        6
    );
    let repins = PinFilter {
        repins: Some(true),
        ..all.clone()
    };
    let r = store
        .list_pins(mine, repins, cursor(None, 50))
        .await
        .unwrap();
    assert_eq!(r.iter().map(|p| p.id).collect::<Vec<_>>(), vec![saved.id]);
    let only_secret = PinFilter {
        only_secret: true,
        ..PinFilter::default()
    };
    assert_eq!(
        store
            .list_pins(mine, only_secret, cursor(None, 50))
            .await
            .unwrap()
            .len(),
        1
    );
    let carousels = PinFilter {
        creative_types: vec![CreativeType::Carousel],
        ..all
    };
    assert_eq!(
        store
            .list_pins(mine, carousels, cursor(None, 50))
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn the_pin_limit_is_enforced_by_the_store(store: S) {
    let owner = user(&store, "owner").await;
    let a = public_board(&store, &owner, "a").await;
    let b = public_board(&store, &owner, "b").await;
    store
        .create_pin(new_pin(&owner, a, None, "1", 1), 2)
        .await
        .unwrap();
    store
        .create_pin(new_pin(&owner, b, None, "2", 2), 2)
        .await
        .unwrap();
    let over = store.create_pin(new_pin(&owner, b, None, "3", 3), 2).await;
    assert!(matches!(
        over,
        Err(StoreError::LimitReached(VolumeLimit::Pins))
    ));
    let stranger = user(&store, "stranger").await;
    let wrong = store
        .create_pin(new_pin(&stranger, a, None, "x", 4), 100)
        .await;
    assert!(
        matches!(wrong, Err(StoreError::NotFound("board"))),
        "a Pin goes on its owner's board"
    );
}

pub async fn deleting_a_section_removes_its_pins_from_the_count(store: S) {
    let owner = user(&store, "owner").await;
    let b = public_board(&store, &owner, "b").await;
    let s = store.create_section(new_section(b, "s")).await.unwrap();
    store
        .create_pin(new_pin(&owner, b, Some(s.id), "in", 1), 100)
        .await
        .unwrap();
    store
        .create_pin(new_pin(&owner, b, Some(s.id), "in", 2), 100)
        .await
        .unwrap();
    let kept = store
        .create_pin(new_pin(&owner, b, None, "out", 3), 100)
        .await
        .unwrap();
    store.delete_section(b, s.id).await.unwrap();
    let board = store
        .board(Env::Production, b, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(board.pin_count, 1);
    let left = store
        .list_pins(
            PinScope::Board(b),
            PinFilter::default(),
            Cursor {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(left.iter().map(|p| p.id).collect::<Vec<_>>(), vec![kept.id]);
}

pub async fn images_are_recorded_once(store: S) {
    let img = StoredImage {
        key: "0123456789abcdef0123456789abcdef".into(),
        width: 402,
        height: 536,
        format: "image/png".into(),
        dominant_color: "#6E7874".into(),
        created_at: T0,
    };
    assert!(store.image(&img.key).await.unwrap().is_none());
    store.put_image(img.clone()).await.unwrap();
    let mut again = img.clone();
    again.width = 1;
    store.put_image(again).await.unwrap();
    assert_eq!(store.image(&img.key).await.unwrap(), Some(img));
}

pub async fn engagement_adds_up(store: S) {
    let pin = PinId(123);
    store
        .add_engagement(pin, 20_000, "WEB", "SAVE", 1)
        .await
        .unwrap();
    store
        .add_engagement(pin, 20_000, "WEB", "SAVE", 2)
        .await
        .unwrap();
    store
        .add_engagement(pin, 20_001, "MOBILE", "SAVE", 4)
        .await
        .unwrap();
    store
        .add_engagement(pin, 20_001, "MOBILE", "IMPRESSION", 100)
        .await
        .unwrap();
    assert_eq!(store.engagement_total(pin, "SAVE").await.unwrap(), 7);
    assert_eq!(store.engagement_total(PinId(7), "SAVE").await.unwrap(), 0);
}

pub async fn the_ad_only_board_is_found_by_its_flag(store: S) {
    let owner = user(&store, "owner").await;
    assert!(
        store
            .ad_only_board(owner.id, Env::Production)
            .await
            .unwrap()
            .is_none()
    );
    let mut nb = new_board(&owner, "Ad-only Pins", Privacy::Protected, Env::Production);
    nb.is_ads_only = true;
    let b = store.create_board(nb, 2000).await.unwrap();
    assert_eq!(
        store
            .ad_only_board(owner.id, Env::Production)
            .await
            .unwrap()
            .unwrap()
            .id,
        b.id
    );
    assert!(
        store
            .ad_only_board(owner.id, Env::Sandbox)
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn deletes_give_back_room_under_the_volume_limits(store: S) {
    let owner = user(&store, "owner").await;
    let mut boards = Vec::new();
    for i in 0..3 {
        boards.push(
            store
                .create_board(
                    new_board(&owner, &format!("b{i}"), Privacy::Public, Env::Production),
                    3,
                )
                .await
                .unwrap()
                .id,
        );
    }
    store
        .delete_board(Env::Production, boards[2])
        .await
        .unwrap();
    store
        .create_board(
            new_board(&owner, "again", Privacy::Public, Env::Production),
            3,
        )
        .await
        .expect("a deleted board frees its place");
    let s = store
        .create_section(new_section(boards[0], "s"))
        .await
        .unwrap();
    let p1 = store
        .create_pin(new_pin(&owner, boards[0], Some(s.id), "1", 1), 3)
        .await
        .unwrap();
    store
        .create_pin(new_pin(&owner, boards[0], Some(s.id), "2", 2), 3)
        .await
        .unwrap();
    store
        .create_pin(new_pin(&owner, boards[1], None, "3", 3), 3)
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_pin(new_pin(&owner, boards[1], None, "4", 4), 3)
            .await,
        Err(StoreError::LimitReached(VolumeLimit::Pins))
    ));
    store.delete_pin(Env::Production, p1.id, T0).await.unwrap();
    store
        .create_pin(new_pin(&owner, boards[1], None, "5", 5), 3)
        .await
        .expect("a deleted Pin frees its place");
    // Deleting the section removes one Pin; deleting the board the other two.
    store.delete_section(boards[0], s.id).await.unwrap();
    store
        .create_pin(new_pin(&owner, boards[1], None, "6", 6), 3)
        .await
        .unwrap();
    store
        .delete_board(Env::Production, boards[1])
        .await
        .unwrap();
    for i in 0..3 {
        store
            .create_pin(new_pin(&owner, boards[0], None, "again", 10 + i), 3)
            .await
            .expect("a deleted board frees its Pins' places");
    }
    let c = store
        .content_counts(owner.id, Env::Production)
        .await
        .unwrap();
    assert_eq!(c.total_pins(), 3);
    assert_eq!(c.total_boards(), 2);
}

fn new_upload(owner: &User, env: Env, at: i64) -> NewMediaUpload {
    let id = MediaId::random();
    NewMediaUpload {
        id,
        owner_id: owner.id,
        env,
        app_id: Some(AppId(7)),
        media_type: MediaType::Video,
        key: format!("uploads/ab/cd/ef/1:video:7:{id}"),
        registered_at: Timestamp(T0.0 + at),
        expires_at: Timestamp(T0.0 + at + 3_600_000),
    }
}

pub async fn media_uploads_are_found_by_id_and_listed_per_owner_and_environment(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let mut mine = Vec::new();
    for i in 0..3 {
        mine.push(
            store
                .create_media_upload(new_upload(&alice, Env::Production, i))
                .await
                .unwrap(),
        );
    }
    store
        .create_media_upload(new_upload(&alice, Env::Sandbox, 9))
        .await
        .unwrap();
    store
        .create_media_upload(new_upload(&bob, Env::Production, 9))
        .await
        .unwrap();
    let first = &mine[0];
    let found = store.media_upload(first.id).await.unwrap().unwrap();
    assert_eq!(&found, first);
    assert_eq!(
        found.key,
        format!("uploads/ab/cd/ef/1:video:7:{}", first.id)
    );
    assert_eq!(found.app_id, Some(AppId(7)));
    assert!(found.file.is_none() && found.used_at.is_none());
    assert!(store.media_upload(MediaId(1)).await.unwrap().is_none());
    let page = store
        .list_media_uploads(
            alice.id,
            Env::Production,
            Cursor {
                after: None,
                limit: 2,
            },
        )
        .await
        .unwrap();
    let ids: Vec<MediaId> = page.iter().map(|u| u.id).collect();
    assert_eq!(ids, vec![mine[2].id, mine[1].id, mine[0].id]);
    let rest = store
        .list_media_uploads(
            alice.id,
            Env::Production,
            Cursor {
                after: Some(mine[1].seq),
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![mine[0].id]
    );
    let sandbox = store
        .list_media_uploads(
            alice.id,
            Env::Sandbox,
            Cursor {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(sandbox.len(), 1);
}

pub async fn an_uploads_file_is_recorded_and_use_keeps_it_from_cleanup(store: S) {
    let alice = user(&store, "alice").await;
    let used = store
        .create_media_upload(new_upload(&alice, Env::Production, 0))
        .await
        .unwrap();
    let unused = store
        .create_media_upload(new_upload(&alice, Env::Production, 10))
        .await
        .unwrap();
    let late = store
        .create_media_upload(new_upload(&alice, Env::Production, 5_000))
        .await
        .unwrap();
    let file = UploadedFile {
        uploaded_at: Timestamp(T0.0 + 100),
        ready_at: Timestamp(T0.0 + 2_100),
        size: 4096,
        probe: Probe::NotVideo {
            reason: "the file is empty".into(),
        },
    };
    let recorded = store
        .record_media_file(used.id, file.clone())
        .await
        .unwrap();
    assert_eq!(recorded.file.as_ref(), Some(&file));
    // A second file replaces the first.
    let video = UploadedFile {
        uploaded_at: Timestamp(T0.0 + 200),
        ready_at: Timestamp(T0.0 + 2_200),
        size: 8192,
        probe: Probe::Video(pinbox::media::bmff::VideoInfo {
            container: pinbox::media::bmff::Container::Mov,
            duration_ms: 12_000,
            width: 1080,
            height: 1920,
        }),
    };
    store
        .record_media_file(used.id, video.clone())
        .await
        .unwrap();
    assert_eq!(
        store.media_upload(used.id).await.unwrap().unwrap().file,
        Some(video)
    );
    store
        .mark_media_upload_used(used.id, Timestamp(T0.0 + 300))
        .await
        .unwrap();
    store
        .mark_media_upload_used(used.id, Timestamp(T0.0 + 400))
        .await
        .unwrap();
    assert_eq!(
        store.media_upload(used.id).await.unwrap().unwrap().used_at,
        Some(Timestamp(T0.0 + 300)),
        "the first use is kept"
    );
    let stale = store
        .unused_media_uploads(Timestamp(T0.0 + 1_000), 10)
        .await
        .unwrap();
    assert_eq!(
        stale.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![unused.id]
    );
    assert!(!store.delete_unused_media_upload(used.id).await.unwrap());
    assert!(store.delete_unused_media_upload(unused.id).await.unwrap());
    assert!(!store.delete_unused_media_upload(unused.id).await.unwrap());
    assert!(store.media_upload(unused.id).await.unwrap().is_none());
    assert!(store.media_upload(used.id).await.unwrap().is_some());
    assert!(store.media_upload(late.id).await.unwrap().is_some());
    assert!(matches!(
        store.record_media_file(unused.id, file).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.mark_media_upload_used(unused.id, T0).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn app_features_are_granted_once_and_taken_back(store: S) {
    let app = AppId(42);
    assert!(!store.app_has_feature(app, "video_url").await.unwrap());
    store.grant_app_feature(app, "video_url", T0).await.unwrap();
    store.grant_app_feature(app, "video_url", T0).await.unwrap();
    assert!(store.app_has_feature(app, "video_url").await.unwrap());
    assert!(!store.app_has_feature(AppId(43), "video_url").await.unwrap());
    assert!(!store.app_has_feature(app, "other").await.unwrap());
    assert!(store.revoke_app_feature(app, "video_url").await.unwrap());
    assert!(!store.revoke_app_feature(app, "video_url").await.unwrap());
    assert!(!store.app_has_feature(app, "video_url").await.unwrap());
}

pub async fn creative_type_filters_read_a_video_pin_as_shown_at_an_instant(store: S) {
    let owner = user(&store, "owner").await;
    let b = public_board(&store, &owner, "b").await;
    let image = store
        .create_pin(new_pin(&owner, b, None, "image", 10), 100)
        .await
        .unwrap();
    let mut video = new_pin(&owner, b, None, "video", 20);
    video.creative_type = CreativeType::Video;
    let cover = video.media.cover().unwrap().clone();
    video.media = PinMedia::Video {
        video: VideoRef {
            key: "0123456789abcdef0123456789abcdef".into(),
            container: pinbox::media::bmff::Container::Mp4,
            media_id: 5,
            duration_ms: 1_000,
            width: 640,
            height: 360,
            size: 100,
            key_frame_time: None,
        },
        cover,
        ready_at: T0.0 + 2_000,
    };
    let video = store.create_pin(video, 100).await.unwrap();
    let ids = |types: Vec<CreativeType>, as_of: Option<i64>| {
        let store = store.clone();
        async move {
            store
                .list_pins(
                    PinScope::Board(b),
                    PinFilter {
                        creative_types: types,
                        as_of: as_of.map(|ms| Timestamp(T0.0 + ms)),
                        ..PinFilter::default()
                    },
                    Cursor {
                        after: None,
                        limit: 10,
                    },
                )
                .await
                .unwrap()
                .iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(vec![CreativeType::Video], None).await, vec![video.id]);
    assert!(ids(vec![CreativeType::Video], Some(1_999)).await.is_empty());
    assert_eq!(
        ids(vec![CreativeType::Regular], Some(1_999)).await,
        vec![video.id, image.id]
    );
    assert_eq!(
        ids(vec![CreativeType::Video], Some(2_000)).await,
        vec![video.id]
    );
    assert_eq!(
        ids(vec![CreativeType::Regular], Some(2_000)).await,
        vec![image.id]
    );
    assert_eq!(
        store
            .pin(Env::Production, video.id)
            .await
            .unwrap()
            .unwrap()
            .media,
        video.media
    );
}
