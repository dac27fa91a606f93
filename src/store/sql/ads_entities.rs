//! Ads entity lists, built the same on both engines: every kind's list and lookups by id are
//! one statement over `ads_entities`, filtered by the ids and statuses the query names.

use crate::domain::ads::EntityQuery;
use crate::domain::page::Cursor;
use crate::store::sql::dialect::Bindings;

/// The columns the engines' row readers read, in this order.
pub const ENTITY_COLUMNS: &str =
    "id, kind, ad_account_id, env, parent_id, root_id, status, fields, created_at, updated_at";

/// The statement of one page of entities after the cursor, its arguments in `args`.
pub fn page<B: Bindings>(args: &mut B, query: &EntityQuery, cursor: Cursor) -> String {
    let account = args.int(query.ad_account_id.0);
    let kind = args.int(query.kind.code());
    let mut sql = format!(
        "SELECT {ENTITY_COLUMNS} FROM ads_entities WHERE ad_account_id = {account} AND kind = {kind}"
    );
    for (column, ids) in [
        ("id", &query.ids),
        ("parent_id", &query.parent_ids),
        ("root_id", &query.root_ids),
    ] {
        if !ids.is_empty() {
            sql.push_str(" AND ");
            sql.push_str(&args.one_of_ints(column, ids.clone()));
        }
    }
    if !query.statuses.is_empty() {
        sql.push_str(" AND ");
        sql.push_str(&args.one_of("status", query.statuses.clone()));
    }
    let (after, order) = if query.ascending {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    if let Some(a) = cursor.after {
        let a = args.int(a);
        sql.push_str(&format!(" AND id {after} {a}"));
    }
    let limit = args.int(cursor.limit as i64 + 1);
    sql.push_str(&format!(" ORDER BY id {order} LIMIT {limit}"));
    sql
}
