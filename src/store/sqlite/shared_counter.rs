//! A counter every process that opens a data dir sees: one `u64` in a small file each process
//! maps. Bumping it tells every other process (a server, a `pinbox` CLI) that something it may
//! have kept in memory is out of date; reading it is one atomic load, with no system call.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::MmapMut;

pub struct SharedCounter {
    map: MmapMut,
}

impl SharedCounter {
    /// Maps the counter in `path`, creating the file (at zero) if needed.
    #[allow(unsafe_code)] // each block says why it is sound
    pub fn open(path: &Path) -> std::io::Result<SharedCounter> {
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
        let map = unsafe { MmapMut::map_mut(&file)? };
        Ok(SharedCounter { map })
    }

    #[allow(unsafe_code)] // each block says why it is sound
    fn atomic(&self) -> &AtomicU64 {
        // SAFETY: the mapping is at least 8 bytes and page-aligned, so aligned for a u64, and
        // lives as long as `self`; all access is atomic.
        unsafe { &*(self.map.as_ptr() as *const AtomicU64) }
    }

    pub fn get(&self) -> u64 {
        self.atomic().load(Ordering::Acquire)
    }

    pub fn bump(&self) {
        self.atomic().fetch_add(1, Ordering::AcqRel);
    }
}
