//! Store contract cases of the OAuth feature: app management and the five-app limit, password
//! changes, grants, single-use codes and sign-in sessions. Listed in `store_contract_suite!`.

use std::sync::Arc;

use pinbox::catalog::scope::{Scope, Scopes};
use pinbox::clock::Timestamp;
use pinbox::domain::apps::{App, MAX_APPS_PER_DEVELOPER, NewApp, Tier};
use pinbox::domain::env::Env;
use pinbox::domain::ids::{AppId, GrantId, TokenId, UserId};
use pinbox::domain::oauth::Session;
use pinbox::domain::oauth::{CodeRedemption, OAuthCode};
use pinbox::domain::storage::*;
use pinbox::domain::tokens::{self, NewToken, TokenKind};
use pinbox::domain::users::{AccountType, NewUser, User};

const T0: Timestamp = Timestamp(1_767_225_600_000); // 2026-01-01T00:00:00Z

type S = Arc<dyn Store>;

async fn user(store: &S, name: &str) -> User {
    store
        .create_user(NewUser {
            id: UserId::random(),
            username: name.to_string(),
            account_type: AccountType::Pinner,
            business_name: None,
            password_hash: Some("old hash".into()),
            created_at: T0,
        })
        .await
        .expect("create user")
}

async fn app(store: &S, owner: &User, name: &str, at: i64) -> Result<App, StoreError> {
    store
        .create_app(NewApp {
            id: AppId::random(),
            owner_id: owner.id,
            name: name.to_string(),
            secret_hash: [1; 32],
            redirect_uris: vec!["https://a.example/cb".into()],
            tier: Tier::Trial,
            created_at: Timestamp(T0.0 + at),
        })
        .await
}

fn new_token(kind: TokenKind, user: Option<UserId>, app: AppId) -> (NewToken, [u8; 32]) {
    let minted = tokens::mint(kind);
    (
        NewToken {
            id: TokenId::random(),
            hash: minted.hash,
            kind,
            user_id: user,
            app_id: app,
            scopes: Scopes::of(&[Scope::BoardsRead]),
            env: Env::Production,
            created_at: T0,
            expires_at: Timestamp(T0.0 + 1_000_000),
        },
        minted.hash,
    )
}

async fn revoked(store: &S, hash: &[u8; 32]) -> bool {
    store
        .token_by_hash(hash)
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some()
}

pub async fn apps_are_limited_to_five_per_developer_and_listed_oldest_first(store: S) {
    let dev = user(&store, "dev").await;
    let other = user(&store, "other").await;
    let mut ids = Vec::new();
    for i in 0..MAX_APPS_PER_DEVELOPER {
        ids.push(
            app(&store, &dev, &format!("app {i}"), i as i64)
                .await
                .unwrap()
                .id,
        );
    }
    assert!(matches!(
        app(&store, &dev, "one too many", 99).await,
        Err(StoreError::LimitReached(VolumeLimit::Apps))
    ));
    let theirs = app(&store, &other, "theirs", 100).await.unwrap();
    let listed: Vec<AppId> = store
        .apps(Some(dev.id))
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(listed, ids);
    let everyone = store.apps(None).await.unwrap();
    assert_eq!(everyone.len(), ids.len() + 1);
    assert_eq!(everyone.last().unwrap().id, theirs.id);
    assert!(store.apps(Some(UserId(7))).await.unwrap().is_empty());
}

