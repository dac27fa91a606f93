//! How pinbox drives SQLite: one writer thread that commits queued writes in groups (one fsync
//! for many acknowledged writes), and a pool of reader connections (`readers`) used right on the
//! calling thread. WAL mode lets readers, the writer and a `pinbox` CLI process on the same file
//! work at once.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, Once, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::pins::JoinMemo;
use crate::store::sqlite::readers::{Reader, ReaderPool, SWEEP_EVERY};

/// Most writes one commit may carry; bounds the latency a queued write can wait behind others.
const MAX_BATCH: usize = 256;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: an acknowledged write survives a crash of the process or the machine.
    Full,
    /// `synchronous=OFF`: for throwaway (ephemeral) stores only.
    None,
}

trait WriteJob: Send {
    /// Runs inside the batch's transaction; `false` means the job failed and its savepoint is rolled back.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Reports the outcome once the batch is committed (or failed to commit).
    fn finish(self: Box<Self>, commit: Result<(), String>);
}

struct Job<T, F> {
    work: Option<F>,
    outcome: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> WriteJob for Job<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> StoreResult<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let work = self.work.take().expect("a job runs once");
        let outcome = match catch_unwind(AssertUnwindSafe(|| work(conn))) {
            Ok(r) => r,
            Err(_) => Err(StoreError::Backend(anyhow::anyhow!(
                "a store write panicked; it was rolled back"
            ))),
        };
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), String>) {
        let outcome = match (commit, self.outcome) {
            (_, Some(Err(e))) => Err(e),
            (Ok(()), Some(ok)) => ok,
            (Err(msg), _) => Err(StoreError::Backend(anyhow::anyhow!(
                "committing to SQLite failed: {msg}"
            ))),
            (Ok(()), None) => Err(StoreError::Backend(anyhow::anyhow!("a write never ran"))),
        };
        let _ = self.reply.send(outcome);
    }
}

pub struct Engine {
    writer: Mutex<Option<mpsc::Sender<Box<dyn WriteJob>>>>,
    writer_thread: Mutex<Option<JoinHandle<()>>>,
    readers: Arc<ReaderPool>,
}

impl Engine {
    /// Opens the database file, runs `init` (migrations) on the writer connection, and starts the writer.
    pub fn open(
        path: &Path,
        durability: Durability,
        init: impl FnOnce(&mut Connection) -> StoreResult<()>,
    ) -> StoreResult<Arc<Engine>> {
        let readers = Arc::new(ReaderPool::new(path, durability)?);
        let mut conn = open_connection(path, durability, false)?;
        init(&mut conn)?;
        // Migrations may have changed what a running server's readers hold.
        readers.written();
        let (tx, rx) = mpsc::channel::<Box<dyn WriteJob>>();
        let pool = Arc::clone(&readers);
        let thread = std::thread::Builder::new()
            .name("pinbox-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx, &pool))
            .map_err(|e| StoreError::Backend(anyhow::anyhow!("starting the writer thread: {e}")))?;
        Ok(Arc::new(Engine {
            writer: Mutex::new(Some(tx)),
            writer_thread: Mutex::new(Some(thread)),
            readers,
        }))
    }

    /// Runs `work` on a reader connection, right here on the calling task's thread. It sees
    /// every write acknowledged before the call (see `readers` for the snapshots readers keep).
    ///
    /// Reads are point lookups and short keyset scans over pages SQLite has cached: a few
    /// microseconds to a millisecond of CPU. Handing each to a blocking thread cost more in
    /// thread wake-ups than the query itself (measured: most of the time of `GET /v5/pins/{id}`),
    /// so they run inline, and concurrency is bounded by the runtime's worker threads.
    pub async fn read<T, F>(self: &Arc<Self>, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.read_with_memo(|conn, _| work(conn)).await
    }

    /// [`Engine::read`], also telling from when the database was read: the answer holds every
    /// change made before that instant, by any program.
    pub async fn read_as_of<T, F>(self: &Arc<Self>, work: F) -> StoreResult<(T, Instant)>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let asked = Instant::now();
        self.with_reader(move |reader| {
            let as_of = reader.snapshot_began().unwrap_or(asked);
            work(&reader.conn).map(|t| (t, as_of))
        })
    }

    /// [`Engine::read`], with the reader's memo of lookups made under its snapshot.
    pub async fn read_with_memo<T, F>(self: &Arc<Self>, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &mut JoinMemo) -> StoreResult<T> + Send + 'static,
    {
        self.with_reader(|reader| {
            let Reader { conn, memo, .. } = reader;
            work(conn, memo)
        })
    }

