//! The store contract (src/store/contract.rs) run against every engine: SQLite always, and
//! PostgreSQL when `PINBOX_TEST_DATABASE_URL` is set (scripts/test runs those, which are otherwise
//! reported as ignored).

#[path = "support/pg.rs"]
mod pg;

mod sqlite {
    use std::sync::Arc;

    use pinbox::clock::Timestamp;
    use pinbox::store::Store;
    use pinbox::store::sqlite::SqliteStore;

    async fn fresh() -> (Arc<dyn Store>, ()) {
        let store = SqliteStore::ephemeral(Timestamp(0)).expect("ephemeral SQLite store");
        (Arc::new(store), ())
    }

    pinbox::store_contract_suite!(fresh);
}

mod postgres {
    use std::sync::Arc;

    use pinbox::clock::Timestamp;
    use pinbox::store::Store;
    use pinbox::store::postgres::{PgOptions, PgStore};

    use crate::pg::Schema;

    async fn fresh() -> (Arc<dyn Store>, Schema) {
        let schema = Schema::new();
        let options = PgOptions {
            pool_size: 4,
            schema: Some(schema.name.clone()),
            ..PgOptions::new(&schema.url)
        };
        let store = PgStore::connect(options, Timestamp(0))
            .await
            .expect("connect to the PostgreSQL test database");
        (Arc::new(store), schema)
    }

    pinbox::store_contract_suite!(
        fresh,
        ignore = "needs PINBOX_TEST_DATABASE_URL (scripts/test runs it)"
    );
}
