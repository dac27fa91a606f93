//! Trending keywords: the spec's `TrendingKeywordsResponse`, made up deterministically (see
//! `hash.rs`) from a fixed vocabulary per interest, the region, the trend type, the audience
//! asked for and the current week, so the list changes week to week as Pinterest's does, and
//! never between two calls in the same week.

use serde_json::{Map, Value, json};

use crate::clock::Timestamp;
use crate::domain::ads_planning::hash;
use crate::domain::engagement::format_date;

pub const REGIONS: &[&str] = &[
    "US",
    "CA",
    "DE",
    "FR",
    "ES",
    "IT",
    "DE+AT+CH",
    "GB+IE",
    "IT+ES+PT+GR+MT",
    "PL+RO+HU+SK+CZ",
    "SE+DK+FI+NO",
    "NL+BE+LU",
    "AR",
    "BR",
    "CO",
    "MX",
    "MX+AR+CO+CL",
    "AU+NZ",
];
pub const TREND_TYPES: &[&str] = &["growing", "monthly", "yearly", "seasonal"];
pub const GENDERS: &[&str] = &["female", "male", "unknown"];
pub const AGES: &[&str] = &["18-24", "25-34", "35-44", "45-49", "50-54", "55-64", "65+"];

/// Each interest of the spec's `L1InterestList` with the keywords pinbox knows for it.
pub const INTERESTS: &[(&str, &[&str])] = &[
    (
        "animals",
        &[
            "puppy training",
            "cat tree",
            "aquarium ideas",
            "dog birthday",
        ],
    ),
    (
        "architecture",
        &[
            "modern house",
            "tiny house",
            "brutalism",
            "courtyard design",
        ],
    ),
    (
        "art",
        &[
            "watercolor painting",
            "abstract art",
            "sketchbook ideas",
            "pottery",
        ],
    ),
    (
        "beauty",
        &["nail art", "glass skin", "curtain bangs", "lip combo"],
    ),
    (
        "childrens_fashion",
        &["toddler outfits", "baby girl clothes", "kids costume"],
    ),
    (
        "design",
        &[
            "logo design",
            "poster design",
            "color palette",
            "typography",
        ],
    ),
    (
        "diy_and_crafts",
        &[
            "crochet patterns",
            "candle making",
            "diy gifts",
            "resin art",
        ],
    ),
    (
        "education",
        &[
            "study tips",
            "classroom decor",
            "homeschool",
            "bullet journal",
        ],
    ),
    (
        "electronics",
        &["desk setup", "gaming setup", "phone case", "smart home"],
    ),
    (
        "entertainment",
        &["movie night", "book club", "concert outfit", "anime"],
    ),
    (
        "event_planning",
        &["birthday party ideas", "baby shower", "graduation party"],
    ),
    (
        "finance",
        &["budget planner", "saving money", "side hustle"],
    ),
    (
        "food_and_drinks",
        &[
            "dinner recipes",
            "sourdough",
            "dessert",
            "healthy breakfast",
            "cocktails",
        ],
    ),
    (
        "gardening",
        &[
            "vegetable garden",
            "raised beds",
            "balcony garden",
            "succulents",
        ],
    ),
    ("health", &["pilates", "gym workout", "meal prep", "yoga"]),
    (
        "home_decor",
        &[
            "living room ideas",
            "bedroom decor",
            "kitchen ideas",
            "christmas decor",
        ],
    ),
    (
        "mens_fashion",
        &["mens outfits", "old money style", "streetwear"],
    ),
    (
        "parenting",
        &["baby names", "nursery ideas", "parenting tips"],
    ),
    (
        "quotes",
        &["motivational quotes", "love quotes", "funny quotes"],
    ),
    (
        "sport",
        &["running", "hiking outfit", "ski trip", "tennis outfit"],
    ),
    (
        "travel",
        &[
            "travel outfits",
            "packing list",
            "road trip",
            "beach vacation",
        ],
    ),
    ("vehicles", &["camper van", "car interior", "motorcycle"]),
    (
        "wedding",
        &[
            "wedding dress",
            "wedding nails",
            "bridesmaid dresses",
            "wedding cake",
        ],
    ),
    (
        "womens_fashion",
        &[
            "summer outfits",
            "fall outfits",
            "winter outfits",
            "work outfits",
        ],
    ),
];

/// What a client asks for, checked.
pub struct TrendQuery<'a> {
    pub region: &'a str,
    pub trend_type: &'a str,
    pub interests: Vec<&'a str>,
    pub genders: Vec<&'a str>,
    pub ages: Vec<&'a str>,
    pub include_keywords: Vec<String>,
    pub normalize_against_group: bool,
    pub limit: usize,
    pub include_prediction: bool,
    pub include_demographics: bool,
}

const WEEKS: i64 = 52;
const PREDICTED_WEEKS: i64 = 13;

