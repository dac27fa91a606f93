//! Arguments of statements built at run time, as SQLite binds them: each appended with the
//! placeholder (`?n`) it answers to.

use rusqlite::types::Value as SqlValue;

use crate::domain::env::Env;
use crate::store::sql::dialect::{Bindings, Dialect, Sqlite};

impl Bindings for Vec<SqlValue> {
    type Dialect = Sqlite;

    fn int(&mut self, value: i64) -> String {
        self.push(value.into());
        Sqlite::placeholder(self.len())
    }

    fn env(&mut self, env: Env) -> String {
        self.int(env.code())
    }

    fn one_of(&mut self, expr: &str, values: Vec<String>) -> String {
        let marks: Vec<String> = values
            .into_iter()
            .map(|v| {
                self.push(v.into());
                Sqlite::placeholder(self.len())
            })
            .collect();
        format!("{expr} IN ({})", marks.join(", "))
    }

    fn one_of_ints(&mut self, expr: &str, values: Vec<i64>) -> String {
        let marks: Vec<String> = values.into_iter().map(|v| self.int(v)).collect();
        format!("{expr} IN ({})", marks.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::types::Value as SqlValue;

    use crate::clock::Timestamp;
    use crate::domain::env::Env;
    use crate::domain::ids::UserId;
    use crate::domain::page::Cursor;
    use crate::domain::pins::{CreativeType, PinFilter, PinScope};
    use crate::store::sql::pin_list::{PIN_SELECT, page};

    #[test]
    fn a_pin_list_binds_each_value_in_the_order_of_its_numbered_placeholders() {
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
        let mut args: Vec<SqlValue> = Vec::new();
        let sql = page(
            &mut args,
            PinScope::Owner(UserId(9), Env::Sandbox),
            &filter,
            cursor,
        );
        assert_eq!(
            sql,
            format!(
                "{PIN_SELECT} WHERE p.owner_id = ?1 AND p.env = ?2 \
                 AND (b.privacy = 'PUBLIC' OR b.privacy = 'PROTECTED') \
                 AND p.parent_pin_id IS NULL AND p.has_been_promoted = 1 \
                 AND (CASE WHEN p.creative_type = 'VIDEO' \
                 AND json_extract(p.media, '$.ready_at') > ?3 \
                 THEN 'REGULAR' ELSE p.creative_type END) IN (?4, ?5) \
                 AND p.seq < ?6 ORDER BY p.seq DESC LIMIT ?7"
            )
        );
        assert_eq!(
            args,
            vec![
                SqlValue::Integer(9),
                SqlValue::Integer(Env::Sandbox.code()),
                SqlValue::Integer(5_000),
                SqlValue::Text("VIDEO".into()),
                SqlValue::Text("REGULAR".into()),
                SqlValue::Integer(77),
                SqlValue::Integer(26),
            ]
        );
    }
}
