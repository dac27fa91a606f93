//! One memory map of each database file per process, shared by every reader connection.
//!
//! Reading a Pin's pages through a map instead of `pread` into each connection's page cache
//! saves a sixth of `GET /v5/pins/{id}`'s server CPU (bench/results/get-pin-profile.md). SQLite's
//! own `mmap_size` maps the file once per connection, though, and every mapping counts in the
//! process's RSS again: with two readers, the 200,000-Pin benchmark's RSS went past its 150 MB
//! target. So reader connections open through this VFS, a thin layer over SQLite's default
//! (`unix`) one that answers `xFetch` from a single read-only map of the file per process and
//! forwards everything else untouched.
//!
//! What SQLite asks of `xFetch` is kept as the `unix` VFS keeps it:
//! - a page is handed out only below the file's size as last seen by that connection, with 256
//!   bytes to spare (SQLite may read a few bytes past a page of a corrupt file), so a page beyond
//!   the end of the file is never touched: it would be a `SIGBUS`;
//! - `xUnfetch(0, NULL)` means "the file may have changed size": the connection looks at the size
//!   again (one `fstat`) before its next fetch. SQLite says so whenever another connection wrote.
//!
//! The map is reserved larger than the file ([`RESERVE`]) so that it never moves as the file
//! grows; pages past the reservation are read as before. Only main database files are mapped (WAL
//! pages are always read), and only for connections that set `mmap_size` above zero: the writer
//! opens through the default VFS.
//!
//! Like SQLite's own memory-mapped I/O, this trusts that nothing shrinks the file under a running
//! server (pinbox never does: no `VACUUM`, no auto-vacuum); a `VACUUM` from the `sqlite3` shell
//! while the server runs could end it with `SIGBUS`.

use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::os::unix::fs::MetadataExt;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use memmap2::{Mmap, MmapOptions};
use rusqlite::ffi;

/// The name reader connections open with.
pub const VFS_NAME: &CStr = c"pinbox-shared-map";

/// Address space reserved per database file. Nothing is committed: pages come in as they are
/// read. Far above the data dirs pinbox is for; pages past it are read with `pread`.
const RESERVE: usize = 8 << 30;

/// SQLite may read this far past the end of a page of a corrupt file (the `unix` VFS's margin).
const EOF_MARGIN: i64 = 256;

/// The file size is not known: look it up before the next fetch.
const SIZE_UNKNOWN: i64 = -1;

/// A read-only map of one database file, shared by every connection of this process that has
/// that file (device and inode) open.
struct SharedMap {
    map: Mmap,
}

/// A file's device and inode: the same file under any path.
type FileKey = (u64, u64);

/// Maps alive in this process; entries die with their last connection.
static MAPS: Mutex<Option<HashMap<FileKey, Weak<SharedMap>>>> = Mutex::new(None);

fn shared_map(path: &str) -> Option<Arc<SharedMap>> {
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    let key = (meta.dev(), meta.ino());
    let mut maps = MAPS.lock().unwrap_or_else(|e| e.into_inner());
    let maps = maps.get_or_insert_with(HashMap::new);
    if let Some(map) = maps.get(&key).and_then(Weak::upgrade) {
        return Some(map);
    }
    // SAFETY: a read-only shared map of the database file. Its bytes are read only below the file
    // size each connection last saw (see `x_fetch`), and pinbox never shrinks the file. The
    // reservation past the end is never touched until the file has grown over it.
    let map = unsafe { MmapOptions::new().len(RESERVE).map(&file) }.ok()?;
    let map = Arc::new(SharedMap { map });
    maps.retain(|_, m| m.strong_count() > 0);
    maps.insert(key, Arc::downgrade(&map));
    Some(map)
}

/// What SQLite holds for each open file: our header, then the `unix` VFS's own file object.
#[repr(C)]
struct MapFile {
    base: ffi::sqlite3_file,
    inner: *mut ffi::sqlite3_file,
    /// The file's path, kept for mapping it on the first fetch (main database files only).
    path: Option<String>,
    map: Option<Arc<SharedMap>>,
    /// `mmap_size` as the connection set it; zero means no fetches.
    mmap_limit: i64,
    /// The file size this connection last saw, or [`SIZE_UNKNOWN`].
    size: i64,
}

