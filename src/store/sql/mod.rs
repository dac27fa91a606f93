//! The SQL both engines build the same way, written once: the Pin SELECT and the WHERE clause of
//! a Pin list (`pin_list`), the privacies a Pin search may return (`pin_search`), what a user owns
//! by board privacy (`content_counts`) and the bookkeeping of schema migrations (`migrations`).
//! Placeholders (`?n` or `$n`), how arguments are bound, and the few spellings the dialects do
//! not share come from [`dialect`], so each statement runs on each engine as it would have if
//! written there.
//!
//! What stays in each engine, and why:
//! - Statements whose text differs only in placeholders but that are written once and read in
//!   one place (a single insert, update or lookup) stay beside the code that binds their
//!   arguments and reads their rows: the engines bind different types (an environment is an
//!   INTEGER in SQLite, a SMALLINT in PostgreSQL) and read rows through different APIs, and a
//!   statement's columns must change with its row reader.
//! - Board reads: PostgreSQL reads a board's cover and thumbnails in the board's own query
//!   (`ARRAY(SELECT ...)`), saving a round trip; SQLite reads them with a second query, which
//!   costs none in process.
//! - Search: SQLite's index is an FTS5 table of account-scoped tokens, PostgreSQL's a table of
//!   term arrays under GIN indexes, with a plan pinbox chooses; their queries have nothing in
//!   common but the privacy condition.
//! - Writes that meet a clashing random id (SQLite: the unique violation is caught; PostgreSQL:
//!   `ON CONFLICT DO NOTHING RETURNING`, as a failed statement aborts its transaction), and
//!   bulk writes (PostgreSQL: arrays through `UNNEST`, one round trip per chunk; SQLite: one
//!   prepared statement per row, which costs no round trip).
//! - Migration files, whose DDL is each dialect's own, and how migrating processes take turns
//!   (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock).

pub mod ads_entities;
pub mod content_counts;
pub mod dialect;
pub mod migrations;
pub mod pin_list;
pub mod pin_search;
