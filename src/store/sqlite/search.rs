//! Search in SQLite: the Pin term index (`pin_search_terms`), kept exact by the Pin writes that
//! call [`index_pin`] in their own transaction, and the queries of `search/pins` and
//! `search/boards`.
//!
//! A word query drives from the postings of its longest word, newest first, and checks every
//! other word with a primary-key lookup, so a page costs about as many index probes as it
//! returns Pins, however many Pins match in all.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use crate::domain::board::Privacy;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::pin::Pin;
use crate::domain::search::{BoardText, PinMatch, PinSearch, SearchTier, pin_terms};
use crate::store::StoreResult;
use crate::store::sqlite::engine::backend;
use crate::store::sqlite::pins;

/// (Re)writes one Pin's entries in the term index from its text.
pub fn index_pin(
    conn: &Connection,
    seq: i64,
    owner: UserId,
    env: Env,
    title: Option<&str>,
    description: Option<&str>,
    alt_text: Option<&str>,
) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM pin_search_terms WHERE pin_seq = ?1")
        .and_then(|mut s| s.execute([seq]))
        .map_err(backend)?;
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO pin_search_terms (owner_id, env, term, pin_seq, in_title)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(backend)?;
    for (term, in_title) in pin_terms(title, description, alt_text) {
        insert
            .execute(params![owner.0, env.code(), term, seq, in_title])
            .map_err(backend)?;
    }
    Ok(())
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
            // The longest word is likely the rarest: its postings drive the scan.
            let mut words = terms.clone();
            words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            let title_only = *tier == SearchTier::Title;
            let mut sql = String::from(
                "SELECT t.pin_seq FROM pin_search_terms t
                 CROSS JOIN pins p ON p.seq = t.pin_seq
                 JOIN boards b ON b.id = p.board_id
                 WHERE t.owner_id = ?1 AND t.env = ?2 AND t.term = ?",
            );
            args.push(words[0].clone().into());
            if title_only {
                sql.push_str(" AND t.in_title = 1");
            }
            let mut all_in_title = vec!["t.in_title = 1".to_string()];
            for w in &words[1..] {
                let probe = "SELECT 1 FROM pin_search_terms x WHERE x.owner_id = ?1 \
                             AND x.env = ?2 AND x.pin_seq = t.pin_seq AND x.term = ?";
                if title_only {
                    sql.push_str(&format!(" AND EXISTS ({probe} AND x.in_title = 1)"));
                    args.push(w.clone().into());
                } else {
                    sql.push_str(&format!(" AND EXISTS ({probe})"));
                    args.push(w.clone().into());
                    all_in_title.push(format!("EXISTS ({probe} AND x.in_title = 1)"));
                    args.push(w.clone().into());
                }
            }
            if !title_only && words.len() == 1 {
                // An equality, so that the title index skips the title matches.
                sql.push_str(" AND t.in_title = 0");
            } else if !title_only {
                // The title matches came first, in their own tier.
                sql.push_str(&format!(" AND NOT ({})", all_in_title.join(" AND ")));
            }
            sql.push_str(&format!(" AND {}", privacy_condition(search)));
            if let Some(after) = search.cursor.after {
                sql.push_str(" AND t.pin_seq < ?");
                args.push(after.into());
            }
            sql.push_str(" ORDER BY t.pin_seq DESC LIMIT ?");
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
