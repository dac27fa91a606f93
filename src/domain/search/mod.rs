//! Search over the caller's own Pins and boards (`/v5/search/pins`, `/v5/search/boards`): how text
//! becomes search terms, what a query means, and how results are ranked and paged.
//!
//! Text is folded the same way on both engines, in Rust: Unicode NFKD, combining marks dropped,
//! lower-cased, split on anything that is not a letter or digit. A Pin's terms live in the store's
//! term index, written in the same transaction as the Pin, so a search sees every write that has
//! returned. Every word of a query must match (as a whole word). Best matches come first: Pins
//! whose title holds every word, then the others, newest first within each group.

mod store;
pub use store::*;

use std::sync::Arc;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::domain::boards::{Board, Boards, Privacy};
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, PinId, UserId, parse_digits};
use crate::domain::page::{Cursor, ListKind, Pages};
use crate::domain::pins::Pin;
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, Result};

/// Search over the caller's own Pins and boards.
#[derive(Clone)]
pub struct Search {
    store: Arc<dyn SearchStore>,
    pages: Pages,
    /// Which boards the caller sees, and the boards a search finds.
    boards: Boards,
}

/// Longest term kept; longer words are cut here, in the index and in queries alike.
pub const MAX_TERM_CHARS: usize = 64;
/// Most distinct words a query may hold.
pub const MAX_QUERY_WORDS: usize = 16;
/// Most Pin ids a query may list.
pub const MAX_QUERY_IDS: usize = 250;
/// Digits an id in a query must have at least, so that a number such as "2024" stays a word.
const MIN_ID_DIGITS: usize = 10;

/// The folded words of `text`, in order of first appearance, each once.
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let folded = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase);
    for c in folded.chain(std::iter::once(' ')) {
        if c.is_alphanumeric() {
            if word.chars().count() < MAX_TERM_CHARS {
                word.push(c);
            }
        } else if !word.is_empty() {
            if !out.contains(&word) {
                out.push(std::mem::take(&mut word));
            } else {
                word.clear();
            }
        }
    }
    out
}

/// One Pin's entries in the term index: each term once, and whether its title holds it.
pub fn pin_terms(
    title: Option<&str>,
    description: Option<&str>,
    alt_text: Option<&str>,
) -> Vec<(String, bool)> {
    let in_title = terms(title.unwrap_or(""));
    let mut out: Vec<(String, bool)> = in_title.iter().map(|t| (t.clone(), true)).collect();
    for text in [description, alt_text].into_iter().flatten() {
        for t in terms(text) {
            if !out.iter().any(|(have, _)| *have == t) {
                out.push((t, false));
            }
        }
    }
    out
}

/// What a `search/pins` query asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinQuery {
    /// Pins whose title, description or alt text hold every word.
    Words(Vec<String>),
    /// The Pins with these ids (the spec's "comma-separated pin IDs").
    Ids(Vec<PinId>),
}

impl PinQuery {
    /// A comma-separated list of numbers of at least ten digits is a list of Pin ids; anything
    /// else is keywords. A query without a single word is refused.
    pub fn parse(raw: &str) -> Result<PinQuery> {
        let parts: Vec<&str> = raw
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let all_ids = !parts.is_empty()
            && parts
                .iter()
                .all(|p| p.len() >= MIN_ID_DIGITS && p.bytes().all(|b| b.is_ascii_digit()));
        if all_ids {
            let mut ids: Vec<PinId> = Vec::new();
            for p in parts {
                // Digits too large for an id name no Pin.
                let id = PinId(parse_digits(p).unwrap_or(0));
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if ids.len() > MAX_QUERY_IDS {
                return Err(Error::invalid(format!(
                    "Parameter 'query' lists {} Pin ids; list at most {MAX_QUERY_IDS}.",
                    ids.len()
                )));
            }
            return Ok(PinQuery::Ids(ids));
        }
        Ok(PinQuery::Words(query_words(raw, true)?))
    }

    /// Identifies the query inside bookmarks, so a bookmark only continues the same search.
    fn fingerprint(&self) -> Vec<u8> {
        match self {
            PinQuery::Words(w) => format!("w:{}", w.join(" ")).into_bytes(),
            PinQuery::Ids(ids) => {
                let list: Vec<String> = ids.iter().map(|i| i.0.to_string()).collect();
                format!("i:{}", list.join(",")).into_bytes()
            }
        }
    }
}

/// The distinct folded words of a query; `required` refuses a query without any.
fn query_words(raw: &str, required: bool) -> Result<Vec<String>> {
    let words = terms(raw);
    if words.is_empty() && required {
        return Err(Error::invalid(
            "Parameter 'query' must contain a word or a comma-separated list of Pin ids.",
        ));
    }
    if words.len() > MAX_QUERY_WORDS {
        return Err(Error::invalid(format!(
            "Parameter 'query' has {} words; use at most {MAX_QUERY_WORDS}.",
            words.len()
        )));
    }
    Ok(words)
}

/// Which group of results a search page reads: best matches first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchTier {
    /// Every word is in the Pin's title (the board's name).
    Title,
    /// Every word is somewhere, but not all in the title.
    Rest,
}

