//! Arguments of statements built at run time, each appended with the placeholder (`$n`) it
//! answers to.

use tokio_postgres::types::ToSql;

pub type Args = Vec<Box<dyn ToSql + Sync + Send>>;

/// Appends a query argument and names its placeholder.
pub fn arg(v: Box<dyn ToSql + Sync + Send>, args: &mut Args) -> String {
    args.push(v);
    format!("${}", args.len())
}

pub fn params(args: &Args) -> Vec<&(dyn ToSql + Sync)> {
    args.iter()
        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
        .collect()
}
