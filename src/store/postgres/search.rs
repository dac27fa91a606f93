//! Search in PostgreSQL: the Pin term index (`pin_search_terms`), written by the Pin writes in
//! their own transaction through [`index_pin`] and [`index_imported`], and the queries of
//! `search/pins` and `search/boards`. The queries mirror SQLite's (src/store/sqlite/search.rs):
//! the longest word's postings, newest first, with a primary-key probe for each other word.

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

/// (Re)writes one Pin's entries in the term index from its text.
pub async fn index_pin(
    tx: &Transaction<'_>,
    seq: i64,
    owner: UserId,
    env: Env,
    title: Option<&str>,
    description: Option<&str>,
    alt_text: Option<&str>,
) -> StoreResult<()> {
    tx.execute("DELETE FROM pin_search_terms WHERE pin_seq = $1", &[&seq])
        .await
        .map_err(pg)?;
    let (terms, in_title): (Vec<String>, Vec<bool>) =
        pin_terms(title, description, alt_text).into_iter().unzip();
    tx.execute(
        "INSERT INTO pin_search_terms (owner_id, env, term, pin_seq, in_title)
         SELECT $1, $2, x.term, $3, x.in_title FROM UNNEST($4::TEXT[], $5::BOOLEAN[]) AS x(term, in_title)",
        &[&owner.0, &env_code(env), &seq, &terms, &in_title],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Indexes Pins just inserted by a bulk import, in one statement.
pub async fn index_imported(tx: &Transaction<'_>, pins: &[NewPin]) -> StoreResult<()> {
    let (mut ids, mut terms, mut in_title) = (Vec::new(), Vec::new(), Vec::new());
    for p in pins {
        for (term, t) in pin_terms(
            p.title.as_deref(),
            p.description.as_deref(),
            p.alt_text.as_deref(),
        ) {
            ids.push(p.id.0);
            terms.push(term);
            in_title.push(t);
        }
    }
    tx.execute(
        "INSERT INTO pin_search_terms (owner_id, env, term, pin_seq, in_title)
         SELECT p.owner_id, p.env, x.term, p.seq, x.in_title
         FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BOOLEAN[]) AS x(id, term, in_title)
         JOIN pins p ON p.id = x.id",
        &[&ids, &terms, &in_title],
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
            let mut words = terms.clone();
            words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            let title_only = *tier == SearchTier::Title;
            let mut sql = format!(
                "SELECT t.pin_seq FROM pin_search_terms t
                 JOIN pins p ON p.seq = t.pin_seq
                 JOIN boards b ON b.id = p.board_id
                 WHERE t.owner_id = $1 AND t.env = $2 AND t.term = {}",
                arg(Box::new(words[0].clone()), &mut args)
            );
            if title_only {
                sql.push_str(" AND t.in_title = true");
            }
            let mut all_in_title = vec!["t.in_title".to_string()];
            for w in &words[1..] {
                let probe = format!(
                    "SELECT 1 FROM pin_search_terms x WHERE x.owner_id = $1 AND x.env = $2 \
                     AND x.term = {} AND x.pin_seq = t.pin_seq",
                    arg(Box::new(w.clone()), &mut args)
                );
                if title_only {
                    sql.push_str(&format!(" AND EXISTS ({probe} AND x.in_title)"));
                } else {
                    sql.push_str(&format!(" AND EXISTS ({probe})"));
                    all_in_title.push(format!("EXISTS ({probe} AND x.in_title)"));
                }
            }
            if !title_only && words.len() == 1 {
                // An equality, so that the title index skips the title matches.
                sql.push_str(" AND t.in_title = false");
            } else if !title_only {
                sql.push_str(&format!(" AND NOT ({})", all_in_title.join(" AND ")));
            }
            sql.push_str(&format!(" AND {}", privacy_condition(search)));
            if let Some(after) = search.cursor.after {
                sql.push_str(&format!(
                    " AND t.pin_seq < {}",
                    arg(Box::new(after), &mut args)
                ));
            }
            sql.push_str(" ORDER BY t.pin_seq DESC");
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
    let stmt = client.prepare_cached(&sql).await.map_err(pg)?;
    let seqs: Vec<i64> = client
        .query(&stmt, &params)
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