impl SearchTier {
    const SHIFT: u32 = 56;

    /// A bookmark position: the tier in the high byte, the item's `seq` below it.
    fn position(self, seq: i64) -> i64 {
        let tier = match self {
            SearchTier::Title => 0,
            SearchTier::Rest => 1,
        };
        (tier << Self::SHIFT) | seq
    }

    fn from_position(position: i64) -> (SearchTier, i64) {
        let tier = if position >> Self::SHIFT == 0 {
            SearchTier::Title
        } else {
            SearchTier::Rest
        };
        (tier, position & ((1 << Self::SHIFT) - 1))
    }
}

/// How the store matches Pins for one search page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinMatch {
    Words {
        terms: Vec<String>,
        tier: SearchTier,
    },
    Ids(Vec<PinId>),
}

/// One page of a Pin search as the store runs it: the owner's Pins in one environment that
/// match, on boards of the allowed privacies, newest first after the cursor.
#[derive(Debug, Clone)]
pub struct PinSearch {
    pub owner: UserId,
    pub env: Env,
    pub matching: PinMatch,
    pub include_protected: bool,
    pub include_secret: bool,
    pub cursor: Cursor,
}

/// A board's searchable text, read for every board of an owner (at most 2,000).
#[derive(Debug, Clone, PartialEq)]
pub struct BoardText {
    pub seq: i64,
    pub id: BoardId,
    pub name: String,
    pub description: Option<String>,
    pub privacy: Privacy,
}

/// A signed-bookmark context for one owner's search: the same owner and the same query.
fn search_context(owner: UserId, query: &[u8]) -> i64 {
    let mut h = Sha256::new();
    h.update(owner.0.to_be_bytes());
    h.update(query);
    let d = h.finalize();
    i64::from_be_bytes(d[..8].try_into().expect("8 bytes"))
}

/// Where a board falls for the query's words, if it matches at all.
fn board_tier(board: &BoardText, words: &[String]) -> Option<SearchTier> {
    if words.is_empty() {
        return Some(SearchTier::Title);
    }
    let name = terms(&board.name);
    if words.iter().all(|w| name.contains(w)) {
        return Some(SearchTier::Title);
    }
    let description = terms(board.description.as_deref().unwrap_or(""));
    words
        .iter()
        .all(|w| name.contains(w) || description.contains(w))
        .then_some(SearchTier::Rest)
}

impl Search {
    pub fn new(store: Arc<dyn SearchStore>, pages: Pages, boards: Boards) -> Search {
        Search {
            store,
            pages,
            boards,
        }
    }

    /// `search_user_pins/list`: the caller's own Pins matching the query, best matches first.
    /// Pins on secret boards need `pins:read_secret`; Pins on protected boards (the ad-only
    /// board) are the caller's own and are included.
    pub async fn pins(
        &self,
        caller: &Caller,
        raw_query: &str,
        page: PageRequest,
    ) -> Result<Listing<Pin>> {
        let owner = caller.user_id;
        let query = PinQuery::parse(raw_query)?;
        let context = search_context(owner, &query.fingerprint());
        let search = |matching: PinMatch, after: Option<i64>, limit: u32| PinSearch {
            owner,
            env: caller.env,
            matching,
            include_protected: true,
            include_secret: caller.reads_secret_pins(),
            cursor: Cursor { after, limit },
        };
        let listing = self
            .pages
            .list(
                &page,
                ListKind::SearchPins,
                context,
                |Cursor { after, limit }| async move {
                    let rows: Vec<(i64, Pin)> = match query {
                        PinQuery::Ids(ids) => {
                            let pins = self
                                .store
                                .search_pins(search(PinMatch::Ids(ids), after, limit))
                                .await?;
                            pins.into_iter().map(|p| (p.seq, p)).collect()
                        }
                        PinQuery::Words(words) => {
                            let (start, seq) = match after {
                                None => (SearchTier::Title, None),
                                Some(position) => {
                                    let (tier, seq) = SearchTier::from_position(position);
                                    (tier, Some(seq))
                                }
                            };
                            let mut rows = Vec::new();
                            if start == SearchTier::Title {
                                let matching = PinMatch::Words {
                                    terms: words.clone(),
                                    tier: SearchTier::Title,
                                };
                                let pins =
                                    self.store.search_pins(search(matching, seq, limit)).await?;
                                rows.extend(
                                    pins.into_iter()
                                        .map(|p| (SearchTier::Title.position(p.seq), p)),
                                );
                            }
                            if rows.len() <= limit as usize {
                                // The title matches ran out on this page: the rest follow them.
                                let rest_after = if start == SearchTier::Rest { seq } else { None };
                                let matching = PinMatch::Words {
                                    terms: words,
                                    tier: SearchTier::Rest,
                                };
                                let room = limit - rows.len() as u32;
                                let pins = self
                                    .store
                                    .search_pins(search(matching, rest_after, room))
                                    .await?;
                                rows.extend(
                                    pins.into_iter()
                                        .map(|p| (SearchTier::Rest.position(p.seq), p)),
                                );
                            }
                            rows
                        }
                    };
                    Ok(rows)
                },
                |(position, _)| *position,
            )
            .await?;
        Ok(listing.map(|(_, p)| p))
    }