/// Relative search volume of a keyword in a week (`w` counts from the oldest week, 0), before
/// normalisation: a base by keyword and region, shaped by the trend type, with a little noise.
fn volume(q: &TrendQuery<'_>, keyword: &str, week_day: i64, w: i64) -> f64 {
    let seed = hash::of(&[q.region, keyword, &q.genders.join(","), &q.ages.join(",")]);
    let base = 20.0 + 80.0 * hash::unit(seed);
    let t = w as f64 / WEEKS as f64;
    let shape = match q.trend_type {
        "growing" => 0.3 + 1.7 * t.powi(3),
        "monthly" => {
            if w >= WEEKS - 5 {
                1.6
            } else {
                0.8
            }
        }
        "yearly" => 1.0 + 0.2 * (t * std::f64::consts::TAU).sin(),
        _ => {
            let phase = hash::unit(hash::mix(seed));
            1.0 + 0.8 * ((t + phase) * std::f64::consts::TAU).sin()
        }
    };
    let noise = 0.9 + 0.2 * hash::unit(hash::mix(seed ^ week_day as u64));
    (base * shape * noise).max(0.5)
}

fn growth(now: f64, then: f64) -> i64 {
    let pct = ((now / then - 1.0) * 100.0).round() as i64;
    pct.clamp(-100, 10_001)
}

/// The top trends for the query as of `now`, ranked.
pub fn top(q: &TrendQuery<'_>, now: Timestamp) -> Vec<Value> {
    let today = now.seconds().div_euclid(86_400);
    // Weeks end on Sundays (1970-01-04 was one); the latest is the last one past.
    let last_end = today - 1 - (today - 1 - 3).rem_euclid(7);
    let week = last_end.to_string();
    let mut candidates: Vec<(f64, &str)> = INTERESTS
        .iter()
        .filter(|(name, _)| q.interests.is_empty() || q.interests.contains(name))
        .flat_map(|(_, words)| words.iter().copied())
        .filter(|k| {
            q.include_keywords.is_empty()
                || q.include_keywords
                    .iter()
                    .any(|w| k.split(' ').any(|part| part.eq_ignore_ascii_case(w.trim())))
        })
        .map(|k| {
            let score = hash::unit(hash::of(&[q.region, q.trend_type, &week, k]));
            (score, k)
        })
        .collect();
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    candidates.truncate(q.limit);

    let series: Vec<Vec<(i64, f64)>> = candidates
        .iter()
        .map(|(_, k)| {
            (0..WEEKS + PREDICTED_WEEKS)
                .map(|w| {
                    let day = last_end - (WEEKS - 1 - w) * 7;
                    (day, volume(q, k, day, w))
                })
                .collect()
        })
        .collect();
    let group_peak = series
        .iter()
        .flat_map(|s| s[..WEEKS as usize].iter().map(|p| p.1))
        .fold(0.0_f64, f64::max);

    candidates
        .iter()
        .zip(&series)
        .map(|((_, keyword), s)| {
            let (past, future) = s.split_at(WEEKS as usize);
            let peak = if q.normalize_against_group {
                group_peak
            } else {
                past.iter().map(|p| p.1).fold(0.0_f64, f64::max)
            };
            let scale = |points: &[(i64, f64)]| -> Map<String, Value> {
                points
                    .iter()
                    .map(|(day, v)| {
                        (
                            format_date(*day),
                            Value::from(((v / peak) * 100.0).round().min(100.0) as i64),
                        )
                    })
                    .collect()
            };
            let last = |n: usize, skip: usize| -> f64 {
                past.iter().rev().skip(skip).take(n).map(|p| p.1).sum()
            };
            let mut out = json!({
                "keyword": keyword,
                "pct_growth_wow": growth(last(1, 0), last(1, 1)),
                "pct_growth_mom": growth(last(4, 0), last(4, 4)),
                "pct_growth_yoy": growth(last(4, 0), past.iter().take(4).map(|p| p.1).sum()),
                "time_series": scale(past),
            });
            if q.include_prediction {
                out["has_prediction"] = true.into();
                out["predicted_time_series"] = Value::Object(scale(future));
            }
            if q.include_demographics {
                let h = hash::of(&["demographics", q.region, keyword]);
                out["demographics"] = json!({
                    "gender_distribution": distribution(&["female", "male", "unspecified"], h),
                    "age_distribution": distribution(AGES, hash::mix(h)),
                });
            }
            out
        })
        .collect()
}

/// Shares summing to 1 (to rounding) over `keys`.
fn distribution(keys: &[&str], seed: u64) -> Map<String, Value> {
    let weights: Vec<f64> = (0..keys.len() as u64)
        .map(|i| 0.2 + hash::unit(hash::mix(seed ^ i)))
        .collect();
    let total: f64 = weights.iter().sum();
    keys.iter()
        .zip(weights)
        .map(|(k, w)| {
            (
                k.to_string(),
                Value::from((w / total * 1000.0).round() / 1000.0),
            )
        })
        .collect()
}
