//! Rate limits as Pinterest applies them (seeds 001 and 003): which quotas a request counts
//! against, chosen by its app's access tier and its operation's rate-limit category, and what the
//! `x-ratelimit-*` headers say about them. Counting lives in the store (`QuotaStore::take_quota`),
//! so every replica of one database shares one count.

mod store;
pub use store::*;

use std::sync::Arc;

use crate::catalog::RateCategory;
use crate::clock::{Clock, Timestamp};
use crate::domain::apps::Tier;
use crate::domain::env::Env;
use crate::domain::ids::{AppId, UserId};
use crate::error::Result;

/// How many rate-limit categories there are (tables are indexed by `RateCategory::index`).
pub const CATEGORIES: usize = RateCategory::ALL.len();
/// At most this many quotas apply to one request: its tier's overall quota and its category's.
pub const MAX_QUOTAS: usize = 2;
/// The longest window a limit may have: a day, the Trial tier's.
pub const MAX_WINDOW_SECS: u32 = 86_400;

/// One limit: at most `calls` requests in each window of `window_secs` seconds. Windows are fixed
/// and aligned to the Unix epoch, so a minute starts at :00 and a day at UTC midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub calls: u32,
    pub window_secs: u32,
}

impl Limit {
    pub const fn per_second(calls: u32) -> Limit {
        Limit {
            calls,
            window_secs: 1,
        }
    }

    pub const fn per_minute(calls: u32) -> Limit {
        Limit {
            calls,
            window_secs: 60,
        }
    }

    pub const fn per_day(calls: u32) -> Limit {
        Limit {
            calls,
            window_secs: 86_400,
        }
    }
}

/// The limits of one access tier. Trial apps are counted per app; Standard apps per user per app
/// (an app token from the client-credentials grant, having no user, counts for its app).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierLimits {
    /// Every request, whatever its category.
    pub overall: Option<Limit>,
    /// Requests of one category, indexed by `RateCategory::index`.
    pub categories: [Option<Limit>; CATEGORIES],
}

impl TierLimits {
    pub fn category(&self, c: RateCategory) -> Option<Limit> {
        self.categories[c.index()]
    }

    pub fn set_category(&mut self, c: RateCategory, limit: Option<Limit>) {
        self.categories[c.index()] = limit;
    }
}

/// Every rate limit pinbox applies, set at start-up (the config file's `[rate_limits]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Off: nothing is counted and no `x-ratelimit-*` header is sent (load tests).
    pub enabled: bool,
    pub trial: TierLimits,
    pub standard: TierLimits,
    /// Also send `Retry-After` on a 429. Off by default: Pinterest documents only the
    /// `x-ratelimit-*` headers, and HTTP clients that obey `Retry-After` on their own (the
    /// official Python SDK, through urllib3) would silently wait instead of meeting the 429
    /// their integration meets in production.
    pub retry_after: bool,
}

impl Default for RateLimits {
    fn default() -> RateLimits {
        RateLimits::pinterest()
    }
}

impl RateLimits {
    /// Pinterest's published figures, and documented choices where it publishes none
    /// (docs/rate-limits.md): Trial apps 1,000 calls a day per app; Standard apps 100 calls a
    /// second per user per app, plus per-minute limits per category: 1,000 for reads, 300 for
    /// analytics, 100 for writes.
    pub fn pinterest() -> RateLimits {
        use RateCategory::*;
        let mut standard = TierLimits {
            overall: Some(Limit::per_second(100)),
            categories: [None; CATEGORIES],
        };
        for &c in RateCategory::ALL {
            let per_minute = match c {
                OrgRead | AdsRead | CatalogsRead | TrendsRead | AdvancedAuctionRead => 1_000,
                OrgAnalytics | AdsAnalytics => 300,
                OrgWrite | AdsWrite | AdsConversions | CatalogsWrite | MsotWrite
                | AdvancedAuctionWrite => 100,
            };
            standard.set_category(c, Some(Limit::per_minute(per_minute)));
        }
        RateLimits {
            enabled: true,
            trial: TierLimits {
                overall: Some(Limit::per_day(1_000)),
                categories: [None; CATEGORIES],
            },
            standard,
            retry_after: false,
        }
    }

