//! Reading Pin rows in PostgreSQL: the Pin SELECT and its row reader, one Pin by id and several
//! by sequence number (search results), for the Pin writes and reads and for search.

use deadpool_postgres::Client;
use tokio_postgres::Row;

use crate::clock::Timestamp;
use crate::domain::boards::Privacy;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, BoardId, PinId, SectionId, UserId};
use crate::domain::pins::{CreativeType, Pin};
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;
use crate::store::sql::pin_list::PIN_SELECT;

pub fn pin_from_row(r: &Row) -> StoreResult<Pin> {
    let privacy: String = r.get(7);
    let creative: String = r.get(14);
    let media: String = r.get(19);
    let env: i16 = r.get(4);
    Ok(Pin {
        seq: r.get(0),
        id: PinId(r.get(1)),
        owner_id: UserId(r.get(2)),
        owner_username: r.get(3),
        env: Env::from_code(env as i64),
        app_id: r.get::<_, Option<i64>>(5).map(AppId),
        board_id: BoardId(r.get(6)),
        board_privacy: Privacy::parse(&privacy).unwrap_or(Privacy::Secret),
        section_id: r.get::<_, Option<i64>>(8).map(SectionId),
        title: r.get(9),
        description: r.get(10),
        link: r.get(11),
        alt_text: r.get(12),
        dominant_color: r.get(13),
        creative_type: CreativeType::parse(&creative).unwrap_or(CreativeType::Regular),
        is_standard: r.get(15),
        has_been_promoted: r.get(16),
        is_removable: r.get(17),
        parent_pin_id: r.get::<_, Option<i64>>(18).map(PinId),
        media: serde_json::from_str(&media).map_err(|e| StoreError::Backend(e.into()))?,
        created_at: Timestamp(r.get(20)),
    })
}

pub async fn pin_by_id(client: &Client, env: Env, id: PinId) -> StoreResult<Option<Pin>> {
    let stmt = client
        .prepare_cached(&format!("{PIN_SELECT} WHERE p.id = $1 AND p.env = $2"))
        .await
        .map_err(pg)?;
    client
        .query_opt(&stmt, &[&id.0, &env_code(env)])
        .await
        .map_err(pg)?
        .map(|r| pin_from_row(&r))
        .transpose()
}

/// Several Pins by their sequence numbers, in the order given, in one round trip; a sequence
/// number whose Pin is gone is skipped.
pub async fn pins_by_seqs(client: &Client, seqs: &[i64]) -> StoreResult<Vec<Pin>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = client
        .prepare_cached(&format!("{PIN_SELECT} WHERE p.seq = ANY($1)"))
        .await
        .map_err(pg)?;
    let mut found = client
        .query(&stmt, &[&seqs])
        .await
        .map_err(pg)?
        .iter()
        .map(pin_from_row)
        .collect::<StoreResult<Vec<Pin>>>()?;
    let rank = |seq: i64| seqs.iter().position(|s| *s == seq);
    found.sort_by_key(|p| rank(p.seq));
    Ok(found)
}
