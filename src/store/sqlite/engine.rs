//! How pinbox drives SQLite: one writer thread that commits queued writes in groups (one fsync
//! for many acknowledged writes), and a pool of reader connections (`readers`) used right on the
//! calling thread. WAL mode lets readers, the writer and a `pinbox` CLI process on the same file
//! work at once.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Instant;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::connection::{Durability, open_connection};
use crate::store::sqlite::memo::JoinMemo;
use crate::store::sqlite::readers::{Reader, ReaderPool, SWEEP_EVERY};

/// Most writes one commit may carry; bounds the latency a queued write can wait behind others.
const MAX_BATCH: usize = 256;

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
    /// thread wake-ups than the query itself (most of the time of `GET /v5/pins/{id}`),
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
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use rusqlite::Connection;

    use super::Engine;
    use crate::domain::storage::StoreResult;
    use crate::store::sqlite::connection::Durability;
    use crate::store::sqlite::errors::backend;

    const PATIENCE: Duration = Duration::from_secs(5);

    fn open(path: &std::path::Path) -> Arc<Engine> {
        Engine::open(path, Durability::None, |c| {
            c.execute_batch("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
                .map_err(backend)
        })
        .unwrap()
    }

    async fn count(engine: &Arc<Engine>) -> i64 {
        engine
            .read(|c| {
                c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                    .map_err(backend)
            })
            .await
            .unwrap()
    }

    async fn insert(engine: &Arc<Engine>, rows: i64) {
        engine
            .write(move |c| -> StoreResult<()> {
                for x in 0..rows {
                    c.execute("INSERT INTO t (x) VALUES (?1)", [x])
                        .map_err(backend)?;
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
