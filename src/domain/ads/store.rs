//! The storage port of ads entities: one port for every kind, since a kind is a declaration and
//! its fields travel as JSON.

use async_trait::async_trait;

use crate::domain::ads::entity::{Entity, EntityChange, EntityQuery, NewEntity};
use crate::domain::page::Cursor;
use crate::domain::storage::StoreResult;

/// Campaigns, ad groups, ads and every later ads entity kind.
#[async_trait]
pub trait AdsEntityStore: Send + Sync {
    /// Inserts every entity in one transaction, giving each the next id, in order.
    async fn insert_entities(&self, entities: Vec<NewEntity>) -> StoreResult<Vec<Entity>>;

    /// Replaces the status and fields of existing entities in one transaction; the entities as
    /// stored after it (one missing is left out).
    async fn update_entities(&self, changes: Vec<EntityChange>) -> StoreResult<Vec<Entity>>;

    /// Up to `cursor.limit + 1` entities matching the query after the cursor (an id), in the
    /// query's order by id.
    async fn list_entities(&self, query: EntityQuery, cursor: Cursor) -> StoreResult<Vec<Entity>>;
}
