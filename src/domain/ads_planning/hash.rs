//! The one source of pinbox's made-up planning numbers: a hash of what was asked (keyword,
//! country, date...), so the same question always gets the same answer, on every engine and
//! every run, and nothing depends on chance or the wall clock.

/// SplitMix64's finalizer: a well-mixed 64-bit value from any 64-bit value.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of several texts, in order (FNV-1a over each, mixed in turn).
pub fn of(parts: &[&str]) -> u64 {
    let mut h: u64 = 0;
    for p in parts {
        let mut f: u64 = 0xcbf2_9ce4_8422_2325;
        for b in p.bytes() {
            f = (f ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = mix(h ^ f);
    }
    h
}

/// A number in `[0, 1)` from a hash.
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}
