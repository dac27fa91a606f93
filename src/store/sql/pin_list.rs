//! Pin lists, built the same on both engines: the Pin SELECT every Pin read starts from, and the
//! WHERE, ORDER BY and LIMIT of one page of a board's, a section's or an owner's Pins.

use crate::domain::page::Cursor;
use crate::domain::pins::{PinFilter, PinScope};
use crate::store::sql::dialect::{Bindings, Dialect};

/// A Pin with its board (`b`, for the privacy) and owner (`u`, for the username); the engines'
/// row readers read its columns in this order.
pub const PIN_SELECT: &str =
    "SELECT p.seq, p.id, p.owner_id, u.username, p.env, p.app_id, p.board_id,
        b.privacy, p.section_id, p.title, p.description, p.link, p.alt_text, p.dominant_color,
        p.creative_type, p.is_standard, p.has_been_promoted, p.is_removable, p.parent_pin_id,
        p.media, p.created_at
     FROM pins p JOIN boards b ON b.id = p.board_id JOIN users u ON u.id = p.owner_id";

/// The statement of one page of Pins after the cursor, newest first, its arguments in `args`.
pub fn page<B: Bindings>(
    args: &mut B,
    scope: PinScope,
    filter: &PinFilter,
    cursor: Cursor,
) -> String {
    let mut sql = String::from(PIN_SELECT);
    match scope {
        PinScope::Board(b) => {
            let p = args.int(b.0);
            sql.push_str(&format!(" WHERE p.board_id = {p}"));
        }
        PinScope::Section(s) => {
            let p = args.int(s.0);
            sql.push_str(&format!(" WHERE p.section_id = {p}"));
        }
        PinScope::Owner(owner, env) => {
            let o = args.int(owner.0);
            let e = args.env(env);
            sql.push_str(&format!(" WHERE p.owner_id = {o} AND p.env = {e}"));
        }
    }
    if filter.only_secret {
        sql.push_str(" AND b.privacy = 'SECRET'");
    } else {
        sql.push_str(" AND (b.privacy = 'PUBLIC'");
        if filter.include_protected {
            sql.push_str(" OR b.privacy = 'PROTECTED'");
        }
        if filter.include_secret {
            sql.push_str(" OR b.privacy = 'SECRET'");
        }
        sql.push(')');
    }
    match filter.repins {
        Some(true) => sql.push_str(" AND p.parent_pin_id IS NOT NULL"),
        Some(false) => sql.push_str(" AND p.parent_pin_id IS NULL"),
        None => {}
    }
    if filter.only_promoted {
        sql.push_str(&format!(
            " AND {}",
            B::Dialect::is_true("p.has_been_promoted")
        ));
    }
    if !filter.creative_types.is_empty() {
        let shown = match filter.as_of {
            // A video Pin shows REGULAR until its media's `ready_at` (see domain::pins::PinMedia).
            Some(now) => {
                let n = args.int(now.0);
                format!(
                    "(CASE WHEN p.creative_type = 'VIDEO' AND {} > {n} \
                     THEN 'REGULAR' ELSE p.creative_type END)",
                    B::Dialect::json_int("p.media", "ready_at")
                )
            }
            None => "p.creative_type".to_string(),
        };
        let types = filter
            .creative_types
            .iter()
            .map(|t| t.as_str().to_string())
            .collect();
        sql.push_str(&format!(" AND {}", args.one_of(&shown, types)));
    }
    if let Some(after) = cursor.after {
        let p = args.int(after);
        sql.push_str(&format!(" AND p.seq < {p}"));
    }
    let p = args.int(cursor.limit as i64 + 1);
    sql.push_str(&format!(" ORDER BY p.seq DESC LIMIT {p}"));
    sql
}
