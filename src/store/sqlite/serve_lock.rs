//! One server per SQLite data dir: `pinbox serve` holds an exclusive lock on
//! `<data dir>/pinbox.serve.lock` for as long as it runs. Rate-limit windows live in the serving
//! process's memory, which is exact only if that process sees every request; a second server
//! on the same data dir would count apart, so it refuses to start. The admin commands never
//! take the lock and keep working while a server runs.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const LOCK_FILE: &str = "pinbox.serve.lock";

/// The held lock; dropping it (or the process ending, however it ends) releases it.
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
    pub path: PathBuf,
}

/// Takes the data dir's serve lock, or explains who holds it.
pub fn acquire(data_dir: &Path) -> anyhow::Result<ServeLock> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| anyhow::anyhow!("cannot create the data dir {}: {e}", data_dir.display()))?;
    let path = data_dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let by = if holder.is_empty() {
                String::new()
            } else {
                format!(" (pid {holder})")
            };
            anyhow::bail!(
                "another pinbox server{by} is already serving the data dir {}. With SQLite, one \
                 server serves a data dir (its rate-limit counts live in that process). Stop it, \
                 use another --data-dir, or run several replicas on PostgreSQL \
                 (--database-url). The admin commands (user, app, token) work while it runs.",
                data_dir.display()
            );
        }
        Err(TryLockError::Error(e)) => {
            anyhow::bail!("cannot lock {}: {e}", path.display());
        }
    }
    // Best effort: the pid only improves the message a second server prints.
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = writeln!(file, "{}", std::process::id());
    Ok(ServeLock { _file: file, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_dir_is_served_by_one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path()).expect("the first server locks the data dir");
        let err = acquire(dir.path()).expect_err("a second server is refused");
        let msg = err.to_string();
        assert!(msg.contains("already serving the data dir"), "{msg}");
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        drop(first);
        acquire(dir.path()).expect("free again once the first is gone");
    }
}