    /// No limits at all.
    pub fn off() -> RateLimits {
        RateLimits {
            enabled: false,
            ..RateLimits::pinterest()
        }
    }

    pub fn tier(&self, tier: Tier) -> &TierLimits {
        match tier {
            Tier::Trial => &self.trial,
            Tier::Standard => &self.standard,
        }
    }

    pub fn tier_mut(&mut self, tier: Tier) -> &mut TierLimits {
        match tier {
            Tier::Trial => &mut self.trial,
            Tier::Standard => &mut self.standard,
        }
    }

    /// The quotas a request of `category` by an app of `tier` counts against, overall first.
    pub fn quotas(&self, tier: Tier, category: RateCategory) -> QuotaSet {
        let mut set = QuotaSet::EMPTY;
        if !self.enabled {
            return set;
        }
        let limits = self.tier(tier);
        if let Some(l) = limits.overall {
            set.push(Quota::new(QuotaScope::Overall, l));
        }
        if let Some(l) = limits.category(category) {
            set.push(Quota::new(QuotaScope::Category(category), l));
        }
        set
    }

    /// The `x-ratelimit-limit` value for these quotas when the one at `tightest` is the tightest:
    /// its limit, then every limit with its window in seconds (`100, 100;w=1, 1000;w=60`).
    pub fn limit_header(quotas: &QuotaSet, tightest: usize) -> String {
        let items = quotas.as_slice();
        let mut s = items
            .get(tightest)
            .map(|q| q.limit.to_string())
            .unwrap_or_default();
        for q in items {
            s.push_str(&format!(", {};w={}", q.limit, q.window_secs));
        }
        s
    }
}

/// What a quota counts: every request of its key, or those of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuotaScope {
    Overall,
    Category(RateCategory),
}

impl QuotaScope {
    /// A small number naming the scope in the store: 0 overall, 1 + index for a category.
    pub fn code(self) -> u8 {
        match self {
            QuotaScope::Overall => 0,
            QuotaScope::Category(c) => 1 + c.index() as u8,
        }
    }
}

/// One limit as applied to a request: its scope, window and number of calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub scope: QuotaScope,
    pub window_secs: u32,
    pub limit: u32,
}

impl Quota {
    pub fn new(scope: QuotaScope, limit: Limit) -> Quota {
        Quota {
            scope,
            window_secs: limit.window_secs.clamp(1, MAX_WINDOW_SECS),
            limit: limit.calls,
        }
    }

    /// Where the window holding `now` starts (windows are aligned to the Unix epoch).
    pub fn window_start(&self, now: Timestamp) -> Timestamp {
        let len = self.window_millis();
        Timestamp(now.millis() - now.millis().rem_euclid(len))
    }

    pub fn window_millis(&self) -> i64 {
        i64::from(self.window_secs) * 1000
    }
}

/// The quotas of one request, without allocating: at most [`MAX_QUOTAS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaSet {
    len: usize,
    items: [Quota; MAX_QUOTAS],
}

impl QuotaSet {
    pub const EMPTY: QuotaSet = QuotaSet {
        len: 0,
        items: [Quota {
            scope: QuotaScope::Overall,
            window_secs: 1,
            limit: 0,
        }; MAX_QUOTAS],
    };

    pub fn push(&mut self, q: Quota) {
        assert!(self.len < MAX_QUOTAS, "more than {MAX_QUOTAS} quotas");
        self.items[self.len] = q;
        self.len += 1;
    }

