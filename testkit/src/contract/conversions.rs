//! Store contract cases for Conversions API events.

use std::collections::HashSet;

use super::{S, T0, user};
use pinbox::clock::Timestamp;
use pinbox::domain::ad_accounts::{AdAccount, NewAdAccount};
use pinbox::domain::conversions::{ActionSource, DailyConversions, NewConversionEvent};
use pinbox::domain::env::Env;
use pinbox::domain::ids::{AdAccountId, UserId};
use pinbox::domain::storage::*;

const DAY_S: i64 = 86_400;

async fn account(store: &S, owner: UserId, env: Env) -> AdAccount {
    store
        .create_ad_account(NewAdAccount {
            id: AdAccountId::random_short(),
            owner_id: owner,
            env,
            name: "ads".into(),
            country: "US".into(),
            currency: "USD".into(),
            created_at: T0,
        })
        .await
        .unwrap()
}

/// An event `seconds` after T0, worth `value`.
fn event(id: &str, name: &str, seconds: i64, value: Option<f64>) -> NewConversionEvent {
    NewConversionEvent {
        event_id: id.to_string(),
        event_name: name.to_string(),
        advertiser_defined: !matches!(name, "checkout" | "lead" | "page_visit"),
        action_source: ActionSource::Web,
        event_time: Timestamp(T0.0 + seconds * 1000),
        received_at: T0,
        match_keys: format!("em:{}", "a".repeat(64)),
        click_id: Some("dj0yJnU9".into()),
        currency: "USD".into(),
        value,
        num_items: Some(2),
        order_id: None,
    }
}

fn day(offset: i64) -> i64 {
    T0.seconds() / DAY_S + offset
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub async fn conversion_events_are_kept_once_per_event_id_and_summed_per_day(store: S) {
    let alice = user(&store, "alice").await;
    let acct = account(&store, alice.id, Env::Production).await;
    let other = account(&store, alice.id, Env::Production).await;
    let first = vec![
        event("o1", "checkout", 10, Some(10.5)),
        event("o2", "checkout", 20, Some(4.5)),
        event("l1", "lead", 30, None),
        event("x1", "Add_Shipping", DAY_S + 5, Some(1.0)),
        event("o3", "checkout", DAY_S + 6, Some(100.0)),
    ];
    let new = store
        .record_conversion_events(acct.id, acct.env, first)
        .await
        .unwrap();
    assert_eq!(new, vec![true; 5]);
    // A repeated event_id is kept once, as first received; a new one beside it is kept.
    let again = store
        .record_conversion_events(
            acct.id,
            acct.env,
            vec![
                event("o1", "checkout", 40, Some(999.0)),
                event("x2", "add_shipping", 50, Some(2.0)),
                event("y1", "zebra_event", 60, None),
            ],
        )
        .await
        .unwrap();
    assert_eq!(again, vec![false, true, true]);
    // Event ids are the account's own: another account may use the same.
    assert_eq!(
        store
            .record_conversion_events(other.id, other.env, vec![event("o1", "lead", 1, None)])
            .await
            .unwrap(),
        vec![true]
    );

    let known = store
        .existing_conversion_event_ids(acct.id, acct.env, ids(&["o1", "x2", "nope", "l1"]))
        .await
        .unwrap();
    assert_eq!(
        known,
        HashSet::from(["o1".into(), "x2".into(), "l1".into()])
    );
    assert!(
        store
            .existing_conversion_event_ids(acct.id, Env::Sandbox, ids(&["o1"]))
            .await
            .unwrap()
            .is_empty(),
        "another environment sees none of them"
    );

    let row = |offset, name: &str, count, value| DailyConversions {
        day: day(offset),
        event_name: name.to_string(),
        count,
        value,
    };
    let all = store
        .daily_conversions(acct.id, acct.env, T0, Timestamp(T0.0 + 7 * DAY_S * 1000))
        .await
        .unwrap();
    assert_eq!(
        all,
        vec![
            row(0, "add_shipping", 1, 2.0),
            row(0, "checkout", 2, 15.0),
            row(0, "lead", 1, 0.0),
            row(0, "zebra_event", 1, 0.0),
            row(1, "Add_Shipping", 1, 1.0),
            row(1, "checkout", 1, 100.0),
        ]
    );
    // `from` is inclusive and `to` exclusive, to the millisecond.
    let window = store
        .daily_conversions(
            acct.id,
            acct.env,
            Timestamp(T0.0 + 20_001),
            Timestamp(T0.0 + (DAY_S + 6) * 1000),
        )
        .await
        .unwrap();
    assert_eq!(
        window,
        vec![
            row(0, "add_shipping", 1, 2.0),
            row(0, "lead", 1, 0.0),
            row(0, "zebra_event", 1, 0.0),
            row(1, "Add_Shipping", 1, 1.0),
        ]
    );

    // Advertiser-defined names: once each whatever their case, in the order first seen.
    let names = store
        .advertiser_defined_event_names(acct.id, acct.env, 10)
        .await
        .unwrap();
    assert_eq!(names, vec!["Add_Shipping", "zebra_event"]);
    assert_eq!(
        store
            .advertiser_defined_event_names(acct.id, acct.env, 1)
            .await
            .unwrap(),
        vec!["Add_Shipping"]
    );
    assert!(
        store
            .advertiser_defined_event_names(other.id, other.env, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn deleting_an_ad_account_deletes_its_conversion_events(store: S) {
    let alice = user(&store, "alice").await;
    let gone = account(&store, alice.id, Env::Sandbox).await;
    let kept = account(&store, alice.id, Env::Sandbox).await;
    for a in [&gone, &kept] {
        store
            .record_conversion_events(
                a.id,
                a.env,
                vec![
                    event("e1", "checkout", 1, Some(3.0)),
                    event("e2", "my_event", 2, None),
                ],
            )
            .await
            .unwrap();
    }
    store
        .delete_ad_account(Env::Sandbox, gone.id)
        .await
        .unwrap();
    let week = Timestamp(T0.0 + 7 * DAY_S * 1000);
    assert!(
        store
            .daily_conversions(gone.id, gone.env, T0, week)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .existing_conversion_event_ids(gone.id, gone.env, ids(&["e1", "e2"]))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .advertiser_defined_event_names(gone.id, gone.env, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Events for an account that no longer exists are refused, not kept.
    assert!(matches!(
        store
            .record_conversion_events(gone.id, gone.env, vec![event("e3", "lead", 3, None)])
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .record_conversion_events(kept.id, Env::Production, vec![event("e3", "lead", 3, None)])
            .await,
        Err(StoreError::NotFound(_))
    ));
    // The other account keeps its events.
    assert_eq!(
        store
            .daily_conversions(kept.id, kept.env, T0, week)
            .await
            .unwrap()
            .len(),
        2
    );
}
