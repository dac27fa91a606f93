//! Search in PostgreSQL: the queries of `search/pins`, over the index
//! [`search_index`](super::search_index) keeps, and of `search/boards`.
//! A word query is `terms @> words` (or `title_terms @> words` for the title tier): several words
//! intersect their postings inside the GIN index, as FTS5 does on SQLite. The plan is chosen
//! here, not left to the planner: the GIN index first while the matches are few, a walk of the
//! account's Pins newest first when they are many (see [`newest_of_few_matches`]).

use deadpool_postgres::Client;

use super::PgStore;
use crate::domain::boards::Privacy;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, PinId, UserId};
use crate::domain::pins::Pin;
use crate::domain::search::{BoardText, PinMatch, PinSearch, SearchStore, SearchTier};
use crate::domain::storage::StoreResult;
use crate::store::postgres::args::{Args, arg, params};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;
use crate::store::postgres::pin_rows::pins_by_seqs;
use crate::store::sql::pin_search::privacy_condition;
use async_trait::async_trait;

/// The first two arguments of every Pin search: `$1` the owner, `$2` the environment.
fn owner_args(search: &PinSearch) -> Args {
    vec![Box::new(search.owner.0), Box::new(env_code(search.env))]
}

pub async fn search_pins(client: &Client, search: &PinSearch) -> StoreResult<Vec<Pin>> {
    let seqs = match &search.matching {
        PinMatch::Ids(ids) if ids.is_empty() => return Ok(Vec::new()),
        PinMatch::Ids(ids) => pins_among_ids(client, search, ids).await?,
        PinMatch::Words { terms, .. } if terms.is_empty() => return Ok(Vec::new()),
        PinMatch::Words { terms, tier } => {
            match newest_of_few_matches(client, search, terms, *tier).await? {
                Some(seqs) => seqs,
                None => newest_by_walking(client, search, terms, *tier).await?,
            }
        }
    };
    pins_by_seqs(client, &seqs).await
}

async fn pins_among_ids(
    client: &Client,
    search: &PinSearch,
    ids: &[PinId],
) -> StoreResult<Vec<i64>> {
    let mut args = owner_args(search);
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
    sql.push_str(&format!(
        " ORDER BY p.seq DESC LIMIT {}",
        arg(Box::new(search.cursor.limit as i64 + 1), &mut args)
    ));
    seqs_of(client, &sql, &args).await
}

/// Up to this many matches are sorted after the GIN index has found them all; a word with more
/// is common enough that walking the account's Pins newest first finds a page sooner.
const FEW_MATCHES: i64 = 2000;

/// The tier's condition on `s`, a row of `pin_search` (or of a chunk of it).
fn words_condition(words: &str, tier: SearchTier) -> String {
    match tier {
        SearchTier::Title => format!("s.title_terms @> {words}"),
        SearchTier::Rest => format!("s.terms @> {words} AND NOT s.title_terms @> {words}"),
    }
}

/// Joins the Pin and its board when some privacy is not allowed; the index alone answers
/// otherwise, without a heap fetch per match.
fn privacy_join(search: &PinSearch, seq: &str) -> (String, String) {
    if search.include_protected && search.include_secret {
        (String::new(), "TRUE".to_string())
    } else {
        (
            format!(" JOIN pins p ON p.seq = {seq} JOIN boards b ON b.id = p.board_id"),
            privacy_condition(search),
        )
    }
}

