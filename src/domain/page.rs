//! Bookmark pagination as Pinterest does it: `page_size` from 1 to 250 (25 by default) and an
//! opaque bookmark. A bookmark names the list it belongs to and the last item seen, and is signed
//! so that a forged or foreign bookmark is refused instead of walking someone else's list.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// A page of results as the API returns it: items and the bookmark of the next page, if any.
#[derive(Debug, Clone)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub bookmark: Option<String>,
}

impl<T> Listing<T> {
    /// The same page with each item turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listing<U> {
        Listing {
            items: self.items.into_iter().map(f).collect(),
            bookmark: self.bookmark,
        }
    }
}

/// What a client asked for: a page size already checked and the raw bookmark, if any.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub page_size: u32,
    pub bookmark: Option<String>,
}

/// Pages the domain's lists: reads the bookmark a client sent back, and signs the next one.
/// Every keyset-paged list goes through [`Pages::list`].
#[derive(Clone)]
pub struct Pages {
    key: BookmarkKey,
}

impl Pages {
    pub fn new(key: BookmarkKey) -> Pages {
        Pages { key }
    }

    /// One page of a list kept in `seq` order (each item's position): resumes after the position the bookmark names,
    /// asks `fetch` for up to one row more than the page holds (the extra row only says another
    /// page follows), and signs the next page's bookmark. `context` is what the list is of (an
    /// owner, a board): a bookmark of another list, or of the same list of someone else, is
    /// refused.
    pub async fn list<T, Fut>(
        &self,
        request: &PageRequest,
        kind: ListKind,
        context: i64,
        fetch: impl FnOnce(Cursor) -> Fut,
        seq: impl Fn(&T) -> i64,
    ) -> Result<Listing<T>>
    where
        Fut: Future<Output = Result<Vec<T>>>,
    {
        let after = self.resume_after(request, kind, context)?;
        let rows = fetch(Cursor {
            after,
            limit: request.page_size,
        })
        .await?;
        Ok(self.listing(Page::from_rows(rows, request.page_size, seq), kind, context))
    }

    /// Where a list resumes: nowhere for the first page, else the position a valid bookmark names.
    pub fn resume_after(
        &self,
        request: &PageRequest,
        kind: ListKind,
        context: i64,
    ) -> Result<Option<i64>> {
        match request.bookmark.as_deref() {
            None | Some("") => Ok(None),
            Some(b) => self.key.decode(b, kind, context).map(Some),
        }
    }

    /// Turns a page into what the API returns, signing the next bookmark.
    pub fn listing<T>(&self, page: Page<T>, kind: ListKind, context: i64) -> Listing<T> {
        Listing {
            bookmark: page
                .next_after
                .map(|after| self.key.encode(kind, context, after)),
            items: page.items,
        }
    }
}

pub const DEFAULT_PAGE_SIZE: u32 = 25;
pub const MAX_PAGE_SIZE: u32 = 250;

/// Which list a bookmark continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Boards,
    Sections,
    BoardPins,
    SectionPins,
    UserPins,
    Media,
    SearchPins,
    SearchBoards,
    Followers,
    Following,
    FollowingBoards,
    AdAccounts,
    Websites,
    /// An ads entity kind's list (by the kind's stored code) in one order.
    AdsEntities {
        kind: u8,
        ascending: bool,
    },
}

impl ListKind {
    /// The byte a bookmark carries: distinct for every list, and for each order of one.
    fn code(self) -> u8 {
        match self {
            ListKind::Boards => 1,
            ListKind::Sections => 2,
            ListKind::BoardPins => 3,
            ListKind::SectionPins => 4,
            ListKind::UserPins => 5,
            ListKind::Media => 6,
            ListKind::SearchPins => 7,
            ListKind::SearchBoards => 8,
            ListKind::Followers => 9,
            ListKind::Following => 10,
            ListKind::FollowingBoards => 11,
            ListKind::AdAccounts => 12,
            ListKind::Websites => 13,
            ListKind::AdsEntities { kind, ascending } => 64 + 2 * (kind & 63) + ascending as u8,
        }
    }
}

/// Where the next page starts: after the item at `after` in the list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub after: Option<i64>,
    pub limit: u32,
}

/// One page of a list, and the key of its last item when more may follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_after: Option<i64>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in list order: the extra row only
    /// says that another page exists.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> i64) -> Page<T> {
        let limit = limit as usize;
        if rows.len() > limit {
            rows.truncate(limit);
            let next_after = rows.last().map(&key);
            Page {
                items: rows,
                next_after,
            }
        } else {
            Page {
                items: rows,
                next_after: None,
            }
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_after: self.next_after,
        }
    }
}

/// Signs and checks bookmarks with a key shared by every replica (kept in the store).
#[derive(Clone)]
pub struct BookmarkKey {
    key: [u8; 32],
}

