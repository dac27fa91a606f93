//! Store contract cases of rate limits: quotas counted all or nothing per window, exactly under
//! concurrency, and ended windows swept. Listed in `store_contract_suite!`.

use std::sync::Arc;

use pinbox::catalog::RateCategory;
use pinbox::clock::Timestamp;
use pinbox::domain::env::Env;
use pinbox::domain::ids::{AppId, UserId};
use pinbox::domain::rate_limits::{Limit, Quota, QuotaKey, QuotaScope};
use pinbox::domain::storage::*;

type S = Arc<dyn Store>;

/// 2026-11-01T00:00:00Z, a day, hour and minute boundary.
const T0: i64 = 1_793_491_200_000;

fn at(ms: i64) -> Timestamp {
    Timestamp(T0 + ms)
}

fn key(app: i64, user: Option<i64>) -> QuotaKey {
    QuotaKey {
        app: AppId(app),
        user: user.map(UserId),
        env: Env::Production,
    }
}

fn overall(calls: u32, window_secs: u32) -> Quota {
    Quota::new(QuotaScope::Overall, Limit { calls, window_secs })
}

fn category(c: RateCategory, calls: u32, window_secs: u32) -> Quota {
    Quota::new(QuotaScope::Category(c), Limit { calls, window_secs })
}

pub async fn quotas_admit_their_limit_per_window_all_or_nothing(store: S) {
    let alice = key(1, Some(10));
    let quotas = [overall(3, 1), category(RateCategory::OrgWrite, 4, 60)];
    for used in 1..=3 {
        let t = store.take_quota(alice, &quotas, at(100)).await.unwrap();
        assert!(t.admitted);
        assert_eq!(t.windows[0].used, used);
        assert_eq!(t.windows[0].resets_at, at(1_000));
        assert_eq!(t.windows[1].used, used);
        assert_eq!(t.windows[1].resets_at, at(60_000));
    }
    // The second's quota is spent: refused, and the minute's is not counted either.
    let refused = store.take_quota(alice, &quotas, at(999)).await.unwrap();
    assert!(!refused.admitted);
    assert_eq!(refused.windows[0].used, 3);
    assert_eq!(refused.windows[1].used, 3);
    // The next second: one call left in the minute.
    let t = store.take_quota(alice, &quotas, at(1_000)).await.unwrap();
    assert!(t.admitted);
    assert_eq!((t.windows[0].used, t.windows[1].used), (1, 4));
    assert_eq!(t.windows[0].resets_at, at(2_000));
    let refused = store.take_quota(alice, &quotas, at(1_500)).await.unwrap();
    assert!(!refused.admitted);
    assert_eq!(refused.windows[0].used, 1, "the refusal used nothing");
    assert_eq!(refused.windows[1].used, 4);
    // Other keys, and other categories of the same key, are counted apart.
    let alice_in_sandbox = QuotaKey {
        env: Env::Sandbox,
        ..alice
    };
    for other in [
        key(1, Some(11)),
        key(1, None),
        key(2, Some(10)),
        alice_in_sandbox,
    ] {
        assert!(
            store
                .take_quota(other, &quotas, at(1_500))
                .await
                .unwrap()
                .admitted
        );
    }
    let reads = [overall(3, 1), category(RateCategory::OrgRead, 4, 60)];
    let t = store.take_quota(alice, &reads, at(1_500)).await.unwrap();
    assert!(t.admitted);
    assert_eq!((t.windows[0].used, t.windows[1].used), (2, 1));
    // The next minute starts from nothing.
    let t = store.take_quota(alice, &quotas, at(60_000)).await.unwrap();
    assert!(t.admitted);
    assert_eq!((t.windows[0].used, t.windows[1].used), (1, 1));
    assert_eq!(t.windows[1].resets_at, at(120_000));
}

