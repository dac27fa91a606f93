//! What a user owns in one environment, by board privacy, counted the same on both engines: one
//! grouped count of the owner's boards and their Pins (from the boards' own counters), folded
//! into `ContentCounts`.

use crate::domain::boards::Privacy;
use crate::domain::users::ContentCounts;
use crate::store::sql::dialect::Dialect;

/// The count: one row per privacy (its name, its boards, the Pins on them), for the owner
/// (argument 1) in the environment (argument 2).
pub fn query<D: Dialect>() -> String {
    format!(
        "SELECT privacy, COUNT(*), {} FROM boards WHERE owner_id = {} AND env = {} GROUP BY privacy",
        D::bigint("COALESCE(SUM(pin_count), 0)"),
        D::placeholder(1),
        D::placeholder(2)
    )
}

/// Adds one row of [`query`] to `counts`; a privacy no version of pinbox writes counts as secret.
pub fn add_row(counts: &mut ContentCounts, privacy: &str, boards: i64, pins: i64) {
    match Privacy::parse(privacy) {
        Some(Privacy::Public) => {
            counts.public_boards = boards;
            counts.pins_on_public = pins;
        }
        Some(Privacy::Protected) => {
            counts.protected_boards = boards;
            counts.pins_on_protected = pins;
        }
        _ => {
            counts.secret_boards = boards;
            counts.pins_on_secret = pins;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::query;
    use crate::store::sql::dialect::{Postgres, Sqlite};

    #[test]
    fn content_counts_sum_to_a_bigint_on_postgres_only() {
        assert_eq!(
            query::<Sqlite>(),
            "SELECT privacy, COUNT(*), COALESCE(SUM(pin_count), 0) FROM boards \
             WHERE owner_id = ?1 AND env = ?2 GROUP BY privacy"
        );
        assert_eq!(
            query::<Postgres>(),
            "SELECT privacy, COUNT(*), COALESCE(SUM(pin_count), 0)::BIGINT FROM boards \
             WHERE owner_id = $1 AND env = $2 GROUP BY privacy"
        );
    }
}
