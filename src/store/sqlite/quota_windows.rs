//! Rate-limit windows in process memory, where the SQLite engine's quota store counts. SQLite
//! mode runs one server process per data dir (`serve` holds the data dir's lock, see
//! `serve_lock`), so this process sees every request there is and its counts are exact.
//!
//! The hot path takes one of many shard locks (never a global one), hashes two ids, and finds a
//! key's windows in a short vector; it allocates only when a key is first seen. Windows that ended
//! are dropped by [`MemoryQuotas::sweep`], which the server calls periodically, so idle apps and
//! users cost nothing.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::clock::Timestamp;
use crate::domain::rate_limits::{MAX_QUOTAS, Quota, QuotaKey, QuotaTake, WindowUse};

/// Enough shards that two cores (or sixty-four) rarely wait for one another.
const SHARDS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    app: i64,
    /// 0 when the key is the app alone.
    user: i64,
    env: i64,
}

/// One quota's current window for one key.
#[derive(Debug, Clone, Copy)]
struct Window {
    scope: u8,
    window_secs: u32,
    start: i64,
    used: u32,
}

/// Every window of one key; the key can be forgotten once `expires_at` has passed.
#[derive(Debug)]
struct Entry {
    expires_at: i64,
    windows: Vec<Window>,
}

type Map = HashMap<Key, Entry, BuildHasherDefault<IdHasher>>;

/// A shard on its own cache lines, so that two cores locking neighbours do not slow each other.
#[repr(align(128))]
struct Shard(Mutex<Map>);

pub struct MemoryQuotas {
    shards: Box<[Shard]>,
}

impl Default for MemoryQuotas {
    fn default() -> MemoryQuotas {
        MemoryQuotas::new()
    }
}

impl MemoryQuotas {
    pub fn new() -> MemoryQuotas {
        MemoryQuotas {
            shards: (0..SHARDS)
                .map(|_| Shard(Mutex::new(Map::default())))
                .collect(),
        }
    }

    fn shard(&self, key: &Key) -> MutexGuard<'_, Map> {
        let mut h = IdHasher::default();
        key.hash(&mut h);
        // Middle bits: the map itself uses the lowest (bucket) and the top seven (tags).
        let i = (h.finish() >> 40) as usize % SHARDS;
        // A panic while holding a shard cannot leave a count half-updated in a way that matters
        // more than refusing every later request would.
        self.shards[i]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// See `Store::take_quota`: under the key's shard lock, every quota is checked, then every
    /// one is counted, or none.
    pub fn take(&self, key: QuotaKey, quotas: &[Quota], now: Timestamp) -> QuotaTake {
        let key = Key {
            app: key.app.0,
            user: key.user.map_or(0, |u| u.0),
            env: key.env.code(),
        };
        let quotas = &quotas[..quotas.len().min(MAX_QUOTAS)];
        let mut map = self.shard(&key);
        let entry = map.entry(key).or_insert_with(|| Entry {
            expires_at: 0,
            windows: Vec::with_capacity(MAX_QUOTAS),
        });
        let mut at = [0usize; MAX_QUOTAS];
        for (i, q) in quotas.iter().enumerate() {
            let start = q.window_start(now).millis();
            let code = q.scope.code();
            let pos = match entry
                .windows
                .iter()
                .position(|w| w.scope == code && w.window_secs == q.window_secs)
            {
                Some(p) => p,
                None => {
                    entry.windows.push(Window {
                        scope: code,
                        window_secs: q.window_secs,
                        start,
                        used: 0,
                    });
                    entry.windows.len() - 1
                }
            };
            let w = &mut entry.windows[pos];
            if start > w.start {
                w.start = start;
                w.used = 0;
            }
            entry.expires_at = entry.expires_at.max(w.start + q.window_millis());
            at[i] = pos;
        }
        let admitted = quotas
            .iter()
            .zip(at)
            .all(|(q, p)| entry.windows[p].used < q.limit);
        let mut windows = [WindowUse::NONE; MAX_QUOTAS];
        for (i, q) in quotas.iter().enumerate() {
            let w = &mut entry.windows[at[i]];
            if admitted {
                w.used += 1;
            }
            windows[i] = WindowUse {
                used: w.used,
                resets_at: Timestamp(w.start + q.window_millis()),
            };
        }
        QuotaTake { admitted, windows }
    }

    /// Drops every key whose windows have all ended by `now`, and gives memory back once a
    /// shard holds far fewer keys than it has room for. Returns how many keys went.
    pub fn sweep(&self, now: Timestamp) -> u64 {
        let mut removed = 0;
        for shard in self.shards.iter() {
            let mut map = shard.0.lock().unwrap_or_else(PoisonError::into_inner);
            let before = map.len();
            map.retain(|_, e| e.expires_at > now.millis());
            removed += (before - map.len()) as u64;
            if map.capacity() > 4 * map.len() + 64 {
                map.shrink_to_fit();
            }
        }
        removed
    }