/// The header's size, rounded up so that the inner file object after it is 8-byte aligned.
const HEADER: usize = std::mem::size_of::<MapFile>().next_multiple_of(8);

/// The default VFS this one wraps, set once by [`register`].
static INNER_VFS: AtomicPtr<ffi::sqlite3_vfs> = AtomicPtr::new(std::ptr::null_mut());
static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers the VFS with SQLite, once per process. Call after SQLite is configured.
pub fn register() -> Result<(), String> {
    REGISTERED
        .get_or_init(|| {
            // SAFETY: SQLite's VFS list is only read here; the VFS object registered is leaked,
            // as SQLite keeps a pointer to it for the life of the process.
            unsafe {
                let inner = ffi::sqlite3_vfs_find(std::ptr::null());
                if inner.is_null() {
                    return Err("SQLite has no default VFS".to_string());
                }
                INNER_VFS.store(inner, Ordering::Release);
                let mut vfs = *inner;
                vfs.szOsFile = (HEADER + (*inner).szOsFile as usize) as c_int;
                vfs.zName = VFS_NAME.as_ptr();
                vfs.pNext = std::ptr::null_mut();
                vfs.xOpen = Some(x_open);
                // The `unix` VFS's other methods look at the VFS they are called through for
                // `mxPathname` at most, which is copied: they are used as they are.
                let vfs: &'static mut ffi::sqlite3_vfs = Box::leak(Box::new(vfs));
                match ffi::sqlite3_vfs_register(vfs, 0) {
                    ffi::SQLITE_OK => Ok(()),
                    rc => Err(format!(
                        "registering the shared-map VFS failed (SQLite code {rc})"
                    )),
                }
            }
        })
        .clone()
}

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SAFETY: SQLite gives `file` as `szOsFile` bytes, room for our header and the inner file.
    unsafe {
        let this = file as *mut MapFile;
        let inner = (file as *mut u8).add(HEADER) as *mut ffi::sqlite3_file;
        let inner_vfs = INNER_VFS.load(Ordering::Acquire);
        let open = (*inner_vfs).xOpen.expect("the default VFS opens files");
        (*inner).pMethods = std::ptr::null();
        let rc = open(inner_vfs, name, inner, flags, out_flags);
        if (*inner).pMethods.is_null() {
            (*this).base.pMethods = std::ptr::null();
            return rc;
        }
        let path = if flags & ffi::SQLITE_OPEN_MAIN_DB != 0 && !name.is_null() {
            CStr::from_ptr(name as *const c_char)
                .to_str()
                .ok()
                .map(str::to_owned)
        } else {
            None
        };
        std::ptr::write(
            this,
            MapFile {
                base: ffi::sqlite3_file { pMethods: &METHODS },
                inner,
                path,
                map: None,
                mmap_limit: 0,
                size: SIZE_UNKNOWN,
            },
        );
        rc
    }
}

/// The inner file and its methods.
///
/// # Safety
/// `file` must be a `MapFile` opened by `x_open`.
unsafe fn inner(
    file: *mut ffi::sqlite3_file,
) -> (*mut ffi::sqlite3_file, &'static ffi::sqlite3_io_methods) {
    unsafe {
        let inner = (*(file as *mut MapFile)).inner;
        (inner, &*(*inner).pMethods)
    }
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    unsafe {
        let (inner, m) = inner(file);
        let rc = m.xClose.map_or(ffi::SQLITE_OK, |f| f(inner));
        // Drops the path and this connection's hold on the map.
        std::ptr::drop_in_place(file as *mut MapFile);
        rc
    }
}

unsafe extern "C" fn x_read(
    f: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amt: c_int,
    off: i64,
) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xRead.expect("xRead")(inner, buf, amt, off)
    }
}

