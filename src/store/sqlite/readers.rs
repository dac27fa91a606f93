//! The reader connections, and the snapshots they keep between requests.
//!
//! Beginning and ending a read transaction costs SQLite a lock and an unlock of a WAL read mark
//! (`fcntl`), a look at the file's size (`fstat`) and turns on the process-wide mutex that guards
//! both, which the other readers wait on: a large share of `GET /v5/pins/{id}`'s server CPU
//! (bench/results/get-pin-profile.md). So a reader keeps its read transaction, its
//! snapshot, from one read to the next for as long as nothing has been written, and begins a new
//! one as soon as anything has.
//!
//! "Anything written" is the write epoch: a counter in shared memory beside the database that
//! every pinbox process's writer bumps after each commit and before acknowledging it. A read that
//! starts after a write was acknowledged therefore sees it, whether the server or a `pinbox` CLI
//! on the same data dir made it.
//!
//! A held snapshot keeps the WAL from being checkpointed past it, so none is held long: a reader
//! begins afresh after [`SNAPSHOT_TTL`] even when nothing was written (which also bounds how late
//! a change made by another program, say the `sqlite3` shell, shows), and the writer thread
//! releases the snapshots of idle readers every [`SWEEP_EVERY`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_queue::ArrayQueue;
use rusqlite::Connection;

use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::connection::{Durability, open_connection};
use crate::store::sqlite::errors::backend;
use crate::store::sqlite::memo::JoinMemo;
use crate::store::sqlite::shared_counter::SharedCounter;

/// Reader connections kept open when idle.
const MAX_IDLE_READERS: usize = 16;
/// The longest a reader reads one snapshot. Measured in the machine's monotonic time: this is
/// connection housekeeping, not the API's (movable) clock.
pub const SNAPSHOT_TTL: Duration = Duration::from_millis(500);
/// How often the writer thread releases idle readers' stale snapshots.
pub const SWEEP_EVERY: Duration = Duration::from_millis(100);

/// A reader connection and the snapshot it holds, if any.
pub struct Reader {
    pub conn: Connection,
    snapshot: Option<Snapshot>,
    /// Lookups made under the current snapshot; forgotten with it.
    pub memo: JoinMemo,
}

struct Snapshot {
    /// The write epoch read before the transaction began: the snapshot holds at least every
    /// write acknowledged by then.
    epoch: u64,
    began: Instant,
}

impl Reader {
    /// When the held snapshot began: what it reads is at least as new as the database then.
    pub fn snapshot_began(&self) -> Option<Instant> {
        self.snapshot.as_ref().map(|s| s.began)
    }

    /// Whether the held snapshot may serve a read that starts at write epoch `epoch`.
    fn current(&self, epoch: u64, now: Instant) -> bool {
        match &self.snapshot {
            Some(s) => {
                s.epoch == epoch
                    && now.duration_since(s.began) < SNAPSHOT_TTL
                    && !self.conn.is_autocommit()
            }
            None => false,
        }
    }

    /// Makes sure the connection reads a snapshot at least as new as write epoch `epoch`.
    fn refresh(&mut self, epoch: u64) -> StoreResult<()> {
        let now = Instant::now();
        if self.current(epoch, now) {
            return Ok(());
        }
        self.release();
        // Deferred: the snapshot is taken by the first statement, after `epoch` was read.
        self.conn.execute_batch("BEGIN").map_err(backend)?;
        self.snapshot = Some(Snapshot { epoch, began: now });
        Ok(())
    }

    /// Ends the held read transaction, if any.
    fn release(&mut self) {
        if !self.conn.is_autocommit() {
            // Ending a read-only transaction cannot fail in a way worth reporting; a connection
            // left in one is caught by `is_autocommit` next time.
            let _ = self.conn.execute_batch("COMMIT");
        }
        self.snapshot = None;
        self.memo.clear();
    }
}

pub struct ReaderPool {
    path: PathBuf,
    durability: Durability,
    /// Idle readers; lock-free, as every read takes one and gives it back.
    idle: ArrayQueue<Reader>,
    writes: SharedCounter,
    closed: AtomicBool,
}

impl ReaderPool {
    /// The pool for the database at `path`; its write epoch lives in `<path>-writes`.
    pub fn new(path: &Path, durability: Durability) -> StoreResult<ReaderPool> {
        let mut epoch_file = path.as_os_str().to_owned();
        epoch_file.push("-writes");
        let epoch_file = PathBuf::from(epoch_file);
        let writes = SharedCounter::open(&epoch_file).map_err(|e| {
            StoreError::Unavailable(format!("cannot map {}: {e}", epoch_file.display()))
        })?;
        Ok(ReaderPool {
            path: path.to_path_buf(),
            durability,
            idle: ArrayQueue::new(MAX_IDLE_READERS),
            writes,
            closed: AtomicBool::new(false),
        })
    }

    /// Tells every reader, in every process, that a write was committed. The writer calls it
    /// after each commit, before it acknowledges the writes.
    pub fn written(&self) {
        self.writes.bump();
    }

    /// A reader whose snapshot holds every write acknowledged before this call.
    pub fn take(&self) -> StoreResult<Reader> {
        let epoch = self.writes.get();
        let mut reader = match self.idle.pop() {
            Some(reader) => reader,
            None => Reader {
                conn: open_connection(&self.path, self.durability, true)?,
                snapshot: None,
                memo: JoinMemo::default(),
            },
        };
        reader.refresh(epoch)?;
        Ok(reader)
    }

    /// Puts a reader back. After a failed read its snapshot is let go, in case the failure left
    /// the transaction in a state worth not keeping.
    pub fn give_back(&self, mut reader: Reader, succeeded: bool) {
        if !succeeded {
            reader.release();
        }
        if self.is_closed() {
            return;
        }
        // A full queue drops (closes) the extra connection.
        let _ = self.idle.push(reader);
    }

    /// Releases the snapshots of idle readers that are stale or old, so that none holds back a
    /// checkpoint. Called by the writer thread.
    pub fn sweep(&self) {
        let epoch = self.writes.get();
        let now = Instant::now();
        for _ in 0..self.idle.len() {
            let Some(mut reader) = self.idle.pop() else {
                break;
            };
            if !reader.current(epoch, now) {
                reader.release();
            }
            if self.idle.push(reader).is_err() {
                break;
            }
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Closes every idle reader; readers given back later are closed too.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        while self.idle.pop().is_some() {}
    }
}
