//! The reader connections, and the snapshots they keep between requests.
//!
//! Beginning and ending a read transaction costs SQLite a lock and an unlock of a WAL read mark
//! (`fcntl`), a look at the file's size (`fstat`) and turns on the process-wide mutex that guards
//! both, which the other readers wait on: an eighth to a fifth of `GET /v5/pins/{id}`'s server
//! CPU, measured (bench/results/get-pin-profile.md). So a reader keeps its read transaction, its
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
use crate::store::sqlite::engine::{Durability, backend, open_connection};
use crate::store::sqlite::pins::JoinMemo;
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use rusqlite::Connection;

    use crate::domain::storage::StoreResult;
    use crate::store::sqlite::engine::{Durability, Engine};

    const PATIENCE: Duration = Duration::from_secs(5);

    fn open(path: &std::path::Path) -> Arc<Engine> {
        Engine::open(path, Durability::None, |c| {
            c.execute_batch("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
                .map_err(super::backend)
        })
        .unwrap()
    }

    async fn count(engine: &Arc<Engine>) -> i64 {
        engine
            .read(|c| {
                c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                    .map_err(super::backend)
            })
            .await
            .unwrap()
    }

    async fn insert(engine: &Arc<Engine>, rows: i64) {
        engine
            .write(move |c| -> StoreResult<()> {
                for x in 0..rows {
                    c.execute("INSERT INTO t (x) VALUES (?1)", [x])
                        .map_err(super::backend)?;
                }
                Ok(())
            })
            .await
            .unwrap();
    }

    /// Polls `done` until it holds or [`PATIENCE`] runs out.
    async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if done().await {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    #[tokio::test]
    async fn a_reader_keeps_its_snapshot_from_one_read_to_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let engine = open(&dir.path().join("db"));
        assert_eq!(count(&engine).await, 0);
        let in_transaction = engine.read(|c| Ok(!c.is_autocommit())).await.unwrap();
        assert!(in_transaction, "the read ran outside a kept transaction");
        engine.close().unwrap();
    }

    #[tokio::test]
    async fn a_write_acknowledged_anywhere_shows_on_the_next_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        // Two engines on one file: a server and a `pinbox` CLI process.
        let (server, cli) = (open(&path), open(&path));
        assert_eq!(count(&server).await, 0);
        insert(&cli, 1).await;
        assert_eq!(count(&server).await, 1, "the other process's write");
        insert(&server, 2).await;
        assert_eq!(count(&server).await, 3, "its own write");
        assert_eq!(count(&cli).await, 3);
        server.close().unwrap();
        cli.close().unwrap();
    }

    #[tokio::test]
    async fn a_write_made_outside_pinbox_shows_once_the_snapshot_expires() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let engine = open(&path);
        assert_eq!(count(&engine).await, 0);
        // The sqlite3 shell, say: it knows nothing of the write epoch.
        let shell = Connection::open(&path).unwrap();
        shell.execute("INSERT INTO t (x) VALUES (1)", []).unwrap();
        assert!(eventually(async || count(&engine).await == 1).await);
        engine.close().unwrap();
    }

    #[tokio::test]
    async fn idle_readers_let_go_of_stale_snapshots_so_checkpoints_finish() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let (server, cli) = (open(&path), open(&path));
        assert_eq!(count(&server).await, 0);
        insert(&cli, 100).await;
        // The server reads nothing more; its idle reader must not keep the WAL from the file.
        let checkpointer = Connection::open(&path).unwrap();
        let finished = eventually(async || {
            let (busy, log, done): (i64, i64, i64) = checkpointer
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .unwrap();
            busy == 0 && log == done
        })
        .await;
        assert!(finished, "a checkpoint never got past the idle reader");
        server.close().unwrap();
        cli.close().unwrap();
    }

    #[tokio::test]
    async fn closing_folds_the_wal_back_despite_held_snapshots() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let engine = open(&path);
        assert_eq!(count(&engine).await, 0);
        insert(&engine, 100).await;
        assert_eq!(count(&engine).await, 100);
        // Another process keeps the file open, so SQLite's own fold on the last close cannot
        // stand in for the engine's.
        let other = Connection::open(&path).unwrap();
        let seen: i64 = other
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seen, 100);
        engine.close().unwrap();
        let wal = std::fs::metadata(dir.path().join("db-wal")).map_or(0, |m| m.len());
        assert_eq!(wal, 0, "the WAL was left with {wal} bytes");
        drop(other);
    }
}
