//! The search index of Pins in SQLite (`pin_fts`, FTS5, migration 0011), kept exact by the Pin
//! writes that call [`index_pin`] in their own transaction, and the FTS5 query of a search tier.
//!
//! Each Pin's entry holds one token per folded term, scoped to its account (`<owner>e<env>` and a
//! mark: anywhere in the Pin, or in its title), so that one MATCH finds one account's Pins.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::env::Env;
use crate::domain::ids::UserId;
use crate::domain::search::{SearchTier, pin_terms};
use crate::domain::storage::StoreResult;
use crate::store::sqlite::errors::backend;

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
pub fn fts_query(owner: UserId, env: Env, words: &[String], tier: SearchTier) -> String {
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
