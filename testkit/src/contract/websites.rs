//! Store contract cases for the websites users claim.

use super::{S, T0, user};
use pinbox::clock::Timestamp;
use pinbox::domain::page::Cursor;
use pinbox::domain::websites::WebsiteName;

fn site(name: &str) -> WebsiteName {
    WebsiteName::parse(name).unwrap()
}

fn first(limit: u32) -> Cursor {
    Cursor { after: None, limit }
}

pub async fn websites_are_claimed_once_per_user_listed_newest_first_and_unclaimed(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let shop = store
        .claim_website(alice.id, site("shop.example"), T0)
        .await
        .unwrap();
    assert_eq!((shop.name.as_str(), shop.verified_at), ("shop.example", T0));
    let later = Timestamp(T0.0 + 1000);
    // A second claim keeps the first, with its time and position.
    let again = store
        .claim_website(alice.id, site("shop.example"), later)
        .await
        .unwrap();
    assert_eq!((again.seq, again.verified_at), (shop.seq, T0));
    store
        .claim_website(alice.id, site("blog.example/recipes"), later)
        .await
        .unwrap();
    // Another user may claim the same site.
    store
        .claim_website(bob.id, site("shop.example"), later)
        .await
        .unwrap();

    let page = store.list_websites(alice.id, first(1)).await.unwrap();
    let names: Vec<&str> = page.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        names,
        ["blog.example/recipes", "shop.example"],
        "limit + 1 rows"
    );
    let rest = store
        .list_websites(
            alice.id,
            Cursor {
                after: Some(page[0].seq),
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].name.as_str(), "shop.example");

    assert!(
        store
            .unclaim_website(alice.id, site("shop.example"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .unclaim_website(alice.id, site("shop.example"))
            .await
            .unwrap()
    );
    let left = store.list_websites(alice.id, first(10)).await.unwrap();
    assert_eq!(left.len(), 1);
    let bobs = store.list_websites(bob.id, first(10)).await.unwrap();
    assert_eq!(bobs.len(), 1, "another user's claim is theirs");
}