unsafe extern "C" fn x_write(
    f: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amt: c_int,
    off: i64,
) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        (*(f as *mut MapFile)).size = SIZE_UNKNOWN;
        m.xWrite.expect("xWrite")(inner, buf, amt, off)
    }
}

unsafe extern "C" fn x_truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        (*(f as *mut MapFile)).size = SIZE_UNKNOWN;
        m.xTruncate.expect("xTruncate")(inner, size)
    }
}

unsafe extern "C" fn x_sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xSync.expect("xSync")(inner, flags)
    }
}

unsafe extern "C" fn x_file_size(f: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        let rc = m.xFileSize.expect("xFileSize")(inner, size);
        // A fresh look at the size: fetches may go as far.
        (*(f as *mut MapFile)).size = if rc == ffi::SQLITE_OK {
            *size
        } else {
            SIZE_UNKNOWN
        };
        rc
    }
}

unsafe extern "C" fn x_lock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xLock.expect("xLock")(inner, level)
    }
}

unsafe extern "C" fn x_unlock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xUnlock.expect("xUnlock")(inner, level)
    }
}

unsafe extern "C" fn x_check_reserved_lock(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xCheckReservedLock.expect("xCheckReservedLock")(inner, out)
    }
}

unsafe extern "C" fn x_file_control(
    f: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    unsafe {
        if op == ffi::SQLITE_FCNTL_MMAP_SIZE {
            // Ours to answer: the inner VFS must not map the file a second time.
            let this = f as *mut MapFile;
            let wanted = *(arg as *mut i64);
            *(arg as *mut i64) = (*this).mmap_limit;
            if wanted >= 0 {
                (*this).mmap_limit = wanted;
            }
            return ffi::SQLITE_OK;
        }
        let (inner, m) = inner(f);
        m.xFileControl
            .map_or(ffi::SQLITE_NOTFOUND, |x| x(inner, op, arg))
    }
}

unsafe extern "C" fn x_sector_size(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xSectorSize.map_or(4096, |x| x(inner))
    }
}

unsafe extern "C" fn x_device_characteristics(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xDeviceCharacteristics.map_or(0, |x| x(inner))
    }
}

unsafe extern "C" fn x_shm_map(
    f: *mut ffi::sqlite3_file,
    page: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xShmMap
            .map_or(ffi::SQLITE_IOERR, |x| x(inner, page, size, extend, out))
    }
}

unsafe extern "C" fn x_shm_lock(
    f: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xShmLock
            .map_or(ffi::SQLITE_IOERR, |x| x(inner, offset, n, flags))
    }
}

unsafe extern "C" fn x_shm_barrier(f: *mut ffi::sqlite3_file) {
    unsafe {
        let (inner, m) = inner(f);
        if let Some(x) = m.xShmBarrier {
            x(inner)
        }
    }
}

unsafe extern "C" fn x_shm_unmap(f: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    unsafe {
        let (inner, m) = inner(f);
        m.xShmUnmap.map_or(ffi::SQLITE_OK, |x| x(inner, delete))
    }
}

/// Hands SQLite a page from the shared map when it lies within the file as this connection last
/// saw it; otherwise no page, and SQLite reads it.
unsafe extern "C" fn x_fetch(
    f: *mut ffi::sqlite3_file,
    off: i64,
    amt: c_int,
    out: *mut *mut c_void,
) -> c_int {
    unsafe {
        *out = std::ptr::null_mut();
        let this = f as *mut MapFile;
        if (*this).mmap_limit <= 0 || (*this).path.is_none() {
            return ffi::SQLITE_OK;
        }
        if (*this).size == SIZE_UNKNOWN {
            let mut size = 0i64;
            let rc = x_file_size(f, &mut size);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
        }
        if (*this).map.is_none() {
            (*this).map = (*this).path.as_deref().and_then(shared_map);
            if (*this).map.is_none() {
                // Could not map (address space limits, say): read as SQLite otherwise would.
                (*this).path = None;
                return ffi::SQLITE_OK;
            }
        }
        let this = &*this;
        let Some(map) = &this.map else {
            return ffi::SQLITE_OK;
        };
        let end = off + amt as i64 + EOF_MARGIN;
        if off >= 0 && end <= this.size && end <= this.mmap_limit && end as usize <= map.map.len() {
            *out = map.map.as_ptr().add(off as usize) as *mut c_void;
        }
        ffi::SQLITE_OK
    }
}

