//! Search in SQLite: the Pin index (`pin_fts`, FTS5, migration 0011), kept exact by the Pin
//! writes that call [`index_pin`] in their own transaction, and the queries of `search/pins` and
//! `search/boards`.
//!
//! A word query is one FTS5 MATCH per tier, scoped to the account by a token, walked newest first
//! (rowid = the Pin's seq) to the page's LIMIT: FTS5 intersects the words' postings itself, so
//! common words that never meet cost two posting-list merges, not a probe per posting.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::SqliteStore;
use crate::domain::boards::Privacy;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::pins::Pin;
use crate::domain::search::SearchStore;
use crate::domain::search::{BoardText, PinMatch, PinSearch, SearchTier, pin_terms};
use crate::domain::storage::StoreResult;
use crate::store::sqlite::engine::backend;
use crate::store::sqlite::pins;
use async_trait::async_trait;

/// (Re)writes one Pin's entry in the FTS5 index from its text.
pub fn index_pin(
    conn: &Connection,
    seq: i64,
    owner: UserId,
    env: Env,
    title: Option<&str>,
    description: Option<&str>,
    alt_text: Option<&str>,
) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM pin_fts WHERE rowid = ?1")
        .and_then(|mut s| s.execute([seq]))
        .map_err(backend)?;
    let terms = pin_terms(title, description, alt_text);
    if terms.is_empty() {
        return Ok(());
    }
    let mut tokens = Vec::with_capacity(terms.len() * 2);
    for (term, in_title) in &terms {
        tokens.push(token(owner, env, ANYWHERE, term));
        if *in_title {
            tokens.push(token(owner, env, IN_TITLE, term));
        }
    }
    conn.prepare_cached("INSERT INTO pin_fts (rowid, tokens) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![seq, tokens.join(" ")]))
        .map_err(backend)?;
    Ok(())
}

/// The mark of a token for a term anywhere in the Pin, and of one for a term of its title.
/// Neither is a letter or digit, so no folded term holds them (see migration 0011).
const ANYWHERE: char = '·';
const IN_TITLE: char = '¶';

/// One index token: the term within one account's Pins, anywhere or in titles.
fn token(owner: UserId, env: Env, mark: char, term: &str) -> String {
    format!("{}e{}{mark}{term}", owner.0, env.code())
}

/// The FTS5 query of one tier: every word in the title, or every word somewhere but not every
/// word in the title. Tokens hold letters, digits and the marks only: safe inside quotes.
fn fts_query(owner: UserId, env: Env, words: &[String], tier: SearchTier) -> String {
    let all = |mark: char| {
        words
            .iter()
            .map(|w| format!("\"{}\"", token(owner, env, mark, w)))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    match tier {
        SearchTier::Title => all(IN_TITLE),
        SearchTier::Rest => format!("({}) NOT ({})", all(ANYWHERE), all(IN_TITLE)),
    }
}

/// Indexes the Pins written before the index existed, once (migration 0009 left the marker out).
pub fn backfill(conn: &Connection) -> StoreResult<()> {
    let done: Option<String> = conn
        .query_row(
            "SELECT name FROM search_index_state WHERE name = 'pins'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(backend)?;
    if done.is_some() {
        return Ok(());
    }
    // IMMEDIATE: a server and a CLI opening the file at once index it only once.
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
        .map_err(backend)?;
    let again: Option<String> = tx
        .query_row(
            "SELECT name FROM search_index_state WHERE name = 'pins'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(backend)?;
    if again.is_some() {
        return Ok(());
    }
    {
        let mut stmt = tx
            .prepare("SELECT seq, owner_id, env, title, description, alt_text FROM pins")
            .map_err(backend)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    UserId(r.get(1)?),
                    Env::from_code(r.get(2)?),
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(backend)?;
        for row in rows {
            let (seq, owner, env, title, description, alt) = row.map_err(backend)?;
            index_pin(
                &tx,
                seq,
                owner,
                env,
                title.as_deref(),
                description.as_deref(),
                alt.as_deref(),
            )?;
        }
    }
    tx.execute("INSERT INTO search_index_state (name) VALUES ('pins')", [])
        .map_err(backend)?;
    tx.commit().map_err(backend)
}

/// The privacies a search may return, as an SQL condition on `b.privacy`.
fn privacy_condition(search: &PinSearch) -> String {
    let mut allowed = vec!["'PUBLIC'"];
    if search.include_protected {
        allowed.push("'PROTECTED'");
    }
    if search.include_secret {
        allowed.push("'SECRET'");
    }
    format!("b.privacy IN ({})", allowed.join(", "))
}

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
        if let Some(pin) = pins::pin_by_seq(conn, seq)? {
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
