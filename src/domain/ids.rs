//! Pinterest-style ids: numeric strings of 18 or 19 digits, random so that nobody can walk
//! another user's objects by counting.

use std::fmt;

use rand::RngExt;

/// Smallest id pinbox hands out: every id has at least 18 digits.
const MIN_ID: i64 = 100_000_000_000_000_000;

/// A fresh random id in `[10^17, i64::MAX]`; the store retries on the (astronomically rare) clash.
pub fn random_id() -> i64 {
    rand::rng().random_range(MIN_ID..=i64::MAX)
}

/// Parses the digits of an id as they appear on the wire. `None` for anything that is not
/// a plain decimal that fits an id (such ids cannot exist, so callers answer "not found").
pub fn parse_digits(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl $name {
            pub fn random() -> $name {
                $name(random_id())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type! {
    /// A user account.
    UserId;
    /// A developer app; also its OAuth client id.
    AppId;
    /// An issued access or refresh token (never shown to clients).
    TokenId;
    /// One OAuth authorization: the code and every token issued from it or refreshed from those.
    GrantId;
    BoardId;
    SectionId;
    PinId;
    /// An ad account: at most 18 digits, as the spec's `maxLength` says (make them with
    /// `AdAccountId::random_short`).
    AdAccountId;
    /// A media upload (`media_id`).
    MediaId;
    /// An AI agent's key and grants.
    AgentId;
}

impl AdAccountId {
    /// 15 digits, like Pinterest's ad account ids (`549755885175`) and within the spec's 18.
    pub fn random_short() -> AdAccountId {
        AdAccountId(rand::random_range(
            100_000_000_000_000..1_000_000_000_000_000,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_have_18_or_19_digits() {
        for _ in 0..10_000 {
            let s = random_id().to_string();
            assert!(s.len() == 18 || s.len() == 19, "{s}");
        }
    }

    #[test]
    fn only_plain_digits_parse_as_ids() {
        assert_eq!(parse_digits("549755885175"), Some(549755885175));
        assert_eq!(parse_digits(""), None);
        assert_eq!(parse_digits("12a"), None);
        assert_eq!(parse_digits("-5"), None);
        assert_eq!(parse_digits("99999999999999999999"), None);
        assert_eq!(parse_digits("9223372036854775808"), None);
    }
}
