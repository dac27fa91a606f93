//! Named engagement profiles: plausible, deterministic traffic for a user's Pins over a date
//! range. The numbers are a pure function of (seed, the Pin's place among its owner's Pins,
//! whether it is a video, day, app type), so the same seed gives the same numbers on any store
//! and any run, whatever ids the Pins were given.

use crate::domain::analytics::Analytics;
use crate::domain::engagement::{AppType, Counted, Day, EngagementRow, day_of, format_date};
use crate::domain::env::Env;
use crate::domain::ids::UserId;
use crate::domain::pins::PinMedia;
use crate::error::{Error, Result};

/// Longest range one simulation covers (a year and a day, so any 90-day report fits many times).
pub const MAX_SIMULATED_DAYS: i64 = 366;
/// Rows written per store transaction; progress is reported after each.
const BATCH_ROWS: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Steady,
    Viral,
    Seasonal,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Steady, Profile::Viral, Profile::Seasonal];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Steady => "steady",
            Profile::Viral => "viral",
            Profile::Seasonal => "seasonal",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// A profile by name, or an error listing the names.
    pub fn named(name: &str) -> Result<Profile> {
        Profile::parse(name).ok_or_else(|| {
            Error::invalid(format!(
                "Unknown engagement profile '{name}'; use one of: {}.",
                Profile::ALL.map(Profile::as_str).join(", ")
            ))
        })
    }

    pub fn describe(self) -> &'static str {
        match self {
            Profile::Steady => {
                "about 40 impressions a day per Pin with day-to-day noise; clicks, saves and \
                 reactions at typical organic rates"
            }
            Profile::Viral => {
                "a quiet Pin (about 8 impressions a day) that takes off on one day of the range \
                 (fixed by the seed) to thousands of impressions, then decays by half every two \
                 days; a higher save rate at the peak"
            }
            Profile::Seasonal => {
                "a weekly cycle peaking at weekends on top of a slow wave over the year \
                 (highest in late November), about 30 impressions a day on average"
            }
        }
    }

    /// Expected impressions on `day` (before noise and the split across app types).
    fn impressions(self, seed: u64, ordinal: u64, day: Day, range: (Day, Day)) -> f64 {
        match self {
            Profile::Steady => 40.0,
            Profile::Viral => {
                let span = (range.1 - range.0 + 1).max(1) as u64;
                let peak = range.0 + (mix(&[seed, ordinal, 0x0076_6972_616c]) % span) as i64;
                if day < peak {
                    8.0
                } else {
                    8.0 + 3_000.0 * 0.5f64.powf((day - peak) as f64 / 2.0)
                }
            }
            Profile::Seasonal => {
                // 1970-01-01 was a Thursday: day 2 (mod 7) is a Saturday.
                let weekday = (day + 4).rem_euclid(7); // 0 = Monday ... 6 = Sunday
                let weekly = if weekday >= 5 { 1.6 } else { 0.85 };
                // Day of the year's wave, highest around 25 November (day 329 of 365).
                let phase = (day.rem_euclid(365) as f64 - 329.0) / 365.0 * std::f64::consts::TAU;
                30.0 * weekly * (1.0 + 0.5 * phase.cos())
            }
        }
    }

    /// The day's counts of one Pin from one app type.
    pub fn generate(
        self,
        seed: u64,
        ordinal: u64,
        video: bool,
        day: Day,
        range: (Day, Day),
        app: AppType,
    ) -> Vec<(Counted, i64)> {
        let share = match app {
            AppType::Mobile => 0.6,
            AppType::Web => 0.3,
            AppType::Tablet => 0.1,
        };
        let key = [seed, ordinal, day as u64, app as u64];
        // ±25% day-to-day noise on the day's traffic.
        let noise = 0.75 + 0.5 * unit(mix(&[key[0], key[1], key[2], key[3], 1]));
        let expected = self.impressions(seed, ordinal, day, range) * share * noise;
        let impressions = round(expected, &key, Counted::Impression);
        let save_rate = match self {
            Profile::Viral if expected > 200.0 => 0.05,
            _ => 0.02,
        };
        let imp = impressions as f64;
        let mut out = vec![
            (Counted::Impression, impressions),
            (
                Counted::PinClick,
                round(imp * 0.03, &key, Counted::PinClick),
            ),
            (
                Counted::OutboundClick,
                round(imp * 0.012, &key, Counted::OutboundClick),
            ),
            (Counted::Save, round(imp * save_rate, &key, Counted::Save)),
            (
                Counted::ProfileVisit,
                round(imp * 0.006, &key, Counted::ProfileVisit),
            ),
            (
                Counted::UserFollow,
                round(imp * 0.0015, &key, Counted::UserFollow),
            ),
            (
                Counted::TotalReactions,
                round(imp * 0.004, &key, Counted::TotalReactions),
            ),
            (
                Counted::TotalComments,
                round(imp * 0.001, &key, Counted::TotalComments),
            ),
        ];
        if video {
            let starts = round(imp * 0.45, &key, Counted::VideoStart);
            let mrc = round(starts as f64 * 0.6, &key, Counted::VideoMrcView);
            let ten = round(starts as f64 * 0.35, &key, Counted::Video10sView);
            let q95 = round(starts as f64 * 0.12, &key, Counted::Quartile95PercentView);
            // About 4.5 seconds watched per start, in milliseconds.
            let watch = round(starts as f64 * 4_500.0, &key, Counted::VideoV50WatchTime);
            out.extend([
                (Counted::VideoStart, starts),
                (Counted::VideoMrcView, mrc),
                (Counted::Video10sView, ten),
                (Counted::Quartile95PercentView, q95),
                (Counted::VideoV50WatchTime, watch),
            ]);
        }
        out.retain(|(_, n)| *n > 0);
        out
    }
}

