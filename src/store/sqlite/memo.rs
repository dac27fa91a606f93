//! The memo a reader keeps of the small lookups a Pin's answer needs besides its row (its board's
//! privacy, its owner's username), valid for as long as the reader's snapshot.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use crate::domain::boards::Privacy;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::storage::StoreResult;
use crate::store::sqlite::errors::backend;

/// Boards' privacy and owners' usernames as one reader's snapshot shows them, kept for as long as
/// that snapshot lasts (the same snapshot always gives the same answers, so nothing kept here
/// can be stale). Reading one Pin then touches the Pin's row only: the board and owner lookups
/// of the join were a large share of the instructions `GET /v5/pins/{id}` runs.
#[derive(Default)]
pub struct JoinMemo {
    privacy: HashMap<i64, Privacy>,
    usernames: HashMap<i64, String>,
}

/// Past this many entries the memo starts over, so that a long snapshot cannot grow it unbounded.
const MEMO_ENTRIES: usize = 4_096;

impl JoinMemo {
    /// Forgets everything: the reader's snapshot ended.
    pub fn clear(&mut self) {
        self.privacy.clear();
        self.usernames.clear();
    }

    pub fn privacy(&mut self, conn: &Connection, board: BoardId) -> StoreResult<Option<Privacy>> {
        remembered(&mut self.privacy, board.0, || {
            conn.prepare_cached("SELECT privacy FROM boards WHERE id = ?1")
                .and_then(|mut s| {
                    s.query_row([board.0], |r| {
                        Ok(Privacy::parse(r.get_ref(0)?.as_str()?).unwrap_or(Privacy::Secret))
                    })
                    .optional()
                })
                .map_err(backend)
        })
    }

    pub fn username(&mut self, conn: &Connection, user: UserId) -> StoreResult<Option<String>> {
        remembered(&mut self.usernames, user.0, || {
            conn.prepare_cached("SELECT username FROM users WHERE id = ?1")
                .and_then(|mut s| s.query_row([user.0], |r| r.get(0)).optional())
                .map_err(backend)
        })
    }
}

/// The value `memo` keeps for `key`, or what `fetch` reads, kept when there is one.
fn remembered<V: Clone>(
    memo: &mut HashMap<i64, V>,
    key: i64,
    fetch: impl FnOnce() -> StoreResult<Option<V>>,
) -> StoreResult<Option<V>> {
    if let Some(v) = memo.get(&key) {
        return Ok(Some(v.clone()));
    }
    let found = fetch()?;
    if let Some(v) = &found {
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert(key, v.clone());
    }
    Ok(found)
}