pub async fn app_redirect_uris_secret_and_tier_can_change(store: S) {
    let dev = user(&store, "dev").await;
    let a = app(&store, &dev, "app", 0).await.unwrap();
    let changed = store
        .add_redirect_uri(a.id, "http://127.0.0.1:9000/cb".into())
        .await
        .unwrap();
    assert_eq!(
        changed.redirect_uris,
        vec!["https://a.example/cb", "http://127.0.0.1:9000/cb"]
    );
    // Adding one that is there already changes nothing.
    let same = store
        .add_redirect_uri(a.id, "https://a.example/cb".into())
        .await
        .unwrap();
    assert_eq!(same.redirect_uris, changed.redirect_uris);
    let removed = store
        .remove_redirect_uri(a.id, "https://a.example/cb".into())
        .await
        .unwrap();
    assert_eq!(removed.redirect_uris, vec!["http://127.0.0.1:9000/cb"]);
    assert!(matches!(
        store
            .remove_redirect_uri(a.id, "https://a.example/cb".into())
            .await,
        Err(StoreError::NotFound("redirect_uri"))
    ));
    let rotated = store.set_app_secret_hash(a.id, [7; 32]).await.unwrap();
    assert_eq!(rotated.secret_hash, [7; 32]);
    let standard = store.set_app_tier(a.id, Tier::Standard).await.unwrap();
    assert_eq!(standard.tier, Tier::Standard);
    let again = store.app(a.id).await.unwrap().unwrap();
    assert_eq!(
        (again.secret_hash, again.tier, again.redirect_uris),
        (
            [7; 32],
            Tier::Standard,
            vec!["http://127.0.0.1:9000/cb".to_string()]
        )
    );
    let unknown = AppId(12345);
    assert!(matches!(
        store
            .add_redirect_uri(unknown, "https://x.example/".into())
            .await,
        Err(StoreError::NotFound("app"))
    ));
    assert!(matches!(
        store
            .remove_redirect_uri(unknown, "https://x.example/".into())
            .await,
        Err(StoreError::NotFound("app"))
    ));
    assert!(matches!(
        store.set_app_secret_hash(unknown, [0; 32]).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.set_app_tier(unknown, Tier::Trial).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn a_password_change_revokes_the_users_tokens_and_ends_sessions(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let a = app(&store, &alice, "app", 0).await.unwrap();
    let mut alices = Vec::new();
    for kind in [TokenKind::Access, TokenKind::Refresh] {
        let (t, hash) = new_token(kind, Some(alice.id), a.id);
        store.create_token(t).await.unwrap();
        alices.push(hash);
    }
    let (t, bobs) = new_token(TokenKind::Access, Some(bob.id), a.id);
    store.create_token(t).await.unwrap();
    let (t, app_token) = new_token(TokenKind::Access, None, a.id);
    store.create_token(t).await.unwrap();
    let session = |user: &User, h: u8| Session {
        hash: [h; 32],
        user_id: Some(user.id),
        created_at: T0,
        expires_at: Timestamp(T0.0 + 1000),
    };
    store.create_session(session(&alice, 1)).await.unwrap();
    store.create_session(session(&bob, 2)).await.unwrap();
    let pending = OAuthCode {
        hash: [9; 32],
        ..code(&a, &alice, 9)
    };
    store.create_oauth_code(pending).await.unwrap();

    let n = store
        .set_password(alice.id, "new hash".into(), Timestamp(T0.0 + 9))
        .await
        .unwrap();
    assert_eq!(n, 2);
    for h in &alices {
        assert!(revoked(&store, h).await);
    }
    assert!(!revoked(&store, &bobs).await);
    assert!(!revoked(&store, &app_token).await);
    assert!(store.session(&[1; 32]).await.unwrap().is_none());
    assert!(store.session(&[2; 32]).await.unwrap().is_some());
    assert_eq!(
        store
            .oauth_code(&[9; 32])
            .await
            .unwrap()
            .unwrap()
            .expires_at,
        Timestamp(T0.0 + 9)
    );
    assert_eq!(
        store
            .user(alice.id)
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .as_deref(),
        Some("new hash")
    );
    assert!(matches!(
        store.set_password(UserId(3), "x".into(), T0).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn grant_tokens_are_revoked_together(store: S) {
    let alice = user(&store, "alice").await;
    let a = app(&store, &alice, "app", 0).await.unwrap();
    let grant = GrantId::random();
    let (access, access_hash) = new_token(TokenKind::Access, Some(alice.id), a.id);
    let (refresh, refresh_hash) = new_token(TokenKind::Refresh, Some(alice.id), a.id);
    let made = store
        .create_grant_tokens(grant, vec![access, refresh])
        .await
        .unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(made[0].kind, TokenKind::Access);
    assert_eq!(made[1].kind, TokenKind::Refresh);
    for t in &made {
        assert_eq!(store.token_grant(t.id).await.unwrap(), Some(grant));
    }
    let (outside, outside_hash) = new_token(TokenKind::Access, Some(alice.id), a.id);
    let outside = store.create_token(outside).await.unwrap();
    assert_eq!(store.token_grant(outside.id).await.unwrap(), None);
    assert_eq!(store.token_grant(TokenId(99)).await.unwrap(), None);

    assert_eq!(
        store
            .revoke_grant(grant, Timestamp(T0.0 + 1))
            .await
            .unwrap(),
        2
    );
    assert!(revoked(&store, &access_hash).await);
    assert!(revoked(&store, &refresh_hash).await);
    assert!(!revoked(&store, &outside_hash).await);
    // Revoking again finds nothing left to revoke and keeps the first time.
    assert_eq!(
        store
            .revoke_grant(grant, Timestamp(T0.0 + 2))
            .await
            .unwrap(),
        0
    );
    let t = store.token_by_hash(&access_hash).await.unwrap().unwrap();
    assert_eq!(t.revoked_at, Some(Timestamp(T0.0 + 1)));
}

fn code(app: &App, user: &User, hash: u8) -> OAuthCode {
    OAuthCode {
        hash: [hash; 32],
        app_id: app.id,
        user_id: user.id,
        redirect_uri: "https://a.example/cb".into(),
        scopes: Scopes::of(&[Scope::BoardsRead, Scope::PinsRead]),
        grant_id: GrantId::random(),
        created_at: T0,
        expires_at: Timestamp(T0.0 + 600_000),
        used_at: None,
    }
}

pub async fn codes_are_redeemed_once_and_a_replay_revokes_their_grant(store: S) {
    let alice = user(&store, "alice").await;
    let a = app(&store, &alice, "app", 0).await.unwrap();
    let c = code(&a, &alice, 5);
    store.create_oauth_code(c.clone()).await.unwrap();
    assert_eq!(store.oauth_code(&[5; 32]).await.unwrap(), Some(c.clone()));
    assert_eq!(store.oauth_code(&[6; 32]).await.unwrap(), None);

    let (access, access_hash) = new_token(TokenKind::Access, Some(alice.id), a.id);
    let (refresh, _) = new_token(TokenKind::Refresh, Some(alice.id), a.id);
    let at = Timestamp(T0.0 + 10);
    match store
        .redeem_oauth_code(&[5; 32], at, vec![access, refresh])
        .await
        .unwrap()
    {
        CodeRedemption::Redeemed(tokens) => {
            assert_eq!(tokens.len(), 2);
            for t in &tokens {
                assert_eq!(store.token_grant(t.id).await.unwrap(), Some(c.grant_id));
            }
        }
        other => panic!("a fresh code must be redeemed, got {other:?}"),
    }
    assert_eq!(
        store.oauth_code(&[5; 32]).await.unwrap().unwrap().used_at,
        Some(at)
    );
    assert!(!revoked(&store, &access_hash).await);

    let (again, again_hash) = new_token(TokenKind::Access, Some(alice.id), a.id);
    let replay = store
        .redeem_oauth_code(&[5; 32], Timestamp(T0.0 + 20), vec![again])
        .await
        .unwrap();
    assert!(matches!(replay, CodeRedemption::AlreadyUsed { revoked: 2 }));
    assert!(revoked(&store, &access_hash).await);
    // The replay's own tokens were never inserted.
    assert!(store.token_by_hash(&again_hash).await.unwrap().is_none());
    assert!(matches!(
        store.redeem_oauth_code(&[6; 32], at, vec![]).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn a_code_redeemed_twice_at_once_is_redeemed_only_once(store: S) {
    let alice = user(&store, "alice").await;
    let a = app(&store, &alice, "app", 0).await.unwrap();
    store.create_oauth_code(code(&a, &alice, 8)).await.unwrap();
    let (t1, _) = new_token(TokenKind::Access, Some(alice.id), a.id);
    let (t2, _) = new_token(TokenKind::Access, Some(alice.id), a.id);
    let (s1, s2) = (Arc::clone(&store), Arc::clone(&store));
    let (r1, r2) = tokio::join!(
        tokio::spawn(async move { s1.redeem_oauth_code(&[8; 32], T0, vec![t1]).await }),
        tokio::spawn(async move { s2.redeem_oauth_code(&[8; 32], T0, vec![t2]).await }),
    );
    let results = [r1.unwrap().unwrap(), r2.unwrap().unwrap()];
    let redeemed = results
        .iter()
        .filter(|r| matches!(r, CodeRedemption::Redeemed(_)))
        .count();
    assert_eq!(redeemed, 1, "{results:?}");
    // The loser's replay revoked what the winner got.
    for r in &results {
        if let CodeRedemption::Redeemed(tokens) = r {
            let t = store.token_by_hash(&tokens[0].hash).await.unwrap().unwrap();
            assert!(t.revoked_at.is_some());
        }
    }
}

pub async fn sessions_are_kept_by_hash_until_deleted_or_expired(store: S) {
    let alice = user(&store, "alice").await;
    let anonymous = Session {
        hash: [3; 32],
        user_id: None,
        created_at: T0,
        expires_at: Timestamp(T0.0 + 1000),
    };
    store.create_session(anonymous.clone()).await.unwrap();
    assert_eq!(store.session(&[3; 32]).await.unwrap(), Some(anonymous));
    let signed_in = Session {
        hash: [4; 32],
        user_id: Some(alice.id),
        created_at: T0,
        expires_at: Timestamp(T0.0 + 1000),
    };
    store.create_session(signed_in.clone()).await.unwrap();
    assert_eq!(store.session(&[4; 32]).await.unwrap(), Some(signed_in));
    store.delete_session(&[4; 32]).await.unwrap();
    assert!(store.session(&[4; 32]).await.unwrap().is_none());
    // Deleting what is gone is fine.
    store.delete_session(&[4; 32]).await.unwrap();
    // A later session sweeps the expired ones.
    store
        .create_session(Session {
            hash: [5; 32],
            user_id: None,
            created_at: Timestamp(T0.0 + 2000),
            expires_at: Timestamp(T0.0 + 3000),
        })
        .await
        .unwrap();
    assert!(store.session(&[3; 32]).await.unwrap().is_none());
    assert!(store.session(&[5; 32]).await.unwrap().is_some());
}

/// An app token acts as its app's owner, so every token lookup (and the tokens a grant inserts)
/// carries the app's owner, whoever the token's own user is.
pub async fn a_token_lookup_carries_its_apps_owner(store: S) {
    let dev = user(&store, "dev").await;
    let other = user(&store, "other").await;
    let a = app(&store, &dev, "a", 0).await.unwrap();
    let (app_token, app_hash) = new_token(TokenKind::Access, None, a.id);
    let created = store.create_token(app_token).await.unwrap();
    assert_eq!((created.user_id, created.app_owner), (None, dev.id));
    let (users, users_hash) = new_token(TokenKind::Access, Some(other.id), a.id);
    let granted = store
        .create_grant_tokens(GrantId::random(), vec![users])
        .await
        .unwrap();
    assert_eq!(granted[0].app_owner, dev.id);
    // Twice, so that an engine with a cache answers the second from it.
    for _ in 0..2 {
        let t = store.token_by_hash(&app_hash).await.unwrap().unwrap();
        assert_eq!((t.user_id, t.app_owner), (None, dev.id));
        let t = store.token_by_hash(&users_hash).await.unwrap().unwrap();
        assert_eq!((t.user_id, t.app_owner), (Some(other.id), dev.id));
    }
}
