//! Store contract cases for the engagement log's analytics reads and batch writes.

use super::{S, T0, new_board, new_pin, public_board, secret_board, user};
use pinbox::domain::boards::Privacy;
use pinbox::domain::engagement::{AppType, Counted, EngagementRow};
use pinbox::domain::env::Env;
use pinbox::domain::ids::PinId;
use pinbox::domain::pins::PinChanges;

fn row(pin: PinId, day: i64, app: AppType, metric: Counted, count: i64) -> EngagementRow {
    EngagementRow {
        pin,
        day,
        app_type: app,
        metric,
        count,
    }
}

pub async fn engagement_rows_add_up_and_are_read_by_pin_and_day(store: S) {
    let (a, b) = (PinId(11), PinId(22));
    store
        .add_engagement_rows(vec![
            row(a, 20_000, AppType::Web, Counted::Impression, 30),
            // The same cell twice in one batch adds up.
            row(a, 20_000, AppType::Web, Counted::Impression, 5),
            row(a, 20_001, AppType::Mobile, Counted::Save, 2),
            row(b, 20_001, AppType::Tablet, Counted::OutboundClick, 7),
            row(b, 20_009, AppType::Tablet, Counted::OutboundClick, 1),
        ])
        .await
        .unwrap();
    // The older single-event write lands in the same cells.
    store
        .add_engagement(a, 20_001, "MOBILE", "SAVE", 1)
        .await
        .unwrap();
    let rows = store
        .engagement_rows(vec![a, b], 20_000, 20_001)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            row(a, 20_000, AppType::Web, Counted::Impression, 35),
            row(a, 20_001, AppType::Mobile, Counted::Save, 3),
            row(b, 20_001, AppType::Tablet, Counted::OutboundClick, 7),
        ]
    );
    assert_eq!(
        store
            .engagement_rows(vec![b], i64::MIN, i64::MAX)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .engagement_rows(vec![PinId(33)], i64::MIN, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .engagement_rows(Vec::new(), i64::MIN, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    // An empty batch changes nothing.
    store.add_engagement_rows(Vec::new()).await.unwrap();
}

pub async fn owner_engagement_covers_the_owners_live_pins_in_one_environment(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let board = public_board(&store, &alice, "a").await;
    let bobs_board = public_board(&store, &bob, "b").await;
    let sandbox_board = store
        .create_board(new_board(&alice, "s", Privacy::Public, Env::Sandbox), 2000)
        .await
        .unwrap()
        .id;
    let p1 = store
        .create_pin(new_pin(&alice, board, None, "one", 1), 100)
        .await
        .unwrap();
    let p2 = store
        .create_pin(new_pin(&alice, board, None, "two", 2), 100)
        .await
        .unwrap();
    let bobs = store
        .create_pin(new_pin(&bob, bobs_board, None, "bob", 3), 100)
        .await
        .unwrap();
    let mut sandboxed = new_pin(&alice, sandbox_board, None, "sandbox", 4);
    sandboxed.env = Env::Sandbox;
    let sandboxed = store.create_pin(sandboxed, 100).await.unwrap();
    let mut batch = Vec::new();
    for pin in [p1.id, p2.id, bobs.id, sandboxed.id] {
        for day in [20_000, 20_001, 20_005] {
            batch.push(row(pin, day, AppType::Mobile, Counted::Impression, 10));
        }
    }
    store.add_engagement_rows(batch).await.unwrap();
    store.delete_pin(Env::Production, p2.id, T0).await.unwrap();

    let rows = store
        .owner_engagement_rows(alice.id, Env::Production, 20_000, 20_001, true)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            row(p1.id, 20_000, AppType::Mobile, Counted::Impression, 10),
            row(p1.id, 20_001, AppType::Mobile, Counted::Impression, 10),
        ],
        "a deleted Pin, another owner's Pin and a Sandbox Pin are not alice's production Pins"
    );
    let sandbox = store
        .owner_engagement_rows(alice.id, Env::Sandbox, i64::MIN, i64::MAX, true)
        .await
        .unwrap();
    assert_eq!(sandbox.len(), 3);
    assert!(sandbox.iter().all(|r| r.pin == sandboxed.id));
}

/// Pins on secret boards are secret Pins: their rows come only to a reader of secret Pins, by the
/// board's privacy at the time of the read.
pub async fn owner_engagement_leaves_out_secret_pins_unless_asked(store: S) {
    let alice = user(&store, "alice").await;
    let open = public_board(&store, &alice, "open").await;
    let hidden = secret_board(&store, &alice, "hidden").await;
    let shown = store
        .create_pin(new_pin(&alice, open, None, "shown", 1), 100)
        .await
        .unwrap();
    let secret = store
        .create_pin(new_pin(&alice, hidden, None, "secret", 2), 100)
        .await
        .unwrap();
    store
        .add_engagement_rows(vec![
            row(shown.id, 20_000, AppType::Web, Counted::Impression, 10),
            row(secret.id, 20_000, AppType::Web, Counted::Impression, 1000),
        ])
        .await
        .unwrap();
    let pins = |rows: Vec<EngagementRow>| rows.iter().map(|r| r.pin).collect::<Vec<_>>();
    let read = async |secret_pins| {
        store
            .owner_engagement_rows(alice.id, Env::Production, 20_000, 20_000, secret_pins)
            .await
            .unwrap()
    };
    assert_eq!(pins(read(false).await), vec![shown.id]);
    let mut both = vec![shown.id, secret.id];
    both.sort();
    assert_eq!(pins(read(true).await), both, "ordered by Pin");
    // Moving the Pin to a public board makes its history public with it.
    store
        .update_pin(
            Env::Production,
            secret.id,
            PinChanges {
                board_id: Some(open),
                ..Default::default()
            },
            T0,
        )
        .await
        .unwrap();
    assert_eq!(pins(read(false).await), both);
}

pub async fn concurrent_engagement_writes_are_all_counted(store: S) {
    let pin = PinId(77);
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                store
                    .add_engagement(pin, 20_000, "WEB", "SAVE", 1)
                    .await
                    .unwrap();
            } else {
                store
                    .add_engagement_rows(vec![row(pin, 20_000, AppType::Web, Counted::Save, 1)])
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(store.engagement_total(pin, "SAVE").await.unwrap(), 40);
}
