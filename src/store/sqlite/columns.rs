//! How values the domain keeps as fixed-size arrays come back from SQLite's columns.

use crate::domain::storage::{StoreError, StoreResult};

pub fn hash_array(v: Vec<u8>) -> StoreResult<[u8; 32]> {
    v.try_into()
        .map_err(|_| StoreError::Backend(anyhow::anyhow!("a stored hash is not 32 bytes")))
}