const VERSION: u8 = 1;
const TAG_LEN: usize = 12;
const BODY_LEN: usize = 1 + 1 + 8 + 8;

type HmacSha256 = Hmac<Sha256>;

impl BookmarkKey {
    pub fn new(key: [u8; 32]) -> BookmarkKey {
        BookmarkKey { key }
    }

    pub fn encode(&self, kind: ListKind, context: i64, after: i64) -> String {
        let mut buf = Vec::with_capacity(BODY_LEN + TAG_LEN);
        buf.push(VERSION);
        buf.push(kind.code());
        buf.extend_from_slice(&context.to_be_bytes());
        buf.extend_from_slice(&after.to_be_bytes());
        let tag = self.tag(&buf);
        buf.extend_from_slice(&tag[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(buf)
    }

    /// The position a bookmark resumes after, if it is one this server issued for this very list.
    pub fn decode(&self, bookmark: &str, kind: ListKind, context: i64) -> Result<i64> {
        let bad = || {
            Error::invalid(
                "Invalid bookmark: it is malformed or belongs to a different list. \
                 Pass the bookmark returned by the previous page of this same list, or omit it to start over.",
            )
        };
        let raw = URL_SAFE_NO_PAD
            .decode(bookmark.trim_end_matches('='))
            .map_err(|_| bad())?;
        if raw.len() != BODY_LEN + TAG_LEN || raw[0] != VERSION {
            return Err(bad());
        }
        let (body, tag) = raw.split_at(BODY_LEN);
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length works");
        mac.update(body);
        mac.verify_truncated_left(tag).map_err(|_| bad())?;
        let ctx = i64::from_be_bytes(body[2..10].try_into().expect("8 bytes"));
        if body[1] != kind.code() || ctx != context {
            return Err(bad());
        }
        Ok(i64::from_be_bytes(
            body[10..18].try_into().expect("8 bytes"),
        ))
    }

    fn tag(&self, body: &[u8]) -> [u8; 32] {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length works");
        mac.update(body);
        mac.finalize().into_bytes().into()
    }
}

/// Checks a `page_size` value given as text, naming the parameter as Pinterest does.
pub fn parse_page_size(raw: Option<&str>) -> Result<u32> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_PAGE_SIZE);
    };
    let n: i64 = raw.trim().parse().map_err(|_| {
        Error::invalid(format!(
            "Parameter 'page_size' was not numeric (was {raw}). Use a whole number from 1 to {MAX_PAGE_SIZE}."
        ))
    })?;
    if !(1..=MAX_PAGE_SIZE as i64).contains(&n) {
        return Err(Error::invalid(format!(
            "Parameter 'page_size' must be between 1 and {MAX_PAGE_SIZE} (was {n})."
        )));
    }
    Ok(n as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> BookmarkKey {
        BookmarkKey::new([7; 32])
    }

    #[test]
    fn bookmarks_round_trip_for_their_own_list() {
        let b = key().encode(ListKind::Boards, 42, 1000);
        assert_eq!(key().decode(&b, ListKind::Boards, 42).unwrap(), 1000);
    }

    #[test]
    fn foreign_or_forged_bookmarks_are_refused() {
        let b = key().encode(ListKind::Boards, 42, 1000);
        assert!(key().decode(&b, ListKind::Boards, 43).is_err());
        assert!(key().decode(&b, ListKind::Sections, 42).is_err());
        assert!(
            BookmarkKey::new([8; 32])
                .decode(&b, ListKind::Boards, 42)
                .is_err()
        );
        assert!(
            key()
                .decode("not a bookmark", ListKind::Boards, 42)
                .is_err()
        );
        let mut forged = b.into_bytes();
        forged[5] = if forged[5] == b'A' { b'B' } else { b'A' };
        assert!(
            key()
                .decode(std::str::from_utf8(&forged).unwrap(), ListKind::Boards, 42)
                .is_err()
        );
    }

    #[test]
    fn page_sizes_are_checked() {
        assert_eq!(parse_page_size(None).unwrap(), 25);
        assert_eq!(parse_page_size(Some("250")).unwrap(), 250);
        assert!(parse_page_size(Some("0")).is_err());
        assert!(parse_page_size(Some("251")).is_err());
        let e = parse_page_size(Some("3e")).unwrap_err();
        assert!(e.message.contains("was not numeric (was 3e)"));
    }

    #[test]
    fn pages_keep_the_extra_row_only_as_a_signal() {
        let p = Page::from_rows(vec![5, 4, 3], 2, |x| *x as i64);
        assert_eq!(p.items, vec![5, 4]);
        assert_eq!(p.next_after, Some(4));
        let last = Page::from_rows(vec![2, 1], 2, |x| *x as i64);
        assert_eq!(last.next_after, None);
    }
}
