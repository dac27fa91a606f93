//! Ads ids as the wire writes them: digits, some kinds with a prefix (`C123`, `AG123`).

pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit())
}

/// An id as the wire gives it, with its kind's optional prefix (`C123`, `AG123`); `None` when it
/// cannot name an entity.
pub fn parse_id(raw: &str, prefix: &str) -> Option<i64> {
    let digits = raw.strip_prefix(prefix).unwrap_or(raw);
    if !is_digits(digits) {
        return None;
    }
    digits.parse().ok()
}
