//! Store contract cases for asynchronous ads reports.

use super::{S, T0, user};
use pinbox::clock::Timestamp;
use pinbox::domain::ad_accounts::{AdAccount, NewAdAccount};
use pinbox::domain::ads_reports::StoredReport;
use pinbox::domain::env::Env;
use pinbox::domain::ids::{AdAccountId, UserId};
use pinbox::domain::storage::*;

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

fn report(token: &str, account: &AdAccount) -> StoredReport {
    StoredReport {
        token: token.to_string(),
        ad_account_id: account.id,
        env: account.env,
        request: r#"{"level":"CAMPAIGN"}"#.to_string(),
        created_at: T0,
        ready_at: Timestamp(T0.0 + 2_000),
        expires_at: Timestamp(T0.0 + 3_602_000),
    }
}

pub async fn reports_are_kept_by_token_with_their_request_and_instants(store: S) {
    let alice = user(&store, "alice").await;
    let acct = account(&store, alice.id, Env::Production).await;
    let sandbox = account(&store, alice.id, Env::Sandbox).await;
    let a = report("aaaa", &acct);
    let b = report("bbbb", &sandbox);
    store.create_report(a.clone()).await.unwrap();
    store.create_report(b.clone()).await.unwrap();
    assert_eq!(store.report("aaaa".into()).await.unwrap(), Some(a));
    assert_eq!(store.report("bbbb".into()).await.unwrap(), Some(b));
    assert_eq!(store.report("cccc".into()).await.unwrap(), None);
    // An ad account that does not exist (or not in that environment) keeps no report.
    let mut stray = report("dddd", &acct);
    stray.env = Env::Sandbox;
    assert!(matches!(
        store.create_report(stray).await,
        Err(StoreError::NotFound(_))
    ));
    let mut stray = report("eeee", &acct);
    stray.ad_account_id = AdAccountId(acct.id.0 + 1);
    assert!(matches!(
        store.create_report(stray).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.report("dddd".into()).await.unwrap(), None);
}

pub async fn deleting_an_ad_account_deletes_its_reports(store: S) {
    let alice = user(&store, "alice").await;
    let gone = account(&store, alice.id, Env::Sandbox).await;
    let kept = account(&store, alice.id, Env::Sandbox).await;
    store.create_report(report("gone", &gone)).await.unwrap();
    store.create_report(report("kept", &kept)).await.unwrap();
    store
        .delete_ad_account(Env::Sandbox, gone.id)
        .await
        .unwrap();
    assert_eq!(store.report("gone".into()).await.unwrap(), None);
    assert!(store.report("kept".into()).await.unwrap().is_some());
}
