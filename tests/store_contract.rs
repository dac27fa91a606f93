//! The store contract (src/store/contract.rs) run against every engine available here.

mod sqlite {
    use std::sync::Arc;

    use pinbox::clock::Timestamp;
    use pinbox::store::Store;
    use pinbox::store::sqlite::SqliteStore;

    async fn fresh() -> Arc<dyn Store> {
        Arc::new(SqliteStore::ephemeral(Timestamp(0)).expect("ephemeral SQLite store"))
    }

    pinbox::store_contract_suite!(fresh);
}
