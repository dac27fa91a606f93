//! The storage port of pins: what the domain asks of every engine. Pins and the images they show.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::PinId;
use crate::domain::page::Cursor;
use crate::domain::pins::{NewPin, Pin, PinChanges, PinFilter, PinScope, StoredImage};
use crate::domain::storage::StoreResult;

/// Pins and the images they show.
#[async_trait]
pub trait PinStore: Send + Sync {
    async fn image(&self, key: &str) -> StoreResult<Option<StoredImage>>;

    /// Records an image whose files are already written; a second record of one key is ignored.
    async fn put_image(&self, image: StoredImage) -> StoreResult<()>;

    /// Inserts a Pin on a board of its owner (and a section of that board), unless the owner
    /// already has `max_pins` Pins in that environment (`LimitReached(Pins)`). The board's
    /// `pin_count` and `pins_modified_at` change in the same transaction.
    async fn create_pin(&self, pin: NewPin, max_pins: u32) -> StoreResult<Pin>;

    /// Bulk-loads Pins (seeding and benchmarks): no volume limit is checked, and the boards'
    /// counters are brought up to date at the end. All Pins must be on existing boards.
    async fn import_pins(&self, pins: Vec<NewPin>) -> StoreResult<()>;

    async fn pin(&self, env: Env, id: PinId) -> StoreResult<Option<Pin>>;

    /// Changes a Pin; moving it between boards moves one count from one board to the other.
    async fn update_pin(
        &self,
        env: Env,
        id: PinId,
        changes: PinChanges,
        at: Timestamp,
    ) -> StoreResult<Pin>;

    async fn delete_pin(&self, env: Env, id: PinId, at: Timestamp) -> StoreResult<()>;

    /// Up to `cursor.limit + 1` Pins after the cursor, newest first.
    async fn list_pins(
        &self,
        scope: PinScope,
        filter: PinFilter,
        cursor: Cursor,
    ) -> StoreResult<Vec<Pin>>;
}
