//! The storage port of search: what the domain asks of every engine. The search index of Pins and the searchable text of boards.

use async_trait::async_trait;

use crate::domain::env::Env;
use crate::domain::ids::UserId;
use crate::domain::pins::Pin;
use crate::domain::search::{BoardText, PinSearch};
use crate::domain::storage::StoreResult;

/// The search index of Pins and the searchable text of boards.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// One page of a Pin search: up to `cursor.limit + 1` of the owner's Pins in one environment
    /// that match (`PinMatch`), on boards of the allowed privacies, newest first after the cursor.
    /// The term index it reads is written in the same transaction as every Pin write.
    async fn search_pins(&self, search: PinSearch) -> StoreResult<Vec<Pin>>;

    /// The searchable text of every board an owner has in one environment.
    async fn board_search_texts(&self, owner: UserId, env: Env) -> StoreResult<Vec<BoardText>>;
}
