//! The config file, `pinbox serve --config FILE` (or `PINBOX_CONFIG`): TOML holding the settings
//! that do not fit a flag, the rate limits per tier and category above all. Every key is checked:
//! an unknown one stops start-up with its name. docs/configuration.md describes the format.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::catalog::RateCategory;
use crate::domain::apps::Tier;
use crate::domain::rate_limits::{Limit, MAX_WINDOW_SECS, RateLimits};

/// What a config file sets; what it leaves out keeps its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFile {
    /// Approve every OAuth consent at once as this user (CI only), like `--oauth-auto-approve`.
    pub oauth_auto_approve: Option<String>,
    pub rate_limits: RateLimits,
}

impl ConfigFile {
    /// Reads and checks the file at `path`; errors name the file and what is wrong in it.
    pub fn load(path: &Path) -> anyhow::Result<ConfigFile> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the config file {}: {e}", path.display()))?;
        ConfigFile::parse(&text)
            .map_err(|e| anyhow::anyhow!("in the config file {}: {e}", path.display()))
    }

    /// Parses a config file's text.
    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
        let mut rate_limits = RateLimits::pinterest();
        if let Some(r) = raw.rate_limits {
            if let Some(enabled) = r.enabled {
                rate_limits.enabled = enabled;
            }
            if let Some(retry_after) = r.retry_after {
                rate_limits.retry_after = retry_after;
            }
            for (tier, table) in [(Tier::Trial, r.trial), (Tier::Standard, r.standard)] {
                let Some(table) = table else { continue };
                let limits = rate_limits.tier_mut(tier);
                for (key, setting) in table {
                    let limit = setting.into_limit();
                    if key == "overall" {
                        limits.overall = limit;
                    } else if let Some(category) = RateCategory::parse(&key) {
                        limits.set_category(category, limit);
                    } else {
                        return Err(format!(
                            "unknown key `{key}` in [rate_limits.{}]: expected `overall` or a \
                             rate-limit category ({})",
                            tier.as_str(),
                            RateCategory::ALL
                                .iter()
                                .map(|c| c.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
            }
        }
        Ok(ConfigFile {
            oauth_auto_approve: raw.oauth_auto_approve.filter(|u| !u.is_empty()),
            rate_limits,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    oauth_auto_approve: Option<String>,
    rate_limits: Option<RawRateLimits>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRateLimits {
    enabled: Option<bool>,
    retry_after: Option<bool>,
    trial: Option<BTreeMap<String, LimitSetting>>,
    standard: Option<BTreeMap<String, LimitSetting>>,
}

/// One limit in the file: `{ limit = 100, window = "1m" }`, or `"off"`.
enum LimitSetting {
    Off,
    On(Limit),
}

impl LimitSetting {
    fn into_limit(self) -> Option<Limit> {
        match self {
            LimitSetting::Off => None,
            LimitSetting::On(l) => Some(l),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    limit: u32,
    window: Window,
}

impl<'de> Deserialize<'de> for LimitSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LimitSetting, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LimitSetting;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"a limit like { limit = 100, window = "1m" }, or "off""#)
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<LimitSetting, E> {
                match s {
                    "off" => Ok(LimitSetting::Off),
                    other => Err(E::custom(format!(
                        r#"`{other}` is not a limit: write {{ limit = 100, window = "1m" }}, or "off""#
                    ))),
                }
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LimitSetting, A::Error> {
                let raw = RawLimit::deserialize(de::value::MapAccessDeserializer::new(map))?;
                if raw.limit == 0 || raw.limit > i32::MAX as u32 {
                    return Err(de::Error::custom(format!(
                        "limit = {} is out of range: use 1 to {} calls, or \"off\" for no limit",
                        raw.limit,
                        i32::MAX
                    )));
                }
                Ok(LimitSetting::On(Limit {
                    calls: raw.limit,
                    window_secs: raw.window.0,
                }))
            }
        }
        d.deserialize_any(V)
    }
}

/// A window length: seconds as a number, or a string with a unit (`"1s"`, `"90s"`, `"1m"`,
/// `"1h"`, `"1d"`); from one second to one day.
struct Window(u32);

impl<'de> Deserialize<'de> for Window {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Window, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Window;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"a window like "1s", "1m", "1h" or "1d", or a number of seconds"#)
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Window, E> {
                window(n).map_err(E::custom)
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Window, E> {
                window(i64::try_from(n).unwrap_or(i64::MAX)).map_err(E::custom)
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Window, E> {
                let unit_at = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
                let (digits, unit) = s.split_at(unit_at);
                let n: i64 = digits.parse().map_err(|_| {
                    E::custom(format!(
                        r#"window `{s}` is not a length: write "1s", "1m", "1h", "1d" or seconds"#
                    ))
                })?;
                let seconds = match unit {
                    "" | "s" => n,
                    "m" => n.saturating_mul(60),
                    "h" => n.saturating_mul(3_600),
                    "d" => n.saturating_mul(86_400),
                    _ => {
                        return Err(E::custom(format!(
                            "window `{s}` has an unknown unit `{unit}`: use s, m, h or d"
                        )));
                    }
                };
                window(seconds).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

fn window(seconds: i64) -> Result<Window, String> {
    match u32::try_from(seconds) {
        Ok(s) if (1..=MAX_WINDOW_SECS).contains(&s) => Ok(Window(s)),
        _ => Err(format!(
            "a window of {seconds} seconds is out of range: use 1 second to 1 day"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_keeps_pinterests_limits() {
        assert_eq!(ConfigFile::parse("").unwrap(), ConfigFile::default());
    }

    #[test]
    fn limits_change_per_tier_and_category_and_can_be_switched_off() {
        let file = ConfigFile::parse(
            r#"
            oauth_auto_approve = "alice"
            [rate_limits.trial]
            overall = { limit = 50, window = "1d" }
            org_write = { limit = 5, window = 3600 }
            [rate_limits.standard]
            overall = "off"
            org_read = { limit = 10, window = "30s" }
            "#,
        )
        .unwrap();
        assert_eq!(file.oauth_auto_approve.as_deref(), Some("alice"));
        let r = &file.rate_limits;
        assert!(r.enabled);
        assert_eq!(r.trial.overall, Some(Limit::per_day(50)));
        assert_eq!(
            r.trial.category(RateCategory::OrgWrite),
            Some(Limit {
                calls: 5,
                window_secs: 3600
            })
        );
        assert_eq!(r.standard.overall, None);
        assert_eq!(
            r.standard.category(RateCategory::OrgRead),
            Some(Limit {
                calls: 10,
                window_secs: 30
            })
        );
        // What the file leaves out keeps its default.
        assert_eq!(
            r.standard.category(RateCategory::OrgWrite),
            Some(Limit::per_minute(100))
        );
        let off = ConfigFile::parse("[rate_limits]\nenabled = false").unwrap();
        assert!(!off.rate_limits.enabled);
        assert!(!off.rate_limits.retry_after);
        let retry = ConfigFile::parse("[rate_limits]\nretry_after = true").unwrap();
        assert!(retry.rate_limits.retry_after);
    }

    #[test]
    fn unknown_keys_are_errors_that_name_the_key() {
        for (text, named) in [
            ("oauth_autoapprove = \"x\"", "oauth_autoapprove"),
            ("[rate_limits]\nenable = false", "enable"),
            ("[rate_limits.gold]\noverall = \"off\"", "gold"),
            ("[rate_limits.standard]\norg_reads = \"off\"", "org_reads"),
            (
                "[rate_limits.standard]\norg_read = { limit = 1, window = \"1m\", burst = 2 }",
                "burst",
            ),
        ] {
            let err = ConfigFile::parse(text).expect_err(text);
            assert!(err.contains(named), "{text:?}: {err}");
        }
    }

    #[test]
    fn bad_values_are_errors_that_say_what_to_write() {
        for (text, says) in [
            (
                "[rate_limits.standard]\noverall = { limit = 0, window = \"1s\" }",
                "out of range",
            ),
            (
                "[rate_limits.standard]\noverall = { limit = 5, window = \"2w\" }",
                "unknown unit",
            ),
            (
                "[rate_limits.standard]\noverall = { limit = 5, window = \"2d\" }",
                "1 day",
            ),
            ("[rate_limits.standard]\noverall = { limit = 5 }", "window"),
            ("[rate_limits.standard]\noverall = \"none\"", "off"),
            ("[rate_limits]\nenabled = \"no\"", "enabled"),
        ] {
            let err = ConfigFile::parse(text).expect_err(text);
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }

    /// The full example in docs/configuration.md parses, and sets every default but the user.
    #[test]
    fn the_documented_full_example_is_the_defaults() {
        let doc = include_str!("../docs/configuration.md");
        let example = doc
            .split("## Full example")
            .nth(1)
            .and_then(|rest| rest.split("```toml\n").nth(1))
            .and_then(|block| block.split("```").next())
            .expect("docs/configuration.md has a full example");
        let file = ConfigFile::parse(example).expect("the documented example parses");
        assert_eq!(file.oauth_auto_approve.as_deref(), Some("ci-bot"));
        assert_eq!(file.rate_limits, RateLimits::pinterest());
    }
}
