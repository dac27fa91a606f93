//! The one clock every part of pinbox reads time from, so tests and operators can move time.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    pub fn plus(self, d: Duration) -> Timestamp {
        Timestamp(self.0.saturating_add(d.as_millis() as i64))
    }

    /// RFC 3339 in UTC with whole seconds, e.g. `2024-01-01T20:10:40Z`: what the spec's
    /// `format: date-time` asks for (Pinterest's own examples omit the `Z`; see docs/compatibility.md).
    pub fn to_rfc3339(self) -> String {
        let dt = OffsetDateTime::from_unix_timestamp(self.seconds())
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        dt.format(&Rfc3339)
            .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
    }

    pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
        let dt = OffsetDateTime::parse(s, &Rfc3339).ok()?;
        Some(Timestamp((dt.unix_timestamp_nanos() / 1_000_000) as i64))
    }
}

/// A clock that is the system clock plus an adjustable offset, or frozen at one instant.
///
/// Cloning shares the same clock: moving one moves them all.
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<ClockState>,
}

#[derive(Debug)]
struct ClockState {
    offset_ms: AtomicI64,
    /// `i64::MIN` while running; otherwise the instant the clock is frozen at.
    frozen_at: AtomicI64,
}

const RUNNING: i64 = i64::MIN;

impl Clock {
    /// The system clock, unmoved.
    pub fn system() -> Clock {
        Clock {
            inner: Arc::new(ClockState {
                offset_ms: AtomicI64::new(0),
                frozen_at: AtomicI64::new(RUNNING),
            }),
        }
    }

    /// A clock stopped at `at`; it only moves when told to.
    pub fn frozen(at: Timestamp) -> Clock {
        let clock = Clock::system();
        clock.inner.frozen_at.store(at.0, Ordering::SeqCst);
        clock
    }

    pub fn now(&self) -> Timestamp {
        let frozen = self.inner.frozen_at.load(Ordering::Relaxed);
        if frozen != RUNNING {
            return Timestamp(frozen);
        }
        Timestamp(system_millis() + self.inner.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock forward (a negative jump is refused by the type).
    pub fn advance(&self, by: Duration) {
        let ms = by.as_millis().min(i64::MAX as u128) as i64;
        let frozen = self.inner.frozen_at.load(Ordering::SeqCst);
        if frozen != RUNNING {
            self.inner
                .frozen_at
                .store(frozen.saturating_add(ms), Ordering::SeqCst);
        } else {
            self.inner.offset_ms.fetch_add(ms, Ordering::SeqCst);
        }
    }

    /// Sets the current instant; a running clock keeps running from there.
    pub fn set(&self, at: Timestamp) {
        if self.is_frozen() {
            self.inner.frozen_at.store(at.0, Ordering::SeqCst);
        } else {
            self.inner
                .offset_ms
                .store(at.0 - system_millis(), Ordering::SeqCst);
        }
    }

    pub fn is_frozen(&self) -> bool {
        self.inner.frozen_at.load(Ordering::SeqCst) != RUNNING
    }
}

fn system_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_clock_moves_only_when_advanced() {
        let clock = Clock::frozen(Timestamp(1_700_000_000_000));
        assert_eq!(clock.now(), Timestamp(1_700_000_000_000));
        clock.advance(Duration::from_secs(86_400));
        assert_eq!(clock.now(), Timestamp(1_700_086_400_000));
    }

    #[test]
    fn clones_share_one_clock() {
        let a = Clock::frozen(Timestamp(0));
        let b = a.clone();
        a.advance(Duration::from_secs(5));
        assert_eq!(b.now(), Timestamp(5_000));
    }

    #[test]
    fn a_running_clock_can_be_moved_forward() {
        let clock = Clock::system();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now().0 - before.0 >= 3_600_000);
    }

    #[test]
    fn timestamps_render_as_rfc3339_utc() {
        assert_eq!(
            Timestamp(1_704_139_840_000).to_rfc3339(),
            "2024-01-01T20:10:40Z"
        );
        assert_eq!(
            Timestamp::parse_rfc3339("2024-01-01T20:10:40Z"),
            Some(Timestamp(1_704_139_840_000))
        );
    }
}
