//! Store contract cases for search: the Pin term index stays exact through every Pin
//! write, and searches match, rank and page the same on every engine.

use super::{S, T0, new_board, new_pin, public_board, secret_board, user};
use pinbox::domain::boards::Privacy;
use pinbox::domain::env::Env;
use pinbox::domain::ids::{PinId, UserId};
use pinbox::domain::page::Cursor;
use pinbox::domain::pins::{NewPin, PinChanges};
use pinbox::domain::search::{PinMatch, PinSearch, SearchTier, terms};

fn words(
    owner: UserId,
    query: &str,
    tier: SearchTier,
    after: Option<i64>,
    limit: u32,
) -> PinSearch {
    PinSearch {
        owner,
        env: Env::Production,
        matching: PinMatch::Words {
            terms: terms(query),
            tier,
        },
        include_protected: true,
        include_secret: true,
        cursor: Cursor { after, limit },
    }
}

async fn titles(store: &S, search: PinSearch) -> Vec<String> {
    store
        .search_pins(search)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.title.unwrap_or_default())
        .collect()
}

fn described(mut pin: NewPin, description: &str, alt: Option<&str>) -> NewPin {
    pin.description = Some(description.to_string());
    pin.alt_text = alt.map(str::to_string);
    pin
}

pub async fn pin_search_matches_every_word_by_tier_newest_first(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let b = public_board(&store, &alice, "b").await;
    let bb = public_board(&store, &bob, "bb").await;
    let pins = [
        described(new_pin(&alice, b, None, "Crème Brûlée", 1), "dessert", None),
        described(
            new_pin(&alice, b, None, "Dinner", 2),
            "creme brulee for two",
            None,
        ),
        described(
            new_pin(&alice, b, None, "Photo", 3),
            "nothing",
            Some("CRÈME brûlée close-up"),
        ),
        described(new_pin(&alice, b, None, "Creme", 4), "no second word", None),
        described(new_pin(&alice, b, None, "Brulee creme again", 5), "", None),
    ];
    for p in pins {
        store.create_pin(p, 1000).await.unwrap();
    }
    store
        .create_pin(new_pin(&bob, bb, None, "creme brulee", 6), 1000)
        .await
        .unwrap();

    // Titles holding every word, newest first; then the rest, newest first. Bob's never.
    assert_eq!(
        titles(
            &store,
            words(alice.id, "creme BRULEE", SearchTier::Title, None, 10)
        )
        .await,
        vec!["Brulee creme again", "Crème Brûlée"]
    );
    assert_eq!(
        titles(
            &store,
            words(alice.id, "crème brûlée", SearchTier::Rest, None, 10)
        )
        .await,
        vec!["Photo", "Dinner"]
    );
    // Keyset: after the newest, one more than the limit says another page exists.
    let first = store
        .search_pins(words(alice.id, "creme", SearchTier::Rest, None, 1))
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    let next = store
        .search_pins(words(
            alice.id,
            "creme",
            SearchTier::Rest,
            Some(first[0].seq),
            1,
        ))
        .await
        .unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].id, first[1].id);
    assert!(
        titles(
            &store,
            words(alice.id, "creme pie", SearchTier::Rest, None, 10)
        )
        .await
        .is_empty()
    );
    // Other environment: nothing.
    let mut sandbox = words(alice.id, "creme", SearchTier::Title, None, 10);
    sandbox.env = Env::Sandbox;
    assert!(store.search_pins(sandbox).await.unwrap().is_empty());
}

pub async fn the_term_index_follows_edits_deletes_and_imports(store: S) {
    let alice = user(&store, "alice").await;
    let b = public_board(&store, &alice, "b").await;
    let other = public_board(&store, &alice, "other").await;
    let pin = store
        .create_pin(new_pin(&alice, b, None, "Old title", 1), 1000)
        .await
        .unwrap();
    let find = |q: &'static str| words(alice.id, q, SearchTier::Title, None, 10);
    assert_eq!(titles(&store, find("old")).await, vec!["Old title"]);

    store
        .update_pin(
            Env::Production,
            pin.id,
            PinChanges {
                title: Some(Some("Fresh name".into())),
                ..PinChanges::default()
            },
            T0,
        )
        .await
        .unwrap();
    assert!(titles(&store, find("old")).await.is_empty());
    assert_eq!(titles(&store, find("fresh")).await, vec!["Fresh name"]);

    // A move keeps the Pin findable.
    store
        .update_pin(
            Env::Production,
            pin.id,
            PinChanges {
                board_id: Some(other),
                ..PinChanges::default()
            },
            T0,
        )
        .await
        .unwrap();
    assert_eq!(titles(&store, find("fresh")).await, vec!["Fresh name"]);

    store.delete_pin(Env::Production, pin.id, T0).await.unwrap();
    assert!(titles(&store, find("fresh")).await.is_empty());

    // Imported Pins are indexed; deleting their board takes them out.
    let imported: Vec<NewPin> = (0..3)
        .map(|i| new_pin(&alice, b, None, &format!("Imported {i}"), 10 + i))
        .collect();
    store.import_pins(imported).await.unwrap();
    assert_eq!(
        titles(&store, find("imported")).await,
        vec!["Imported 2", "Imported 1", "Imported 0"]
    );
    store.delete_board(Env::Production, b).await.unwrap();
    assert!(titles(&store, find("imported")).await.is_empty());
}

