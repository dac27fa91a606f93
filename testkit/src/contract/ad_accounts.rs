//! Store contract cases for ad accounts.

use super::{S, T0, user};
use pinbox::domain::ad_accounts::NewAdAccount;
use pinbox::domain::env::Env;
use pinbox::domain::ids::{AdAccountId, UserId};
use pinbox::domain::page::Cursor;
use pinbox::domain::storage::*;

fn new_account(owner: UserId, env: Env, name: &str) -> NewAdAccount {
    NewAdAccount {
        id: AdAccountId::random_short(),
        owner_id: owner,
        env,
        name: name.to_string(),
        country: "US".into(),
        currency: "USD".into(),
        created_at: T0,
    }
}

pub async fn ad_accounts_are_kept_per_owner_and_environment(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let first = store
        .create_ad_account(new_account(alice.id, Env::Production, "one"))
        .await
        .unwrap();
    assert_eq!(first.owner_username, "alice");
    assert_eq!(first.name, "one");
    assert_eq!((first.created_at, first.updated_at), (T0, T0));
    let second = store
        .create_ad_account(new_account(alice.id, Env::Production, "two"))
        .await
        .unwrap();
    store
        .create_ad_account(new_account(alice.id, Env::Sandbox, "sandboxed"))
        .await
        .unwrap();
    store
        .create_ad_account(new_account(bob.id, Env::Production, "bob's"))
        .await
        .unwrap();

    assert_eq!(
        store.ad_account(Env::Production, first.id).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        store.ad_account(Env::Sandbox, first.id).await.unwrap(),
        None
    );

    // Newest first, one more than the limit to tell that another page exists.
    let page = store
        .list_ad_accounts(
            alice.id,
            Env::Production,
            Cursor {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![second.id, first.id]
    );
    let rest = store
        .list_ad_accounts(
            alice.id,
            Env::Production,
            Cursor {
                after: Some(second.seq),
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![first.id]
    );
}

pub async fn deleting_an_ad_account_removes_it_from_its_environment_only(store: S) {
    let alice = user(&store, "alice").await;
    let prod = store
        .create_ad_account(new_account(alice.id, Env::Production, "prod"))
        .await
        .unwrap();
    let sandbox = store
        .create_ad_account(new_account(alice.id, Env::Sandbox, "sandbox"))
        .await
        .unwrap();
    assert!(matches!(
        store.delete_ad_account(Env::Sandbox, prod.id).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .delete_ad_account(Env::Sandbox, sandbox.id)
        .await
        .unwrap();
    assert_eq!(
        store.ad_account(Env::Sandbox, sandbox.id).await.unwrap(),
        None
    );
    assert!(
        store
            .ad_account(Env::Production, prod.id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        store.delete_ad_account(Env::Sandbox, sandbox.id).await,
        Err(StoreError::NotFound(_))
    ));
}
