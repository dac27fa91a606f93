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

/// `total` shared in proportion to `weights`, exactly (largest remainders, ties to the first):
/// the parts always sum to `total`.
pub fn split(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| *w as i128).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum <= 0 {
        let mut out = vec![0; weights.len()];
        out[0] = total;
        return out;
    }
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    let mut given = 0i64;
    for (i, w) in weights.iter().enumerate() {
        let exact = total as i128 * *w as i128;
        let part = (exact / sum) as i64;
        parts.push(part);
        rems.push((exact % sum, i));
        given += part;
    }
    let mut left = total - given;
    if left > 0 {
        rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in rems {
            if left == 0 {
                break;
            }
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
}
