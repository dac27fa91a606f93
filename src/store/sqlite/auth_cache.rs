//! Token lookups served from memory, kept exact across processes: every process that opens the
//! data dir maps one small shared-memory counter, the auth epoch, and bumps it after any write
//! that can invalidate a token. A cached token is used only while the epoch is the one it was
//! read under, so a revocation made by the server, or by a `pinbox` CLI process on the same data
//! dir, takes effect on the very next request.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::path::Path;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::MmapMut;

use crate::domain::token::{Token, TokenHash};

/// Tokens kept at most; past this the cache starts over (idle entries are not worth tracking).
const MAX_ENTRIES: usize = 65_536;

pub struct AuthCache {
    epoch: MmapMut,
    tokens: RwLock<HashMap<TokenHash, (Token, u64)>>,
}

impl AuthCache {
    /// Maps (creating if needed) the epoch file beside the database.
    pub fn open(path: &Path) -> std::io::Result<AuthCache> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        if file.metadata()?.len() < 8 {
            file.set_len(8)?;
        }
        // SAFETY: the file is only ever accessed through this mapping's atomic counter, by
        // pinbox processes; resizing it never happens after creation.
        let epoch = unsafe { MmapMut::map_mut(&file)? };
        Ok(AuthCache {
            epoch,
            tokens: RwLock::new(HashMap::new()),
        })
    }

    fn counter(&self) -> &AtomicU64 {
        // SAFETY: the mapping is at least 8 bytes and page-aligned, so aligned for a u64, and
        // lives as long as `self`; all access is atomic.
        unsafe { &*(self.epoch.as_ptr() as *const AtomicU64) }
    }

    /// The epoch to tag a lookup with; read it before reading the database.
    pub fn epoch(&self) -> u64 {
        self.counter().load(Ordering::Acquire)
    }

    /// Makes every cached token in every process stale. Call after the write commits.
    pub fn invalidate(&self) {
        self.counter().fetch_add(1, Ordering::AcqRel);
    }

    pub fn get(&self, hash: &TokenHash) -> Option<Token> {
        let epoch = self.epoch();
        let tokens = self.tokens.read().ok()?;
        match tokens.get(hash) {
            Some((token, seen)) if *seen == epoch => Some(token.clone()),
            _ => None,
        }
    }

    /// Remembers a token read from the database under `epoch`.
    pub fn put(&self, token: Token, epoch: u64) {
        if let Ok(mut tokens) = self.tokens.write() {
            if tokens.len() >= MAX_ENTRIES {
                tokens.clear();
            }
            tokens.insert(token.hash, (token, epoch));
        }
    }
}
