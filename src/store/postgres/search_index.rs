//! The search index of Pins in PostgreSQL (`pin_search`, migration 0011: one row per Pin, its
//! folded terms as arrays under GIN indexes), written by the Pin writes in their own transaction
//! through [`index_pin`] and [`index_imported`].

use deadpool_postgres::{Client, Transaction};

use crate::domain::env::Env;
use crate::domain::ids::UserId;
use crate::domain::pins::NewPin;
use crate::domain::search::pin_terms;
use crate::domain::storage::StoreResult;
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;

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