/// The page, when the owner has at most [`FEW_MATCHES`] matches: the GIN index intersects the
/// words' postings, and only the matches are sorted. `None` when there are more.
///
/// Planning this by hand matters: asked for the newest page directly, PostgreSQL trusts its
/// column statistics, and for a word it believes common but no title of this owner holds it
/// walks all the owner's Pins newest first where the index answers far sooner
/// (bench/results/search.md).
async fn newest_of_few_matches(
    client: &Client,
    search: &PinSearch,
    terms: &[String],
    tier: SearchTier,
) -> StoreResult<Option<Vec<i64>>> {
    let mut args = owner_args(search);
    let words = arg(Box::new(terms.to_vec()), &mut args);
    let matching = words_condition(&words, tier);
    let cap = arg(Box::new(FEW_MATCHES + 1), &mut args);
    let (join, privacy) = privacy_join(search, "m.pin_seq");
    let older = match search.cursor.after {
        Some(after) => format!(" AND m.pin_seq < {}", arg(Box::new(after), &mut args)),
        None => String::new(),
    };
    let limit = arg(Box::new(search.cursor.limit as i64 + 1), &mut args);
    let sql = format!(
        "WITH m AS MATERIALIZED (
             SELECT s.pin_seq FROM pin_search s
             WHERE s.owner_id = $1 AND s.env = $2 AND {matching} LIMIT {cap})
         SELECT (SELECT count(*) FROM m), ARRAY(
             SELECT m.pin_seq FROM m{join} WHERE {privacy}{older}
             ORDER BY m.pin_seq DESC LIMIT {limit})"
    );
    let row = client
        .query_one(sql.as_str(), &params(&args))
        .await
        .map_err(pg)?;
    let found: i64 = row.get(0);
    Ok((found <= FEW_MATCHES).then(|| row.get(1)))
}

/// The first chunk of the owner's Pins a common word's walk reads; each next one is four times
/// larger, so a word in one Pin of a hundred still fills a page in two or three round trips.
const FIRST_CHUNK: i64 = 1024;

/// The page for a common word: the owner's Pins newest first, in chunks read through the
/// `(owner_id, env, pin_seq)` index, each chunk tested, until a page is full or the Pins end.
/// The chunk is a fence: asked for the words and the order at once, the planner (which cannot
/// know how common the words are together) may scan and sort the whole table instead.
async fn newest_by_walking(
    client: &Client,
    search: &PinSearch,
    terms: &[String],
    tier: SearchTier,
) -> StoreResult<Vec<i64>> {
    let want = search.cursor.limit as i64 + 1;
    let mut found: Vec<i64> = Vec::new();
    let mut before = search.cursor.after;
    let mut chunk = FIRST_CHUNK;
    loop {
        let mut args = owner_args(search);
        let words = arg(Box::new(terms.to_vec()), &mut args);
        let matching = words_condition(&words, tier);
        let (join, privacy) = privacy_join(search, "s.pin_seq");
        let older = match before {
            Some(b) => format!(" AND pin_seq < {}", arg(Box::new(b), &mut args)),
            None => String::new(),
        };
        let size = arg(Box::new(chunk), &mut args);
        let limit = arg(Box::new(want - found.len() as i64), &mut args);
        let sql = format!(
            "WITH c AS MATERIALIZED (
                 SELECT pin_seq, title_terms, terms FROM pin_search
                 WHERE owner_id = $1 AND env = $2{older} ORDER BY pin_seq DESC LIMIT {size})
             SELECT (SELECT count(*) FROM c), (SELECT min(pin_seq) FROM c), ARRAY(
                 SELECT s.pin_seq FROM c s{join} WHERE {matching} AND {privacy}
                 ORDER BY s.pin_seq DESC LIMIT {limit})"
        );
        let row = client
            .query_one(sql.as_str(), &params(&args))
            .await
            .map_err(pg)?;
        let (read, oldest, seqs): (i64, Option<i64>, Vec<i64>) =
            (row.get(0), row.get(1), row.get(2));
        found.extend(seqs);
        if found.len() as i64 >= want || read < chunk {
            return Ok(found);
        }
        before = oldest;
        chunk *= 4;
    }
}

/// Runs a query whose first column is a Pin's sequence number. A statement of its own each time,
/// not a cached one: PostgreSQL then plans with the words themselves (a cached statement soon
/// gets one generic plan).
async fn seqs_of(client: &Client, sql: &str, args: &Args) -> StoreResult<Vec<i64>> {
    Ok(client
        .query(sql, &params(args))
        .await
        .map_err(pg)?
        .iter()
        .map(|r| r.get(0))
        .collect())
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

#[async_trait]
impl SearchStore for PgStore {
    async fn search_pins(&self, search: PinSearch) -> StoreResult<Vec<Pin>> {
        search_pins(&self.client().await?, &search).await
    }

    async fn board_search_texts(&self, owner: UserId, env: Env) -> StoreResult<Vec<BoardText>> {
        board_search_texts(&self.client().await?, owner, env).await
    }
}
