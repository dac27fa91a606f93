//! Store contract cases for ads entities: every kind in one store, fields kept as written,
//! ids growing in batch order, lists filtered by lineage and status in either order, and the
//! ad account's delete taking its entities with it.

use super::{S, T0, user};
use pinbox::clock::Timestamp;
use pinbox::domain::ad_accounts::NewAdAccount;
use pinbox::domain::ads::{EntityChange, EntityQuery, KindId, NewEntity};
use pinbox::domain::env::Env;
use pinbox::domain::ids::AdAccountId;
use pinbox::domain::page::Cursor;
use serde_json::{Map, Value, json};

async fn account(store: &S, env: Env) -> AdAccountId {
    let owner = user(store, &format!("owner_{}", env.code())).await;
    store
        .create_ad_account(NewAdAccount {
            id: AdAccountId::random_short(),
            owner_id: owner.id,
            env,
            name: "Shop".into(),
            country: "US".into(),
            currency: "USD".into(),
            created_at: T0,
        })
        .await
        .unwrap()
        .id
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn new(
    kind: KindId,
    account: AdAccountId,
    parent: Option<i64>,
    root: Option<i64>,
    status: &str,
    name: &str,
) -> NewEntity {
    NewEntity {
        kind,
        ad_account_id: account,
        env: Env::Production,
        parent_id: parent,
        root_id: root,
        status: status.into(),
        fields: fields(json!({"name": name, "status": status})),
        created_at: T0,
    }
}

fn all(limit: u32) -> Cursor {
    Cursor { after: None, limit }
}

fn ids(entities: &[pinbox::domain::ads::Entity]) -> Vec<i64> {
    entities.iter().map(|e| e.id).collect()
}

pub async fn ads_entities_keep_their_fields_and_take_growing_ids_in_batch_order(store: S) {
    let account = account(&store, Env::Production).await;
    let odd = json!({"name": "Été ☀ \"quoted\"", "status": "ACTIVE",
                     "targeting_spec": {"GEO": ["US", "FR"], "AGE_BUCKET": ["25-34"]},
                     "daily_spend_cap": 1_000_000_000_000i64, "bid_multiplier": 1.5,
                     "order_line_id": null, "is_flexible_daily_budgets": false});
    let mut first = new(KindId::Campaign, account, None, None, "ACTIVE", "x");
    first.fields = fields(odd.clone());
    let made = store
        .insert_entities(vec![
            first,
            new(KindId::Campaign, account, None, None, "PAUSED", "b"),
            new(KindId::Campaign, account, None, None, "ACTIVE", "c"),
        ])
        .await
        .unwrap();
    assert_eq!(made.len(), 3);
    assert!(
        made[0].id < made[1].id && made[1].id < made[2].id,
        "{:?}",
        ids(&made)
    );
    assert!(made[0].id >= 549_755_813_888, "Pinterest-like 12-digit ids");
    assert_eq!(Value::Object(made[0].fields.clone()), odd);
    assert_eq!(made[0].kind, KindId::Campaign);
    assert_eq!((made[0].created_at, made[0].updated_at), (T0, T0));
    assert_eq!(made[1].status, "PAUSED");

    let mut q = EntityQuery::new(KindId::Campaign, account);
    q.ids = vec![made[0].id];
    let read = store.list_entities(q, all(10)).await.unwrap();
    assert_eq!(read, vec![made[0].clone()], "read back as written");

    // An empty batch inserts and updates nothing.
    assert!(store.insert_entities(vec![]).await.unwrap().is_empty());
    assert!(store.update_entities(vec![]).await.unwrap().is_empty());
}

pub async fn ads_entity_lists_filter_by_lineage_and_status_in_either_order(store: S) {
    let account = account(&store, Env::Production).await;
    let other_account = account_of_another(&store).await;
    let campaigns = store
        .insert_entities(vec![
            new(KindId::Campaign, account, None, None, "ACTIVE", "c1"),
            new(KindId::Campaign, account, None, None, "ACTIVE", "c2"),
        ])
        .await
        .unwrap();
    let (c1, c2) = (campaigns[0].id, campaigns[1].id);
    let groups = store
        .insert_entities(vec![
            new(KindId::AdGroup, account, Some(c1), Some(c1), "ACTIVE", "g1"),
            new(
                KindId::AdGroup,
                account,
                Some(c2),
                Some(c2),
                "ARCHIVED",
                "g2",
            ),
        ])
        .await
        .unwrap();
    let (g1, g2) = (groups[0].id, groups[1].id);
    let ads = store
        .insert_entities(vec![
            new(KindId::Ad, account, Some(g1), Some(c1), "ACTIVE", "a1"),
            new(KindId::Ad, account, Some(g1), Some(c1), "PAUSED", "a2"),
            new(KindId::Ad, account, Some(g2), Some(c2), "ACTIVE", "a3"),
        ])
        .await
        .unwrap();
    store
        .insert_entities(vec![new(
            KindId::Ad,
            other_account,
            Some(g1),
            Some(c1),
            "ACTIVE",
            "x",
        )])
        .await
        .unwrap();

    let list = |f: &dyn Fn(&mut EntityQuery)| {
        let mut q = EntityQuery::new(KindId::Ad, account);
        f(&mut q);
        let store = store.clone();
        async move { ids(&store.list_entities(q, all(10)).await.unwrap()) }
    };
    let (a1, a2, a3) = (ads[0].id, ads[1].id, ads[2].id);
    assert_eq!(
        list(&|_| {}).await,
        [a3, a2, a1],
        "newest first, one account, one kind"
    );
    assert_eq!(list(&|q| q.ascending = true).await, [a1, a2, a3]);
    assert_eq!(list(&|q| q.root_ids = vec![c1]).await, [a2, a1]);
    assert_eq!(list(&|q| q.parent_ids = vec![g2]).await, [a3]);
    assert_eq!(list(&|q| q.ids = vec![a1, a3]).await, [a3, a1]);
    assert_eq!(list(&|q| q.statuses = vec!["PAUSED".into()]).await, [a2]);
    assert_eq!(
        list(&|q| {
            q.root_ids = vec![c1];
            q.statuses = vec!["ACTIVE".into(), "ARCHIVED".into()];
        })
        .await,
        [a1]
    );

    // Keyset pages: limit + 1 rows, resuming after the cursor in the query's order.
    let mut q = EntityQuery::new(KindId::Ad, account);
    let page = store.list_entities(q.clone(), all(1)).await.unwrap();
    assert_eq!(ids(&page), [a3, a2]);
    let rest = store
        .list_entities(
            q.clone(),
            Cursor {
                after: Some(a3),
                limit: 5,
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&rest), [a2, a1]);
    q.ascending = true;
    let rest = store
        .list_entities(
            q,
            Cursor {
                after: Some(a1),
                limit: 5,
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&rest), [a2, a3]);

    let mut kinds = EntityQuery::new(KindId::AdGroup, account);
    kinds.statuses = vec!["ARCHIVED".into()];
    assert_eq!(
        ids(&store.list_entities(kinds, all(5)).await.unwrap()),
        [g2]
    );
}

async fn account_of_another(store: &S) -> AdAccountId {
    let owner = user(store, "someone_else").await;
    store
        .create_ad_account(NewAdAccount {
            id: AdAccountId::random_short(),
            owner_id: owner.id,
            env: Env::Production,
            name: "Other".into(),
            country: "US".into(),
            currency: "USD".into(),
            created_at: T0,
        })
        .await
        .unwrap()
        .id
}

pub async fn ads_entity_updates_replace_status_and_fields(store: S) {
    let account = account(&store, Env::Production).await;
    let made = store
        .insert_entities(vec![
            new(KindId::Campaign, account, None, None, "ACTIVE", "a"),
            new(KindId::Campaign, account, None, None, "ACTIVE", "b"),
        ])
        .await
        .unwrap();
    let later = Timestamp(T0.0 + 5_000);
    let updated = store
        .update_entities(vec![
            EntityChange {
                id: made[1].id,
                status: "PAUSED".into(),
                fields: fields(json!({"name": "b2", "status": "PAUSED"})),
                updated_at: later,
            },
            EntityChange {
                id: 42,
                status: "PAUSED".into(),
                fields: Map::new(),
                updated_at: later,
            },
        ])
        .await
        .unwrap();
    assert_eq!(updated.len(), 1, "an unknown id is left out");
    assert_eq!(updated[0].id, made[1].id);
    assert_eq!(updated[0].status, "PAUSED");
    assert_eq!(updated[0].fields["name"], "b2");
    assert_eq!((updated[0].created_at, updated[0].updated_at), (T0, later));
    let mut q = EntityQuery::new(KindId::Campaign, account);
    q.ids = vec![made[0].id];
    let untouched = store.list_entities(q, all(5)).await.unwrap();
    assert_eq!(untouched, vec![made[0].clone()]);
}

pub async fn deleting_an_ad_account_deletes_its_ads_entities(store: S) {
    let sandbox = account(&store, Env::Sandbox).await;
    let other = account_of_another(&store).await;
    let mut c = new(KindId::Campaign, sandbox, None, None, "ACTIVE", "c");
    c.env = Env::Sandbox;
    store.insert_entities(vec![c]).await.unwrap();
    store
        .insert_entities(vec![new(
            KindId::Campaign,
            other,
            None,
            None,
            "ACTIVE",
            "kept",
        )])
        .await
        .unwrap();
    store
        .delete_ad_account(Env::Sandbox, sandbox)
        .await
        .unwrap();
    let gone = store
        .list_entities(EntityQuery::new(KindId::Campaign, sandbox), all(5))
        .await
        .unwrap();
    assert!(gone.is_empty());
    let kept = store
        .list_entities(EntityQuery::new(KindId::Campaign, other), all(5))
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
}