    /// Runs `work` on a reader whose snapshot holds every acknowledged write, right on the
    /// calling thread.
    fn with_reader<T>(&self, work: impl FnOnce(&mut Reader) -> StoreResult<T>) -> StoreResult<T> {
        if self.readers.is_closed() {
            return Err(closed());
        }
        let mut reader = self.readers.take()?;
        let result = catch_unwind(AssertUnwindSafe(|| work(&mut reader)));
        self.readers.give_back(reader, matches!(result, Ok(Ok(_))));
        result.unwrap_or_else(|_| {
            Err(StoreError::Backend(anyhow::anyhow!(
                "a store read panicked"
            )))
        })
    }

    /// Queues `work` for the writer; resolves once its transaction is durably committed.
    pub async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn WriteJob> = Box::new(Job {
            work: Some(work),
            outcome: None,
            reply,
        });
        {
            let writer = self.writer.lock().expect("writer lock");
            let Some(tx) = writer.as_ref() else {
                return Err(closed());
            };
            tx.send(job).map_err(|_| closed())?;
        }
        answer.await.map_err(|_| closed())?
    }

    /// Stops the writer after the queued writes, checkpoints the WAL and closes every connection.
    pub fn close(&self) -> StoreResult<()> {
        // Readers first: a snapshot they hold would keep the final checkpoint waiting.
        self.readers.close();
        drop(self.writer.lock().expect("writer lock").take());
        if let Some(handle) = self.writer_thread.lock().expect("thread lock").take() {
            let _ = handle.join();
        }
        Ok(())
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

fn closed() -> StoreError {
    StoreError::Unavailable("the SQLite store is closed".into())
}

/// Turns off SQLite's memory statistics, once, before the first connection initialises SQLite.
/// With them on (the bundled build's default), every allocation SQLite makes takes one
/// process-wide mutex, which concurrent readers contend for on every query.
#[allow(unsafe_code)] // each block says why it is sound
fn configure_sqlite_once() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: called before any connection exists (this runs ahead of the first open), as
        // sqlite3_config requires; a refusal (SQLite already initialised) changes nothing.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

pub fn open_connection(
    path: &Path,
    durability: Durability,
    reader: bool,
) -> StoreResult<Connection> {
    configure_sqlite_once();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    // The writer keeps the larger cache; each reader a small one, as they share the OS page cache.
    let cache_kib = if reader { 4_000 } else { 16_000 };
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::None => "OFF",
    };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = {synchronous};
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{cache_kib};"
    ))
    .map_err(backend)?;
    if reader {
        // No `mmap_size`: mapping the file saves a sixth of GET one Pin's CPU, but the mapped
        // pages count in RSS, which then grows with the data set (bench/results/get-pin-profile.md).
        conn.execute_batch("PRAGMA query_only = ON;")
            .map_err(backend)?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

pub fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(anyhow::Error::new(e))
}

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Box<dyn WriteJob>>, readers: &ReaderPool) {
    let mut swept = Instant::now();
    loop {
        match rx.recv_timeout(SWEEP_EVERY) {
            Ok(first) => {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let commit = run_batch(&conn, &mut batch);
                // Before acknowledging: a read that starts once a write is acknowledged sees it.
                readers.written();
                for job in batch {
                    job.finish(commit.clone());
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if swept.elapsed() >= SWEEP_EVERY {
            readers.sweep();
            swept = Instant::now();
        }
    }
    // Leave a tidy file behind: fold the WAL back into the database.
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
}

fn run_batch(conn: &Connection, batch: &mut [Box<dyn WriteJob>]) -> Result<(), String> {
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| e.to_string())?;
    for job in batch.iter_mut() {
        if let Err(e) = conn.execute_batch("SAVEPOINT job") {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e.to_string());
        }
        let ok = job.run(conn);
        let end = if ok {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        if let Err(e) = conn.execute_batch(end) {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e.to_string());
        }
    }
    conn.execute_batch("COMMIT").map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK");
        e.to_string()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(unsafe_code)] // each block says why it is sound
    fn page_caches_are_separate() {
        // With this option, every connection's page cache shares one group behind a process-wide
        // mutex (`.cargo/config.toml` says why it is left out).
        super::configure_sqlite_once();
        // SAFETY: a query of SQLite's compile-time options, with a NUL-terminated name.
        let used = unsafe {
            rusqlite::ffi::sqlite3_compileoption_used(c"ENABLE_MEMORY_MANAGEMENT".as_ptr())
        };
        assert_eq!(
            used, 0,
            "SQLite was built with SQLITE_ENABLE_MEMORY_MANAGEMENT"
        );
    }
}
