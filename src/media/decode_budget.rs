//! How many images are decoded at once: each decode first reserves, from one memory budget, what
//! its header says decoding will hold, then takes one of the core-count slots. Large images queue
//! behind each other instead of adding up, whatever the number of cores; small ones still run
//! one per core.

use tokio::sync::{AcquireError, Semaphore, SemaphorePermit};

/// Permits count KiB, so that a budget of many gigabytes fits a semaphore's permit count.
const UNIT: u64 = 1024;

pub struct DecodeBudget {
    memory: Semaphore,
    memory_units: u32,
    cores: Semaphore,
}

/// What one decode holds until it is dropped.
pub struct Reservation<'a> {
    _memory: SemaphorePermit<'a>,
    _core: SemaphorePermit<'a>,
}

impl DecodeBudget {
    /// A budget of `bytes` shared by decodes in flight, at most `parallel` of them at once.
    pub fn new(bytes: u64, parallel: usize) -> DecodeBudget {
        let units = bytes.div_ceil(UNIT).clamp(1, u32::MAX as u64) as u32;
        DecodeBudget {
            memory: Semaphore::new(units as usize),
            memory_units: units,
            cores: Semaphore::new(parallel.max(1)),
        }
    }

    /// Waits until `bytes` of the budget are free (all of it, for a decode that needs more than
    /// the whole budget: it then runs alone) and a slot is, and holds both.
    pub async fn reserve(&self, bytes: u64) -> Result<Reservation<'_>, AcquireError> {
        let units = bytes.div_ceil(UNIT).clamp(1, self.memory_units as u64) as u32;
        let memory = self.memory.acquire_many(units).await?;
        let core = self.cores.acquire().await?;
        Ok(Reservation {
            _memory: memory,
            _core: core,
        })
    }

    /// Bytes of the budget no decode holds now.
    pub fn available_bytes(&self) -> u64 {
        self.memory.available_permits() as u64 * UNIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const MB: u64 = 1024 * 1024;

    #[tokio::test]
    async fn large_decodes_wait_for_each_other_however_many_cores_there_are() {
        let budget = DecodeBudget::new(100 * MB, 64);
        let first = budget.reserve(60 * MB).await.unwrap();
        assert_eq!(budget.available_bytes(), 40 * MB);
        let second = tokio::time::timeout(Duration::from_millis(50), budget.reserve(60 * MB)).await;
        assert!(
            second.is_err(),
            "two 60 MB decodes ran at once on a 100 MB budget"
        );
        let small = tokio::time::timeout(Duration::from_millis(50), budget.reserve(MB))
            .await
            .expect("a small decode fits beside the large one");
        drop(small);
        drop(first);
        let second = tokio::time::timeout(Duration::from_millis(50), budget.reserve(60 * MB))
            .await
            .expect("the budget is free again");
        drop(second);
        assert_eq!(budget.available_bytes(), 100 * MB);
    }

    #[tokio::test]
    async fn a_decode_larger_than_the_budget_runs_alone() {
        let budget = DecodeBudget::new(100 * MB, 4);
        let huge = budget.reserve(500 * MB).await.unwrap();
        assert_eq!(budget.available_bytes(), 0);
        let other = tokio::time::timeout(Duration::from_millis(50), budget.reserve(1)).await;
        assert!(other.is_err());
        drop(huge);
        assert!(budget.reserve(1).await.is_ok());
    }

    #[tokio::test]
    async fn small_decodes_are_bounded_by_the_slots() {
        let budget = DecodeBudget::new(100 * MB, 2);
        let a = budget.reserve(MB).await.unwrap();
        let b = budget.reserve(MB).await.unwrap();
        let c = tokio::time::timeout(Duration::from_millis(50), budget.reserve(MB)).await;
        assert!(c.is_err(), "a third decode ran on two slots");
        drop((a, b));
    }
}
