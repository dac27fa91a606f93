//! What differs between SQLite's and PostgreSQL's spelling of the statements both engines build
//! from one text, and how each binds a statement's arguments.

use crate::domain::env::Env;

/// One engine's SQL dialect, as far as the shared statements need it.
pub trait Dialect {
    /// The type of a 64-bit integer column: SQLite's INTEGER is 64 bits (and an `INTEGER PRIMARY
    /// KEY` is the rowid), PostgreSQL's INTEGER is 32.
    const BIGINT: &'static str;

    /// The placeholder of argument `n`, counted from 1.
    fn placeholder(n: usize) -> String;

    /// `expr`, an integer sum, as a 64-bit integer: PostgreSQL sums BIGINTs to NUMERIC, which
    /// no Rust integer reads; SQLite's sums stay integers.
    fn bigint(expr: &str) -> String;

    /// A test that a boolean column holds true: SQLite keeps booleans as 0 and 1.
    fn is_true(column: &str) -> String;

    /// The integer member `member` of the JSON text in `column`.
    fn json_int(column: &str, member: &str) -> String;
}

/// A statement's arguments as one engine binds them. Each method appends an argument and answers
/// with what the statement says in its place.
pub trait Bindings {
    type Dialect: Dialect;

    fn int(&mut self, value: i64) -> String;

    /// An environment, in the type of the engines' `env` columns.
    fn env(&mut self, env: Env) -> String;

    /// A test that `expr` is one of `values`: SQLite, which has no arrays, binds each value
    /// (`IN (?3, ?4)`); PostgreSQL binds one array (`= ANY($3)`).
    fn one_of(&mut self, expr: &str, values: Vec<String>) -> String;

    /// A test that `expr` is one of the integers `values`, bound as [`Bindings::one_of`] binds.
    fn one_of_ints(&mut self, expr: &str, values: Vec<i64>) -> String;
}

pub struct Sqlite;

impl Dialect for Sqlite {
    const BIGINT: &'static str = "INTEGER";

    fn placeholder(n: usize) -> String {
        format!("?{n}")
    }

    fn bigint(expr: &str) -> String {
        expr.to_string()
    }

    fn is_true(column: &str) -> String {
        format!("{column} = 1")
    }

    fn json_int(column: &str, member: &str) -> String {
        format!("json_extract({column}, '$.{member}')")
    }
}

pub struct Postgres;

impl Dialect for Postgres {
    const BIGINT: &'static str = "BIGINT";

    fn placeholder(n: usize) -> String {
        format!("${n}")
    }

    fn bigint(expr: &str) -> String {
        format!("{expr}::BIGINT")
    }

    fn is_true(column: &str) -> String {
        column.to_string()
    }

    fn json_int(column: &str, member: &str) -> String {
        format!("({column}::jsonb ->> '{member}')::bigint")
    }
}
