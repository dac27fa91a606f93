//! Arguments of statements built at run time, as PostgreSQL binds them: each appended with the
//! placeholder (`$n`) it answers to.

use tokio_postgres::types::ToSql;

use crate::domain::env::Env;
use crate::store::postgres::columns::env_code;
use crate::store::sql::dialect::{Bindings, Dialect, Postgres};

pub type Args = Vec<Box<dyn ToSql + Sync + Send>>;

/// Appends a query argument and names its placeholder.
pub fn arg(v: Box<dyn ToSql + Sync + Send>, args: &mut Args) -> String {
    args.push(v);
    Postgres::placeholder(args.len())
}

pub fn params(args: &Args) -> Vec<&(dyn ToSql + Sync)> {
    args.iter()
        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

impl Bindings for Args {
    type Dialect = Postgres;

    fn int(&mut self, value: i64) -> String {
        arg(Box::new(value), self)
    }

    fn env(&mut self, env: Env) -> String {
        arg(Box::new(env_code(env)), self)
    }

    fn one_of(&mut self, expr: &str, values: Vec<String>) -> String {
        let p = arg(Box::new(values), self);
        format!("{expr} = ANY({p})")
    }

    fn one_of_ints(&mut self, expr: &str, values: Vec<i64>) -> String {
        let p = arg(Box::new(values), self);
        format!("{expr} = ANY({p})")
    }
}

#[cfg(test)]
mod tests {
    use super::Args;
    use crate::clock::Timestamp;
    use crate::domain::env::Env;
    use crate::domain::ids::UserId;
    use crate::domain::page::Cursor;
    use crate::domain::pins::{CreativeType, PinFilter, PinScope};
    use crate::store::sql::pin_list::{PIN_SELECT, page};

    #[test]
    fn a_pin_list_binds_its_creative_types_as_one_array() {
        let filter = PinFilter {
            include_protected: true,
            repins: Some(false),
            only_promoted: true,
            creative_types: vec![CreativeType::Video, CreativeType::Regular],
            as_of: Some(Timestamp(5_000)),
            ..PinFilter::default()
        };
        let cursor = Cursor {
            after: Some(77),
            limit: 25,
        };
        let mut args: Args = Vec::new();
        let sql = page(
            &mut args,
            PinScope::Owner(UserId(9), Env::Sandbox),
            &filter,
            cursor,
        );
        assert_eq!(
            sql,
            format!(
                "{PIN_SELECT} WHERE p.owner_id = $1 AND p.env = $2 \
                 AND (b.privacy = 'PUBLIC' OR b.privacy = 'PROTECTED') \
                 AND p.parent_pin_id IS NULL AND p.has_been_promoted \
                 AND (CASE WHEN p.creative_type = 'VIDEO' \
                 AND (p.media::jsonb ->> 'ready_at')::bigint > $3 \
                 THEN 'REGULAR' ELSE p.creative_type END) = ANY($4) \
                 AND p.seq < $5 ORDER BY p.seq DESC LIMIT $6"
            )
        );
        let bound: Vec<String> = args.iter().map(|a| format!("{a:?}")).collect();
        assert_eq!(
            bound,
            [
                "9".to_string(),
                Env::Sandbox.code().to_string(),
                "5000".to_string(),
                r#"["VIDEO", "REGULAR"]"#.to_string(),
                "77".to_string(),
                "26".to_string(),
            ]
        );
    }
}
