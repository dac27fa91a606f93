//! Wire shapes shared by several resources: paginated lists and the board owner.

use serde::Serialize;

use crate::domain::Listing;

/// The spec's `Paginated`: `items` and the `bookmark` of the next page (`null` on the last).
#[derive(Serialize)]
pub struct Paginated<T> {
    pub items: Vec<T>,
    pub bookmark: Option<String>,
}

impl<T> Paginated<T> {
    pub fn from_listing<U>(listing: Listing<U>, f: impl FnMut(U) -> T) -> Paginated<T> {
        Paginated {
            items: listing.items.into_iter().map(f).collect(),
            bookmark: listing.bookmark,
        }
    }
}

#[derive(Serialize)]
pub struct Owner {
    pub username: String,
}
