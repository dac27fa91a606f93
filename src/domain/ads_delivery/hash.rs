//! The deterministic variation of the delivery model: SplitMix64 over ids and days, and exact
//! integer shares.

/// SplitMix64's finaliser: a fast, well-mixed step that is the same on every platform.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in [0, 1) fixed by the words.
pub fn unit(words: &[u64]) -> f64 {
    let mut h = 0u64;
    for w in words {
        h = mix(h ^ *w);
    }
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// `total` shared in proportion to `weights`, exactly: each part is the rounded-up running
/// share minus the one before it, so the parts sum to `total`, each is within one of its exact
/// share and what rounding leaves goes to the first. Analytics calls this for every counter of every ad and day: no sorting, and 64-bit
/// division whenever the products fit.
pub fn split(total: i64, weights: &[i64]) -> Vec<i64> {
    let mut parts = Vec::with_capacity(weights.len());
    split_each(total, weights, |_, part| parts.push(part));
    parts
}

/// [`split`] without its vector: `part(i, share)` for each weight in order.
pub fn split_each(total: i64, weights: &[i64], mut part: impl FnMut(usize, i64)) {
    if weights.is_empty() {
        return;
    }
    let sum: i128 = weights.iter().map(|w| *w as i128).sum();
    if sum <= 0 {
        for i in 0..weights.len() {
            part(i, if i == 0 { total } else { 0 });
        }
        return;
    }
    let narrow = i64::try_from(sum)
        .ok()
        .filter(|s| weights.iter().all(|w| *w >= 0) && total.checked_mul(*s).is_some());
    let (mut running, mut given) = (0i64, 0i64);
    for (i, w) in weights.iter().enumerate() {
        running += *w;
        let upto = match narrow {
            Some(sum) => {
                let a = total * running;
                a.div_euclid(sum) + i64::from(a.rem_euclid(sum) != 0)
            }
            None => {
                let a = total as i128 * running as i128;
                (a.div_euclid(sum) + i128::from(a.rem_euclid(sum) != 0)) as i64
            }
        };
        part(i, upto - given);
        given = upto;
    }
}
