//! One piece of work per key at a time within this process: callers that ask for a key while its
//! work runs wait for that work's result instead of repeating it. A page showing a new Pin asks
//! for its renditions at once, and each would otherwise decode the same original.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

pub struct SingleFlight<V> {
    running: Mutex<HashMap<String, Arc<OnceCell<V>>>>,
}

impl<V> Default for SingleFlight<V> {
    fn default() -> Self {
        SingleFlight {
            running: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> SingleFlight<V> {
    /// Runs `work` for `key`, or waits for the run already under way and shares its result. A
    /// failed or cancelled run is not shared: the next waiter runs `work` itself.
    pub async fn run<E, F, Fut>(&self, key: &str, work: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let cell = self
            .lock()
            .entry(key.to_string())
            .or_insert_with(|| Arc::new(OnceCell::new()))
            .clone();
        let out = cell.get_or_try_init(work).await.cloned();
        let mut running = self.lock();
        if running.get(key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
            running.remove(key);
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<OnceCell<V>>>> {
        // The map is left whole by every critical section, so a panic elsewhere cannot spoil it.
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn callers_during_a_run_share_it_and_later_callers_run_again() {
        let flight = Arc::new(SingleFlight::<usize>::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Notify::new());
        let call = |flight: Arc<SingleFlight<usize>>,
                    runs: Arc<AtomicUsize>,
                    gate: Arc<tokio::sync::Notify>| async move {
            flight
                .run::<(), _, _>("k", || async {
                    gate.notified().await;
                    Ok(runs.fetch_add(1, Ordering::SeqCst) + 1)
                })
                .await
        };
        let waiting: Vec<_> = (0..4)
            .map(|_| tokio::spawn(call(flight.clone(), runs.clone(), gate.clone())))
            .collect();
        tokio::task::yield_now().await;
        while runs.load(Ordering::SeqCst) == 0 {
            gate.notify_waiters();
            tokio::task::yield_now().await;
        }
        for w in waiting {
            assert_eq!(
                w.await.unwrap(),
                Ok(1),
                "every caller got the one run's result"
            );
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        gate.notify_one();
        assert_eq!(
            call(flight.clone(), runs.clone(), gate.clone()).await,
            Ok(2)
        );
        assert!(
            flight.lock().is_empty(),
            "finished runs leave nothing behind"
        );
    }

    #[tokio::test]
    async fn a_failed_run_is_not_shared() {
        let flight = SingleFlight::<u8>::default();
        assert_eq!(
            flight.run("k", || async { Err("broken") }).await,
            Err("broken")
        );
        assert_eq!(
            flight.run::<&str, _, _>("k", || async { Ok(7) }).await,
            Ok(7)
        );
    }
}