    pub fn as_slice(&self) -> &[Quota] {
        &self.items[..self.len]
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Whose quotas: an app (Trial, and app tokens), or one user of an app (Standard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuotaKey {
    pub app: AppId,
    pub user: Option<UserId>,
    /// Production and Sandbox count separately (seed 000: separate environments, and issue
    /// 11: rate limits apply per environment), so testing in Sandbox never spends production's
    /// quota.
    pub env: Env,
}

impl QuotaKey {
    /// Trial apps count per app; Standard apps per user per app; both per environment.
    pub fn for_request(tier: Tier, app: AppId, user: Option<UserId>, env: Env) -> QuotaKey {
        match tier {
            Tier::Trial => QuotaKey {
                app,
                user: None,
                env,
            },
            Tier::Standard => QuotaKey { app, user, env },
        }
    }
}

/// One quota's window after a request: calls counted in it, and when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowUse {
    pub used: u32,
    pub resets_at: Timestamp,
}

impl WindowUse {
    pub const NONE: WindowUse = WindowUse {
        used: 0,
        resets_at: Timestamp(0),
    };
}

/// What the store answered: whether the request was admitted (counted against every quota) or
/// refused (counted against none), and each quota's window, in the order the quotas were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaTake {
    pub admitted: bool,
    pub windows: [WindowUse; MAX_QUOTAS],
}

/// The rate-limit answer for one request, and what its headers say (worked out once).
#[derive(Debug, Clone, Copy)]
pub struct RateVerdict {
    pub admitted: bool,
    pub quotas: QuotaSet,
    pub take: QuotaTake,
    pub now: Timestamp,
    /// Which quota is the tightest, and its calls left and whole seconds until it resets.
    tightest: usize,
    remaining: u32,
    reset_secs: u32,
}

impl RateVerdict {
    pub fn new(quotas: QuotaSet, take: QuotaTake, now: Timestamp) -> RateVerdict {
        let remaining_of = |i: usize| {
            quotas.as_slice()[i]
                .limit
                .saturating_sub(take.windows[i].used)
        };
        let reset_of = |i: usize| {
            let ms = (take.windows[i].resets_at.millis() - now.millis()).max(1);
            u32::try_from((ms + 999) / 1000).unwrap_or(u32::MAX)
        };
        // The quota nearest to refusing: fewest calls left, and of those the one that resets
        // last (a client waiting for it has waited for every exhausted one).
        let tightest = (0..quotas.as_slice().len())
            .min_by_key(|&i| (remaining_of(i), std::cmp::Reverse(reset_of(i))))
            .unwrap_or(0);
        let (remaining, reset_secs) = if quotas.is_empty() {
            (0, 0)
        } else {
            (remaining_of(tightest), reset_of(tightest))
        };
        RateVerdict {
            admitted: take.admitted,
            quotas,
            take,
            now,
            tightest,
            remaining,
            reset_secs,
        }
    }

    /// Which of the quotas is the tightest.
    pub fn tightest(&self) -> usize {
        self.tightest
    }

    /// Calls left in the tightest quota's window.
    pub fn remaining(&self) -> u32 {
        self.remaining
    }

    /// Whole seconds until the tightest quota's window resets (at least 1).
    pub fn reset_secs(&self) -> u32 {
        self.reset_secs
    }
}

/// The rate limiter: counts requests against the configured limits, and forgets ended windows.
#[derive(Clone)]
pub struct RateLimiter {
    store: Arc<dyn QuotaStore>,
    clock: Clock,
    limits: Arc<RateLimits>,
}

impl RateLimiter {
    pub fn new(store: Arc<dyn QuotaStore>, clock: Clock, limits: RateLimits) -> RateLimiter {
        RateLimiter {
            store,
            clock,
            limits: Arc::new(limits),
        }
    }

    /// The limits it applies.
    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// Counts one request of `category` by `app` (for `user`, if the app's tier counts per
    /// user) against every quota that applies, all or nothing. `None` when no limit applies.
    /// `now` is read once by the caller, so the window and the headers agree.
    pub async fn take(
        &self,
        app: AppId,
        user: Option<UserId>,
        tier: Tier,
        env: Env,
        category: RateCategory,
        now: Timestamp,
    ) -> Result<Option<RateVerdict>> {
        let quotas = self.limits.quotas(tier, category);
        if quotas.is_empty() {
            return Ok(None);
        }
        let key = QuotaKey::for_request(tier, app, user, env);
        let take = self.store.take_quota(key, quotas.as_slice(), now).await?;
        Ok(Some(RateVerdict::new(quotas, take, now)))
    }

