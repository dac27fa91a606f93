//! The storage port of sections: what the domain asks of every engine. Board sections.

use async_trait::async_trait;

use crate::domain::ids::{BoardId, SectionId};
use crate::domain::page::Cursor;
use crate::domain::sections::Section;
use crate::domain::storage::StoreResult;

/// Board sections.
#[async_trait]
pub trait SectionStore: Send + Sync {
    /// Inserts a section (its `seq` is assigned here) unless the board has one of that name.
    async fn create_section(&self, section: Section) -> StoreResult<Section>;

    async fn section(&self, board: BoardId, id: SectionId) -> StoreResult<Option<Section>>;

    /// Up to `cursor.limit + 1` sections after the cursor, oldest first (the order a board shows them).
    async fn list_sections(&self, board: BoardId, cursor: Cursor) -> StoreResult<Vec<Section>>;

    async fn rename_section(
        &self,
        board: BoardId,
        id: SectionId,
        name: String,
    ) -> StoreResult<Section>;

    /// Deletes the section and the Pins in it.
    async fn delete_section(&self, board: BoardId, id: SectionId) -> StoreResult<()>;
}