/// splitmix64 over the words: a fast, well-mixed hash that is the same on every platform.
fn mix(words: &[u64]) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
    for &w in words {
        h ^= w;
        h = h.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        h = z ^ (z >> 31);
    }
    h
}

/// A number in [0, 1) from a hash.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Rounds an expected count up or down at random (keyed, so deterministic), which keeps the
/// long-run total equal to the expectation even for small rates.
fn round(expected: f64, key: &[u64; 4], metric: Counted) -> i64 {
    let u = unit(mix(&[key[0], key[1], key[2], key[3], 100 + metric as u64]));
    (expected + u).floor().max(0.0) as i64
}

/// What a simulation asks for.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub env: Env,
    /// Whose Pins: a user the entry point already found (the token's, or the CLI's lookup).
    pub user: UserId,
    pub profile: Profile,
    pub from: Day,
    pub to: Day,
    pub seed: u64,
}

/// What a simulation wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimulationReport {
    pub pins: u64,
    pub days: u64,
    pub rows: u64,
    pub impressions: i64,
}

impl Analytics {
    /// Adds a profile's traffic to every Pin `user` has in `env` on days `from..=to` (added on
    /// top of what the log holds). `progress(done, total)` is called after each batch of rows,
    /// with the number of Pins done and the total.
    pub async fn simulate(
        &self,
        sim: Simulation,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<SimulationReport> {
        let today = day_of(self.clock.now().0);
        if sim.from > sim.to {
            return Err(Error::invalid(format!(
                "The simulation's range ends ({}) before it starts ({}).",
                format_date(sim.to),
                format_date(sim.from)
            )));
        }
        if sim.to > today {
            return Err(Error::invalid(format!(
                "Engagement cannot be simulated after today ({}) on pinbox's clock; the range \
                 ends {}.",
                format_date(today),
                format_date(sim.to)
            )));
        }
        if sim.to - sim.from + 1 > MAX_SIMULATED_DAYS {
            return Err(Error::invalid(format!(
                "A simulation covers at most {MAX_SIMULATED_DAYS} days; run several for more."
            )));
        }
        let pins = self.pins.all_oldest_first(sim.user, sim.env).await?;
        let total = pins.len() as u64;
        let mut report = SimulationReport {
            pins: total,
            days: (sim.to - sim.from + 1) as u64,
            ..SimulationReport::default()
        };
        let mut batch = Vec::new();
        for (ordinal, pin) in pins.iter().enumerate() {
            let video = matches!(pin.media, PinMedia::Video { .. });
            for day in sim.from..=sim.to {
                for app in AppType::ALL {
                    for (metric, count) in sim.profile.generate(
                        sim.seed,
                        ordinal as u64,
                        video,
                        day,
                        (sim.from, sim.to),
                        app,
                    ) {
                        if metric == Counted::Impression {
                            report.impressions += count;
                        }
                        batch.push(EngagementRow {
                            pin: pin.id,
                            day,
                            app_type: app,
                            metric,
                            count,
                        });
                    }
                }
            }
            if batch.len() >= BATCH_ROWS || ordinal + 1 == pins.len() {
                report.rows += batch.len() as u64;
                self.log.add(std::mem::take(&mut batch)).await?;
                progress(ordinal as u64 + 1, total);
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers_and_another_seed_others() {
        let range = (20_000, 20_006);
        let week = |seed| -> Vec<Vec<(Counted, i64)>> {
            (range.0..=range.1)
                .flat_map(|d| {
                    AppType::ALL.map(|a| Profile::Steady.generate(seed, 0, false, d, range, a))
                })
                .collect()
        };
        assert_eq!(week(7), week(7));
        assert_ne!(week(7), week(8));
    }

    #[test]
    fn a_viral_pin_peaks_once_and_decays() {
        let range = (20_000, 20_029);
        let daily: Vec<i64> = (range.0..=range.1)
            .map(|d| Profile::Viral.generate(3, 0, false, d, range, AppType::Mobile)[0].1)
            .collect();
        let peak = daily.iter().enumerate().max_by_key(|(_, n)| **n).unwrap().0;
        assert!(daily[peak] > 1_000, "{daily:?}");
        if peak + 6 < daily.len() {
            assert!(daily[peak + 6] < daily[peak] / 4, "{daily:?}");
        }
        assert!(daily[..peak].iter().all(|n| *n < 20), "{daily:?}");
    }

    #[test]
    fn video_metrics_come_only_with_video_pins() {
        let has_video = |video| {
            Profile::Steady
                .generate(1, 0, video, 20_000, (20_000, 20_000), AppType::Mobile)
                .iter()
                .any(|(m, _)| *m == Counted::VideoStart)
        };
        assert!(has_video(true));
        assert!(!has_video(false));
    }
}