pub async fn pin_search_by_ids_and_by_privacy(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let public = public_board(&store, &alice, "public").await;
    let secret = secret_board(&store, &alice, "secret").await;
    let bb = public_board(&store, &bob, "bb").await;
    let a = store
        .create_pin(new_pin(&alice, public, None, "shared word", 1), 100)
        .await
        .unwrap();
    let s = store
        .create_pin(new_pin(&alice, secret, None, "shared word", 2), 100)
        .await
        .unwrap();
    let theirs = store
        .create_pin(new_pin(&bob, bb, None, "shared word", 3), 100)
        .await
        .unwrap();

    let mut search = words(alice.id, "shared", SearchTier::Title, None, 10);
    assert_eq!(store.search_pins(search.clone()).await.unwrap().len(), 2);
    search.include_secret = false;
    let only = store.search_pins(search).await.unwrap();
    assert_eq!(only.iter().map(|p| p.id).collect::<Vec<_>>(), vec![a.id]);

    let by_ids = PinSearch {
        matching: PinMatch::Ids(vec![a.id, s.id, theirs.id, PinId(12345)]),
        ..words(alice.id, "x", SearchTier::Title, None, 10)
    };
    let found = store.search_pins(by_ids.clone()).await.unwrap();
    assert_eq!(
        found.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![s.id, a.id]
    );
    let paged = PinSearch {
        cursor: Cursor {
            after: Some(s.seq),
            limit: 10,
        },
        ..by_ids
    };
    let rest = store.search_pins(paged).await.unwrap();
    assert_eq!(rest.iter().map(|p| p.id).collect::<Vec<_>>(), vec![a.id]);
}

pub async fn board_search_texts_are_the_owners_boards_in_one_environment(store: S) {
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let mut b = new_board(&alice, "Kitchen ideas", Privacy::Secret, Env::Production);
    b.description = Some("Crème".into());
    let kitchen = store.create_board(b, 10).await.unwrap();
    store
        .create_board(
            new_board(&alice, "Sandboxed", Privacy::Public, Env::Sandbox),
            10,
        )
        .await
        .unwrap();
    public_board(&store, &bob, "Bob's").await;
    let texts = store
        .board_search_texts(alice.id, Env::Production)
        .await
        .unwrap();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].id, kitchen.id);
    assert_eq!(texts[0].seq, kitchen.seq);
    assert_eq!(texts[0].name, "Kitchen ideas");
    assert_eq!(texts[0].description.as_deref(), Some("Crème"));
    assert_eq!(texts[0].privacy, Privacy::Secret);
}

/// Every page of `search`, followed by its keyset, as titles.
async fn all_pages(store: &S, mut search: PinSearch) -> Vec<String> {
    let limit = search.cursor.limit as usize;
    let mut out = Vec::new();
    loop {
        let page = store.search_pins(search.clone()).await.unwrap();
        let more = page.len() > limit;
        let shown = &page[..page.len().min(limit)];
        out.extend(shown.iter().map(|p| p.title.clone().unwrap_or_default()));
        match shown.last() {
            Some(last) if more => search.cursor.after = Some(last.seq),
            _ => return out,
        }
    }
}

/// Enough Pins that an engine cannot hold every match of a common word in one sorted batch:
/// pages stay newest first and complete whether the words are in every Pin, in the oldest few
/// thousand only (behind thousands of newer Pins without them), or on boards not shown.
pub async fn pin_search_pages_through_thousands_of_matches(store: S) {
    const N: usize = 12_000;
    const OLD: usize = 2_500;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let public = public_board(&store, &alice, "public").await;
    let secret = secret_board(&store, &alice, "secret").await;
    let bb = public_board(&store, &bob, "bb").await;
    let on_secret = |i: usize| i.is_multiple_of(7);
    let imported: Vec<NewPin> = (0..N)
        .map(|i| {
            let board = if on_secret(i) { secret } else { public };
            let pin = new_pin(&alice, board, None, &format!("common {i}"), i as i64);
            described(pin, if i < OLD { "old" } else { "new" }, None)
        })
        .collect();
    store.import_pins(imported).await.unwrap();
    let theirs: Vec<NewPin> = (0..100)
        .map(|i| described(new_pin(&bob, bb, None, "common", i), "old", None))
        .collect();
    store.import_pins(theirs).await.unwrap();

    let every = all_pages(
        &store,
        words(alice.id, "common", SearchTier::Title, None, 250),
    )
    .await;
    let expected: Vec<String> = (0..N).rev().map(|i| format!("common {i}")).collect();
    assert_eq!(every.len(), N);
    assert_eq!(every, expected);

    let mut old_public = words(alice.id, "OLD", SearchTier::Rest, None, 100);
    old_public.include_secret = false;
    let expected: Vec<String> = (0..OLD)
        .rev()
        .filter(|i| !on_secret(*i))
        .map(|i| format!("common {i}"))
        .collect();
    assert_eq!(all_pages(&store, old_public).await, expected);

    assert!(
        titles(
            &store,
            words(alice.id, "common old", SearchTier::Title, None, 25)
        )
        .await
        .is_empty()
    );
    let both = all_pages(
        &store,
        words(alice.id, "old common", SearchTier::Rest, None, 250),
    )
    .await;
    assert_eq!(both.len(), OLD);
}