/// Releasing one page needs nothing (the map stays); a release of everything (`p` null) is SQLite
/// saying the file may have changed size, so the next fetch looks again.
unsafe extern "C" fn x_unfetch(f: *mut ffi::sqlite3_file, _off: i64, p: *mut c_void) -> c_int {
    unsafe {
        if p.is_null() {
            (*(f as *mut MapFile)).size = SIZE_UNKNOWN;
        }
        ffi::SQLITE_OK
    }
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: Some(x_fetch),
    xUnfetch: Some(x_unfetch),
};

#[cfg(test)]
mod tests {
    use std::path::Path;

    use rusqlite::Connection;

    use crate::store::sqlite::engine::{Durability, open_connection};

    /// Enough rows that the table spans a few hundred pages.
    const ROWS: i64 = 2_000;

    fn writer(path: &Path) -> Connection {
        let c = open_connection(path, Durability::None, false).unwrap();
        c.execute_batch("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .unwrap();
        c
    }

    /// Writes `rows` rows of `fill`, then moves them from the WAL into the file, where readers
    /// fetch them from the map.
    fn write_rows(c: &Connection, rows: i64, fill: &str) {
        c.execute_batch("BEGIN").unwrap();
        for id in 0..rows {
            c.execute(
                "INSERT OR REPLACE INTO t (id, v) VALUES (?1, ?2)",
                rusqlite::params![id, fill.repeat(400)],
            )
            .unwrap();
        }
        c.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }

    fn total(c: &Connection) -> (i64, String) {
        c.query_row(
            "SELECT sum(length(v)), group_concat(DISTINCT substr(v, 1, 1)) FROM t",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    /// Lines of this process's memory map that map `path`.
    fn mappings_of(path: &Path) -> usize {
        let path = path.canonicalize().unwrap();
        let path = path.to_str().unwrap();
        std::fs::read_to_string("/proc/self/maps")
            .unwrap()
            .lines()
            .filter(|l| l.ends_with(path))
            .count()
    }

    #[test]
    fn reader_connections_share_one_map_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let w = writer(&path);
        write_rows(&w, ROWS, "a");
        let readers: Vec<Connection> = (0..3)
            .map(|_| open_connection(&path, Durability::None, true).unwrap())
            .collect();
        for r in &readers {
            assert_eq!(total(r), (ROWS * 400, "a".to_string()));
        }
        // One map, not one per reader (SQLite's own mmap), and not none (no page was fetched).
        assert_eq!(mappings_of(&path), 1);
        drop(readers);
        assert_eq!(
            mappings_of(&path),
            0,
            "the map outlived its last connection"
        );
    }

    #[test]
    fn readers_see_pages_the_file_gained_and_pages_rewritten_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let w = writer(&path);
        write_rows(&w, 10, "a");
        let r = open_connection(&path, Durability::None, true).unwrap();
        assert_eq!(total(&r), (10 * 400, "a".to_string()));
        let before = std::fs::metadata(&path).unwrap().len();
        // The file grows past the size the reader last saw...
        write_rows(&w, ROWS, "b");
        assert!(std::fs::metadata(&path).unwrap().len() > before * 10);
        assert_eq!(total(&r), (ROWS * 400, "b".to_string()));
        // ...and its pages are rewritten where they are, under the same map.
        write_rows(&w, ROWS, "c");
        assert_eq!(total(&r), (ROWS * 400, "c".to_string()));
        assert_eq!(mappings_of(&path), 1);
    }

    #[test]
    fn the_writer_reads_without_the_map() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let w = writer(&path);
        write_rows(&w, ROWS, "a");
        assert_eq!(total(&w), (ROWS * 400, "a".to_string()));
        assert_eq!(mappings_of(&path), 0);
    }
}
