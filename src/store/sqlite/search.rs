//! Search in SQLite: the queries of `search/pins`, over the index
//! [`search_index`](super::search_index) keeps, and of `search/boards`.
//!
//! A word query is one FTS5 MATCH per tier, scoped to the account by a token, walked newest first
//! (rowid = the Pin's seq) to the page's LIMIT: FTS5 intersects the words' postings itself, so
//! common words that never meet cost two posting-list merges, not a probe per posting.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params, params_from_iter};

use super::SqliteStore;
use crate::domain::boards::Privacy;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::pins::Pin;
use crate::domain::search::{BoardText, PinMatch, PinSearch, SearchStore};
use crate::domain::storage::StoreResult;
use crate::store::sql::pin_search::privacy_condition;
use crate::store::sqlite::errors::backend;
use crate::store::sqlite::pin_rows::pin_by_seq;
use crate::store::sqlite::search_index::fts_query;
use async_trait::async_trait;

pub fn search_pins(conn: &Connection, search: &PinSearch) -> StoreResult<Vec<Pin>> {
    let mut args: Vec<SqlValue> = vec![search.owner.0.into(), search.env.code().into()];
    let sql = match &search.matching {
        PinMatch::Ids(ids) => {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut sql = String::from(
                "SELECT p.seq FROM pins p JOIN boards b ON b.id = p.board_id
                 WHERE p.owner_id = ?1 AND p.env = ?2 AND p.id IN (",
            );
            for (i, id) in ids.iter().enumerate() {
                sql.push_str(if i == 0 { "?" } else { ", ?" });
                args.push(id.0.into());
            }
            sql.push(')');
            sql.push_str(&format!(" AND {}", privacy_condition(search)));
            if let Some(after) = search.cursor.after {
                sql.push_str(" AND p.seq < ?");
                args.push(after.into());
            }
            sql.push_str(" ORDER BY p.seq DESC LIMIT ?");
            sql
        }
        PinMatch::Words { terms, tier } => {
            if terms.is_empty() {
                return Ok(Vec::new());
            }
            args = vec![fts_query(search.owner, search.env, terms, *tier).into()];
            // FTS5 walks its matches newest first (rowid = seq) and stops at the LIMIT.
            let mut sql = format!(
                "SELECT f.rowid FROM pin_fts f
                 CROSS JOIN pins p ON p.seq = f.rowid
                 JOIN boards b ON b.id = p.board_id
                 WHERE pin_fts MATCH ?1 AND {}",
                privacy_condition(search)
            );
            if let Some(after) = search.cursor.after {
                sql.push_str(" AND f.rowid < ?");
                args.push(after.into());
            }
            sql.push_str(" ORDER BY f.rowid DESC LIMIT ?");
            sql
        }
    };
    args.push((search.cursor.limit as i64 + 1).into());
    let seqs: Vec<i64> = conn
        .prepare_cached(&sql)
        .and_then(|mut s| s.query_map(params_from_iter(args), |r| r.get(0))?.collect())
        .map_err(backend)?;
    let mut out = Vec::with_capacity(seqs.len());
    for seq in seqs {
        if let Some(pin) = pin_by_seq(conn, seq)? {
            out.push(pin);
        }
    }
    Ok(out)
}

pub fn board_search_texts(
    conn: &Connection,
    owner: UserId,
    env: Env,
) -> StoreResult<Vec<BoardText>> {
    conn.prepare_cached(
        "SELECT seq, id, name, description, privacy FROM boards WHERE owner_id = ?1 AND env = ?2",
    )
    .and_then(|mut s| {
        s.query_map(params![owner.0, env.code()], |r| {
            Ok(BoardText {
                seq: r.get(0)?,
                id: BoardId(r.get(1)?),
                name: r.get(2)?,
                description: r.get(3)?,
                privacy: Privacy::parse(r.get_ref(4)?.as_str()?).unwrap_or(Privacy::Secret),
            })
        })?
        .collect()
    })
    .map_err(backend)
}

#[async_trait]
impl SearchStore for SqliteStore {
    async fn search_pins(&self, search: PinSearch) -> StoreResult<Vec<Pin>> {
        self.engine.read(move |c| search_pins(c, &search)).await
    }

    async fn board_search_texts(&self, owner: UserId, env: Env) -> StoreResult<Vec<BoardText>> {
        self.engine
            .read(move |c| board_search_texts(c, owner, env))
            .await
    }
}