    /// Forgets the windows that have ended (idle apps and users); returns how many records went.
    pub async fn sweep(&self) -> Result<u64> {
        Ok(self.store.sweep_quotas(self.clock.now()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_index_the_catalog_order() {
        for (i, c) in RateCategory::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn standard_requests_count_per_user_per_second_and_per_category_per_minute() {
        let limits = RateLimits::pinterest();
        let q = limits.quotas(Tier::Standard, RateCategory::OrgWrite);
        assert_eq!(
            q.as_slice(),
            &[
                Quota::new(QuotaScope::Overall, Limit::per_second(100)),
                Quota::new(
                    QuotaScope::Category(RateCategory::OrgWrite),
                    Limit::per_minute(100)
                ),
            ]
        );
        let q = limits.quotas(Tier::Trial, RateCategory::OrgWrite);
        assert_eq!(
            q.as_slice(),
            &[Quota::new(QuotaScope::Overall, Limit::per_day(1_000))]
        );
        assert!(
            RateLimits::off()
                .quotas(Tier::Trial, RateCategory::OrgRead)
                .is_empty()
        );
    }

    #[test]
    fn windows_are_aligned_to_the_epoch() {
        let day = Quota::new(QuotaScope::Overall, Limit::per_day(1));
        // 2026-11-01T13:45:10.500Z starts its day at 2026-11-01T00:00:00Z.
        assert_eq!(
            day.window_start(Timestamp(1_793_540_710_500)),
            Timestamp(1_793_491_200_000)
        );
        let minute = Quota::new(QuotaScope::Overall, Limit::per_minute(1));
        assert_eq!(
            minute.window_start(Timestamp(1_793_540_710_500)),
            Timestamp(1_793_540_700_000)
        );
    }

    #[test]
    fn the_headers_speak_for_the_tightest_quota() {
        let limits = RateLimits::pinterest();
        let quotas = limits.quotas(Tier::Standard, RateCategory::OrgRead);
        let now = Timestamp(1_000_250);
        let take = QuotaTake {
            admitted: true,
            windows: [
                WindowUse {
                    used: 1,
                    resets_at: Timestamp(1_001_000),
                },
                WindowUse {
                    used: 1,
                    resets_at: Timestamp(1_020_000),
                },
            ],
        };
        let v = RateVerdict::new(quotas, take, now);
        assert_eq!(v.tightest(), 0);
        assert_eq!(v.remaining(), 99);
        assert_eq!(v.reset_secs(), 1);
        assert_eq!(
            RateLimits::limit_header(&quotas, v.tightest()),
            "100, 100;w=1, 1000;w=60"
        );
        // With the category nearly spent, it is the tightest.
        let take = QuotaTake {
            windows: [
                take.windows[0],
                WindowUse {
                    used: 999,
                    ..take.windows[1]
                },
            ],
            ..take
        };
        let v = RateVerdict::new(quotas, take, now);
        assert_eq!((v.tightest(), v.remaining(), v.reset_secs()), (1, 1, 20));
        assert_eq!(
            RateLimits::limit_header(&quotas, 1),
            "1000, 100;w=1, 1000;w=60"
        );
    }

    #[test]
    fn of_two_exhausted_quotas_the_later_reset_is_reported() {
        let limits = RateLimits::pinterest();
        let quotas = limits.quotas(Tier::Standard, RateCategory::OrgWrite);
        let now = Timestamp(0);
        let take = QuotaTake {
            admitted: false,
            windows: [
                WindowUse {
                    used: 100,
                    resets_at: Timestamp(1_000),
                },
                WindowUse {
                    used: 100,
                    resets_at: Timestamp(60_000),
                },
            ],
        };
        let v = RateVerdict::new(quotas, take, now);
        assert_eq!((v.remaining(), v.reset_secs()), (0, 60));
    }
}
