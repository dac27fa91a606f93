//! Token lookups served from memory, kept exact across processes: every process that opens the
//! data dir maps one small shared-memory counter, the auth epoch, and bumps it after any write
//! that can invalidate a token. A cached token is used only while the epoch is the one it was
//! read under, so a revocation made by the server, or by a `pinbox` CLI process on the same data
//! dir, takes effect on the very next request.
//!
//! A program that knows nothing of the epoch (the `sqlite3` shell, a script's `UPDATE`) can change
//! a token too, so a cached token is also used only while the database read it came from is
//! younger than [`SNAPSHOT_TTL`]: such a change counts within that time, as every other change
//! made outside pinbox does through the readers' snapshots.

use std::collections::HashMap;
use std::path::Path;
use std::sync::RwLock;
use std::time::Instant;

use crate::domain::agents::Agent;
use crate::domain::secrets::TokenHash;
use crate::domain::tokens::Token;
use crate::store::sqlite::readers::SNAPSHOT_TTL;
use crate::store::sqlite::shared_counter::SharedCounter;

/// Entries kept at most per kind; past this the cache starts over (idle entries are not worth
/// tracking).
const MAX_ENTRIES: usize = 65_536;

/// Tokens and agent keys, by the hash of their secret, under one epoch: any write that can
/// invalidate either bumps it.
pub struct AuthCache {
    epoch: SharedCounter,
    pub tokens: Entries<Token>,
    pub agents: Entries<Agent>,
}

pub struct Entries<T> {
    map: RwLock<HashMap<TokenHash, Cached<T>>>,
}

struct Cached<T> {
    value: T,
    /// The auth epoch the value was read under.
    epoch: u64,
    /// From when the database was read.
    as_of: Instant,
}

impl AuthCache {
    /// Maps (creating if needed) the epoch file beside the database.
    pub fn open(path: &Path) -> std::io::Result<AuthCache> {
        Ok(AuthCache {
            epoch: SharedCounter::open(path)?,
            tokens: Entries::default(),
            agents: Entries::default(),
        })
    }

    /// The epoch to tag a lookup with; read it before reading the database.
    pub fn epoch(&self) -> u64 {
        self.epoch.get()
    }

    /// Makes every cached entry in every process stale. Call after the write commits.
    pub fn invalidate(&self) {
        self.epoch.bump();
    }

    /// A cached token still current.
    pub fn get(&self, hash: &TokenHash) -> Option<Token> {
        self.tokens.get(hash, self.epoch())
    }

    /// Remembers a token read from the database under `epoch`, as the database was at `as_of`.
    pub fn put(&self, token: Token, epoch: u64, as_of: Instant) {
        self.tokens.put(token.hash, token, epoch, as_of);
    }
}

impl<T> Default for Entries<T> {
    fn default() -> Entries<T> {
        Entries {
            map: RwLock::new(HashMap::new()),
        }
    }
}

impl<T: Clone> Entries<T> {
    /// The value for `hash` if it was read under `epoch` and recently enough.
    pub fn get(&self, hash: &TokenHash, epoch: u64) -> Option<T> {
        let map = self.map.read().ok()?;
        match map.get(hash) {
            Some(c) if c.epoch == epoch && c.as_of.elapsed() < SNAPSHOT_TTL => {
                Some(c.value.clone())
            }
            _ => None,
        }
    }

    pub fn put(&self, hash: TokenHash, value: T, epoch: u64, as_of: Instant) {
        if let Ok(mut map) = self.map.write() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(
                hash,
                Cached {
                    value,
                    epoch,
                    as_of,
                },
            );
        }
    }
}
