//! Search in PostgreSQL: the Pin index (`pin_search`, migration 0011: one row per Pin, its folded
//! terms as arrays under GIN indexes), written by the Pin writes in their own transaction through
//! [`index_pin`] and [`index_imported`], and the queries of `search/pins` and `search/boards`.
//! A word query is `terms @> words` (or `title_terms @> words` for the title tier): several words
//! intersect their postings inside the GIN index, as FTS5 does on SQLite.

use deadpool_postgres::{Client, Transaction};
use tokio_postgres::types::ToSql;

use crate::domain::board::Privacy;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::pin::{NewPin, Pin};
use crate::domain::search::{BoardText, PinMatch, PinSearch, SearchTier, pin_terms};
use crate::store::StoreResult;
use crate::store::postgres::{pg, pins};

fn env_code(env: Env) -> i16 {
    env.code() as i16
}

/// (Re)writes one Pin's row in the search index from its text.
pub async fn index_pin(
    tx: &Transaction<'_>,
    seq: i64,
    owner: UserId,
    env: Env,
    title: Option<&str>,
    description: Option<&str>,
    alt_text: Option<&str>,
) -> StoreResult<()> {
    tx.execute("DELETE FROM pin_search WHERE pin_seq = $1", &[&seq])
        .await
        .map_err(pg)?;
    let (title_terms, terms) = term_arrays(title, description, alt_text);
    if terms.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO pin_search (pin_seq, owner_id, env, title_terms, terms)
         VALUES ($1, $2, $3, $4, $5)",
        &[&seq, &owner.0, &env_code(env), &title_terms, &terms],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// A Pin's title terms and all its terms.
fn term_arrays(
    title: Option<&str>,
    description: Option<&str>,
    alt_text: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    let all = pin_terms(title, description, alt_text);
    let in_title = all.iter().filter(|(_, t)| *t).map(|(w, _)| w.clone());
    (
        in_title.collect(),
        all.into_iter().map(|(w, _)| w).collect(),
    )
}

/// Indexes Pins just inserted by a bulk import, in one statement. A Pin's two arrays travel as
/// one space-joined text each (folded terms hold no spaces): PostgreSQL has no ragged arrays.
pub async fn index_imported(tx: &Transaction<'_>, pins: &[NewPin]) -> StoreResult<()> {
    let (mut ids, mut titles, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for p in pins {
        let (title_terms, terms) = term_arrays(
            p.title.as_deref(),
            p.description.as_deref(),
            p.alt_text.as_deref(),
        );
        if !terms.is_empty() {
            ids.push(p.id.0);
            titles.push(title_terms.join(" "));
            all.push(terms.join(" "));
        }
    }
    tx.execute(
        "INSERT INTO pin_search (pin_seq, owner_id, env, title_terms, terms)
         SELECT p.seq, p.owner_id, p.env,
                COALESCE(string_to_array(NULLIF(x.title, ''), ' '), '{}'), string_to_array(x.terms, ' ')
         FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[]) AS x(id, title, terms)
         JOIN pins p ON p.id = x.id",
        &[&ids, &titles, &all],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Indexes the Pins written before the index existed, once; replicas starting together take
/// turns on the state table's lock.
pub async fn backfill(client: &mut Client) -> StoreResult<()> {
    let tx = client.transaction().await.map_err(pg)?;
    tx.execute("LOCK TABLE search_index_state IN EXCLUSIVE MODE", &[])
        .await
        .map_err(pg)?;
    let done = tx
        .query_opt("SELECT 1 FROM search_index_state WHERE name = 'pins'", &[])
        .await
        .map_err(pg)?;
    if done.is_some() {
        return tx.commit().await.map_err(pg);
    }
    let rows = tx
        .query(
            "SELECT seq, owner_id, env, title, description, alt_text FROM pins",
            &[],
        )
        .await
        .map_err(pg)?;
    for r in rows {
        let env: i16 = r.get(2);
        let (title, description, alt): (Option<String>, Option<String>, Option<String>) =
            (r.get(3), r.get(4), r.get(5));
        index_pin(
            &tx,
            r.get(0),
            UserId(r.get(1)),
            Env::from_code(env as i64),
            title.as_deref(),
            description.as_deref(),
            alt.as_deref(),
        )
        .await?;
    }
    tx.execute("INSERT INTO search_index_state (name) VALUES ('pins')", &[])
        .await
        .map_err(pg)?;
    tx.commit().await.map_err(pg)
}

type Args = Vec<Box<dyn ToSql + Sync + Send>>;

/// Appends a query argument and names its placeholder.
fn arg(v: Box<dyn ToSql + Sync + Send>, args: &mut Args) -> String {
    args.push(v);
    format!("${}", args.len())
}

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

pub async fn search_pins(client: &Client, search: &PinSearch) -> StoreResult<Vec<Pin>> {
    let mut args: Args = vec![Box::new(search.owner.0), Box::new(env_code(search.env))];
    let sql = match &search.matching {
        PinMatch::Ids(ids) => {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
            let mut sql = format!(
                "SELECT p.seq FROM pins p JOIN boards b ON b.id = p.board_id
                 WHERE p.owner_id = $1 AND p.env = $2 AND p.id = ANY({}) AND {}",
                arg(Box::new(ids), &mut args),
                privacy_condition(search)
            );
            if let Some(after) = search.cursor.after {
                sql.push_str(&format!(" AND p.seq < {}", arg(Box::new(after), &mut args)));
            }
            sql.push_str(" ORDER BY p.seq DESC");
            sql
        }
        PinMatch::Words { terms, tier } => {
            if terms.is_empty() {
                return Ok(Vec::new());
            }
            let words = arg(Box::new(terms.clone()), &mut args);
            let matching = match tier {
                SearchTier::Title => format!("s.title_terms @> {words}"),
                SearchTier::Rest => {
                    format!("s.terms @> {words} AND NOT s.title_terms @> {words}")
                }
            };
            // When every privacy may be returned, the index alone answers: joining each match to
            // its Pin and board would cost a heap fetch per match before the sort.
            let mut sql = if search.include_protected && search.include_secret {
                format!(
                    "SELECT s.pin_seq FROM pin_search s
                     WHERE s.owner_id = $1 AND s.env = $2 AND {matching}"
                )
            } else {
                format!(
                    "SELECT s.pin_seq FROM pin_search s
                     JOIN pins p ON p.seq = s.pin_seq
                     JOIN boards b ON b.id = p.board_id
                     WHERE s.owner_id = $1 AND s.env = $2 AND {matching} AND {}",
                    privacy_condition(search)
                )
            };
            if let Some(after) = search.cursor.after {
                sql.push_str(&format!(
                    " AND s.pin_seq < {}",
                    arg(Box::new(after), &mut args)
                ));
            }
            sql.push_str(" ORDER BY s.pin_seq DESC");
            sql
        }
    };
    let sql = format!(
        "{sql} LIMIT {}",
        arg(Box::new(search.cursor.limit as i64 + 1), &mut args)
    );
    let params: Vec<&(dyn ToSql + Sync)> = args
        .iter()
        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
        .collect();
    // A statement of its own each time, not a cached one: PostgreSQL then plans with the words
    // themselves (a cached statement soon gets one generic plan), and picks between walking the
    // account's Pins newest first (common words) and intersecting GIN postings (rare ones).
    let seqs: Vec<i64> = client
        .query(sql.as_str(), &params)
        .await
        .map_err(pg)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = Vec::with_capacity(seqs.len());
    for seq in seqs {
        if let Some(pin) = pins::pin_by_seq(client, seq).await? {
            out.push(pin);
        }
    }
    Ok(out)
}

pub async fn board_search_texts(
    client: &Client,
    owner: UserId,
    env: Env,
) -> StoreResult<Vec<BoardText>> {
    let stmt = client
        .prepare_cached(
            "SELECT seq, id, name, description, privacy FROM boards WHERE owner_id = $1 AND env = $2",
        )
        .await
        .map_err(pg)?;
    Ok(client
        .query(&stmt, &[&owner.0, &env_code(env)])
        .await
        .map_err(pg)?
        .iter()
        .map(|r| BoardText {
            seq: r.get(0),
            id: BoardId(r.get(1)),
            name: r.get(2),
            description: r.get(3),
            privacy: Privacy::parse(r.get::<_, &str>(4)).unwrap_or(Privacy::Secret),
        })
        .collect())
}