pub async fn concurrent_takes_admit_exactly_the_limit(store: S) {
    let quotas = [overall(30, 1), category(RateCategory::OrgRead, 45, 60)];
    let round = |now: Timestamp| {
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    store
                        .take_quota(key(5, Some(50)), &quotas, now)
                        .await
                        .unwrap()
                        .admitted
                })
            })
            .collect();
        async move {
            let mut admitted = 0;
            for t in tasks {
                admitted += usize::from(t.await.unwrap());
            }
            admitted
        }
    };
    assert_eq!(round(at(0)).await, 30);
    // The 34 refused a second ago left the minute's quota with 15.
    assert_eq!(round(at(1_000)).await, 15);
    assert_eq!(round(at(2_000)).await, 0);
}

pub async fn ended_windows_are_swept(store: S) {
    let second = [overall(5, 1)];
    let day = [overall(5, 86_400)];
    store
        .take_quota(key(7, Some(1)), &second, at(0))
        .await
        .unwrap();
    store
        .take_quota(key(7, Some(2)), &second, at(0))
        .await
        .unwrap();
    store.take_quota(key(7, None), &day, at(0)).await.unwrap();
    assert_eq!(store.sweep_quotas(at(999)).await.unwrap(), 0);
    assert_eq!(store.sweep_quotas(at(1_000)).await.unwrap(), 2);
    assert_eq!(store.sweep_quotas(at(1_000)).await.unwrap(), 0);
    // The day's window is kept, count and all, until the day ends.
    let t = store
        .take_quota(key(7, None), &day, at(5_000))
        .await
        .unwrap();
    assert_eq!(t.windows[0].used, 2);
    assert_eq!(store.sweep_quotas(at(86_400_000)).await.unwrap(), 1);
    let t = store
        .take_quota(key(7, Some(1)), &second, at(86_400_000))
        .await
        .unwrap();
    assert_eq!(t.windows[0].used, 1);
}

/// Rate limits read the tier from the token lookup, so a tier change must reach it at once
/// (engines that cache tokens must drop them).
pub async fn a_token_lookup_carries_its_apps_current_tier(store: S) {
    use pinbox::catalog::scope::Scopes;
    use pinbox::domain::apps::{NewApp, Tier};
    use pinbox::domain::env::Env;
    use pinbox::domain::ids::TokenId;
    use pinbox::domain::tokens::{self, NewToken, TokenKind};
    use pinbox::domain::users::{AccountType, NewUser};

    let owner = store
        .create_user(NewUser {
            id: UserId::random(),
            username: "tiered".into(),
            account_type: AccountType::Pinner,
            business_name: None,
            password_hash: None,
            created_at: at(0),
        })
        .await
        .unwrap();
    let app = store
        .create_app(NewApp {
            id: AppId::random(),
            owner_id: owner.id,
            name: "tiered".into(),
            secret_hash: [0; 32],
            redirect_uris: vec![],
            tier: Tier::Trial,
            created_at: at(0),
        })
        .await
        .unwrap();
    let minted = tokens::mint(TokenKind::Access);
    let created = store
        .create_token(NewToken {
            id: TokenId::random(),
            hash: minted.hash,
            kind: TokenKind::Access,
            user_id: Some(owner.id),
            app_id: app.id,
            scopes: Scopes::CONTENT,
            env: Env::Production,
            created_at: at(0),
            expires_at: at(86_400_000),
        })
        .await
        .unwrap();
    assert_eq!(created.app_tier, Tier::Trial);
    // Twice, so that an engine with a cache answers the second from it.
    for _ in 0..2 {
        let t = store.token_by_hash(&minted.hash).await.unwrap().unwrap();
        assert_eq!(t.app_tier, Tier::Trial);
    }
    store.set_app_tier(app.id, Tier::Standard).await.unwrap();
    let t = store.token_by_hash(&minted.hash).await.unwrap().unwrap();
    assert_eq!(t.app_tier, Tier::Standard);
}
