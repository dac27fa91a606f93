//! How domain values sit in PostgreSQL's columns: environments as SMALLINT codes, hashes and
//! secrets as 32-byte BYTEA.

use crate::domain::env::Env;
use crate::domain::storage::{StoreError, StoreResult};

pub fn env_code(env: Env) -> i16 {
    env.code() as i16
}

pub fn hash_array(v: Vec<u8>) -> StoreResult<[u8; 32]> {
    v.try_into().map_err(|_| {
        StoreError::Backend(anyhow::anyhow!("a stored hash or secret is not 32 bytes"))
    })
}