    /// `search_user_boards/get`: the caller's boards whose name or description hold every word
    /// of the query (every board when there is none), boards whose name holds them first.
    pub async fn boards(
        &self,
        caller: &Caller,
        raw_query: Option<&str>,
        page: PageRequest,
    ) -> Result<Listing<Board>> {
        let owner = caller.user_id;
        let words = query_words(raw_query.unwrap_or(""), false)?;
        let context = search_context(owner, format!("b:{}", words.join(" ")).as_bytes());
        let listing = self
            .pages
            .list(
                &page,
                ListKind::SearchBoards,
                context,
                |Cursor { after, limit }| async move {
                    let visible = self.boards.visible_privacies(caller);
                    let mut ranked: Vec<(i64, BoardId)> = self
                        .store
                        .board_search_texts(owner, caller.env)
                        .await?
                        .into_iter()
                        .filter(|b| visible.contains(b.privacy))
                        .filter_map(|b| {
                            board_tier(&b, &words).map(|tier| (tier.position(b.seq), b.id))
                        })
                        .collect();
                    // Title matches (tier 0) first, newest first within a tier: ascending tier,
                    // descending seq.
                    ranked.sort_by_key(|(position, _)| {
                        let (tier, seq) = SearchTier::from_position(*position);
                        (tier == SearchTier::Rest, std::cmp::Reverse(seq))
                    });
                    let start = match after {
                        None => 0,
                        Some(after) => ranked
                            .iter()
                            .position(|(p, _)| *p == after)
                            .map(|i| i + 1)
                            // The board the bookmark stopped at is gone: resume where it would
                            // have been.
                            .unwrap_or_else(|| {
                                let (tier, seq) = SearchTier::from_position(after);
                                ranked
                                    .iter()
                                    .position(|(p, _)| {
                                        let (t, s) = SearchTier::from_position(*p);
                                        (t == SearchTier::Rest, std::cmp::Reverse(s))
                                            > (tier == SearchTier::Rest, std::cmp::Reverse(seq))
                                    })
                                    .unwrap_or(ranked.len())
                            }),
                    };
                    let window: Vec<(i64, BoardId)> = ranked
                        .into_iter()
                        .skip(start)
                        .take(limit as usize + 1)
                        .collect();
                    let mut rows = Vec::with_capacity(window.len());
                    for (position, id) in window {
                        // A board deleted since the texts were read is simply left out.
                        if let Some(board) = self.boards.listed(caller, id).await? {
                            rows.push((position, board));
                        }
                    }
                    Ok(rows)
                },
                |(p, _)| *p,
            )
            .await?;
        Ok(listing.map(|(_, b)| b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_case_and_accents_and_split_on_punctuation() {
        assert_eq!(
            terms("Crème BRÛLÉE, façon grand-mère!"),
            vec!["creme", "brulee", "facon", "grand", "mere"]
        );
        assert_eq!(terms("ﬁne Ｆｕｌｌ"), vec!["fine", "full"]);
        assert_eq!(terms("a a A"), vec!["a"]);
        assert!(terms(" ,;- ").is_empty());
    }

    #[test]
    fn long_words_are_cut_the_same_way_everywhere() {
        let long = "x".repeat(100);
        assert_eq!(terms(&long), vec!["x".repeat(MAX_TERM_CHARS)]);
    }

    #[test]
    fn pin_terms_mark_what_the_title_holds() {
        let t = pin_terms(Some("Green plant"), Some("A plant pot"), Some("Pot"));
        assert_eq!(
            t,
            vec![
                ("green".to_string(), true),
                ("plant".to_string(), true),
                ("a".to_string(), false),
                ("pot".to_string(), false),
            ]
        );
    }

    #[test]
    fn long_digit_lists_are_ids_and_short_numbers_are_words() {
        assert_eq!(
            PinQuery::parse("1234567890123, 1234567890124").unwrap(),
            PinQuery::Ids(vec![PinId(1234567890123), PinId(1234567890124)])
        );
        assert_eq!(
            PinQuery::parse("2024").unwrap(),
            PinQuery::Words(vec!["2024".into()])
        );
        assert_eq!(
            PinQuery::parse("Plants, 1234567890123").unwrap(),
            PinQuery::Words(vec!["plants".into(), "1234567890123".into()])
        );
        assert!(PinQuery::parse(" , ").is_err());
        assert!(PinQuery::parse("w").is_ok());
        let many: Vec<String> = (0..17).map(|i| format!("w{i}")).collect();
        assert!(PinQuery::parse(&many.join(" ")).is_err());
    }

    #[test]
    fn positions_keep_the_tier_above_the_seq() {
        let p = SearchTier::Rest.position(42);
        assert_eq!(SearchTier::from_position(p), (SearchTier::Rest, 42));
        assert!(SearchTier::Title.position(i64::from(u32::MAX)) < p);
    }
}
