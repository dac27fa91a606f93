//! What a connection's socket needs to know of its requests: whether a handler is running (then
//! no connection deadline applies; the body has its own) and how many requests have begun (a new
//! one ends the head being timed).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

#[derive(Default)]
pub(super) struct Activity {
    requests: AtomicU64,
    busy: AtomicBool,
}

impl Activity {
    /// A request's head is complete and its handler starts; it runs until the guard is dropped
    /// (hyper drops the handler's future as soon as the answer is ready, or when it gives up).
    pub(super) fn begin(self: &Arc<Self>) -> Busy {
        // The connection's task polls both sides, so no ordering beyond the task's own is needed.
        self.requests.fetch_add(1, Relaxed);
        self.busy.store(true, Relaxed);
        Busy(Arc::clone(self))
    }

    pub(super) fn busy(&self) -> bool {
        self.busy.load(Relaxed)
    }

    pub(super) fn requests(&self) -> u64 {
        self.requests.load(Relaxed)
    }
}

pub(super) struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.store(false, Relaxed);
    }
}