    /// Keys held now.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.0.lock().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keys there is room for without growing: what the maps hold on to.
    pub fn capacity(&self) -> usize {
        self.shards
            .iter()
            .map(|s| {
                s.0.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .capacity()
            })
            .sum()
    }
}

/// A hasher for keys made of random 63-bit ids: they are spread already, so one multiply per
/// word mixes them well enough (SipHash would cost more than the rest of the lookup), and the
/// ids are the server's own, so nobody can choose colliding ones.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::catalog::RateCategory;
    use crate::clock::Clock;
    use crate::domain::env::Env;
    use crate::domain::ids::{AppId, UserId};
    use crate::domain::rate_limits::{Limit, QuotaScope};

    const T0: Timestamp = Timestamp(1_793_491_200_000); // 2026-11-01T00:00:00Z

    fn key(app: i64, user: Option<i64>) -> QuotaKey {
        QuotaKey {
            app: AppId(app),
            user: user.map(UserId),
            env: Env::Production,
        }
    }

    fn overall(calls: u32, window_secs: u32) -> Quota {
        Quota::new(QuotaScope::Overall, Limit { calls, window_secs })
    }

    #[test]
    fn a_quota_admits_its_limit_per_window_and_starts_over_in_the_next() {
        let q = MemoryQuotas::new();
        let clock = Clock::frozen(T0);
        let quotas = [overall(3, 60)];
        for used in 1..=3 {
            let t = q.take(key(1, Some(2)), &quotas, clock.now());
            assert!(t.admitted);
            assert_eq!(t.windows[0].used, used);
            assert_eq!(t.windows[0].resets_at, Timestamp(T0.0 + 60_000));
        }
        assert!(!q.take(key(1, Some(2)), &quotas, clock.now()).admitted);
        // Another user of the app has a quota of its own.
        assert!(q.take(key(1, Some(3)), &quotas, clock.now()).admitted);
        clock.advance(std::time::Duration::from_secs(60));
        let t = q.take(key(1, Some(2)), &quotas, clock.now());
        assert!(t.admitted);
        assert_eq!(t.windows[0].used, 1);
    }

    #[test]
    fn a_refused_request_counts_against_no_quota() {
        let q = MemoryQuotas::new();
        let category = Quota::new(
            QuotaScope::Category(RateCategory::OrgWrite),
            Limit::per_minute(1),
        );
        let both = [overall(10, 1), category];
        assert!(q.take(key(1, None), &both, T0).admitted);
        let refused = q.take(key(1, None), &both, T0);
        assert!(!refused.admitted);
        assert_eq!(
            refused.windows[0].used, 1,
            "the overall quota was not counted"
        );
        assert_eq!(refused.windows[1].used, 1);
    }

    #[test]
    fn concurrent_takes_admit_exactly_the_limit() {
        let q = Arc::new(MemoryQuotas::new());
        let admitted = Arc::new(AtomicU32::new(0));
        let quotas = [overall(1_000, 60)];
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (q, admitted) = (Arc::clone(&q), Arc::clone(&admitted));
                std::thread::spawn(move || {
                    for _ in 0..500 {
                        if q.take(key(7, Some(8)), &quotas, T0).admitted {
                            admitted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(admitted.load(Ordering::Relaxed), 1_000);
    }

    /// Bounded memory: 100,000 users touching the limiter once are all forgotten once their
    /// windows have passed, and the maps give their room back.
    #[test]
    fn a_hundred_thousand_idle_keys_are_forgotten_after_their_window() {
        let q = MemoryQuotas::new();
        let clock = Clock::frozen(T0);
        let quotas = [
            overall(100, 1),
            Quota::new(
                QuotaScope::Category(RateCategory::OrgRead),
                Limit::per_minute(1_000),
            ),
        ];
        for user in 0..100_000 {
            assert!(
                q.take(key(1, Some(1_000 + user)), &quotas, clock.now())
                    .admitted
            );
        }
        assert_eq!(q.len(), 100_000);
        let full = q.capacity();
        assert!(full >= 100_000);
        // The per-second windows are over, the per-minute ones are not: nothing goes yet.
        clock.advance(std::time::Duration::from_secs(59));
        assert_eq!(q.sweep(clock.now()), 0);
        clock.advance(std::time::Duration::from_secs(1));
        assert_eq!(q.sweep(clock.now()), 100_000);
        assert!(q.is_empty());
        assert!(
            q.capacity() <= SHARDS * 64,
            "the maps kept room for {} keys after all {full} went",
            q.capacity()
        );
    }

    #[test]
    fn a_sweep_keeps_keys_whose_window_is_running() {
        let q = MemoryQuotas::new();
        let day = [overall(1_000, 86_400)];
        q.take(key(1, None), &day, T0);
        assert_eq!(q.sweep(Timestamp(T0.0 + 86_399_999)), 0);
        assert_eq!(q.take(key(1, None), &day, T0).windows[0].used, 2);
        assert_eq!(q.sweep(Timestamp(T0.0 + 86_400_000)), 1);
    }
}
