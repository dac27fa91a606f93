//! Pinterest's OAuth scopes (the spec's `pinterest_oauth2` scheme) and sets of them.

use std::fmt;

macro_rules! scopes {
    ($($variant:ident => $name:literal, $desc:literal;)*) => {
        /// One OAuth scope, named exactly as Pinterest names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Scope { $($variant),* }

        impl Scope {
            pub const ALL: &'static [Scope] = &[$(Scope::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Scope::$variant => $name),* }
            }

            /// The description the spec gives the scope, shown on the consent page.
            pub fn description(self) -> &'static str {
                match self { $(Scope::$variant => $desc),* }
            }

            pub fn parse(s: &str) -> Option<Scope> {
                match s { $($name => Some(Scope::$variant),)* _ => None }
            }
        }
    };
}

scopes! {
    AdsRead => "ads:read", "See all of your advertising data, including ads, ad groups, campaigns etc.";
    AdsWrite => "ads:write", "Create, update, or delete ads, ad groups, campaigns etc.";
    BillingRead => "billing:read", "See all of your billing data, billing profile, etc.";
    BillingWrite => "billing:write", "Create, update, or delete billing data, billing profiles, etc.";
    BizAccessRead => "biz_access:read", "See business access data";
    BizAccessWrite => "biz_access:write", "Create, update, or delete business access data";
    BoardsRead => "boards:read", "See your public boards, including group boards you join";
    BoardsReadSecret => "boards:read_secret", "See your secret boards";
    BoardsWrite => "boards:write", "Create, update, or delete your public boards";
    BoardsWriteSecret => "boards:write_secret", "Create, update, or delete your secret boards";
    CatalogsRead => "catalogs:read", "See all of your catalogs data";
    CatalogsWrite => "catalogs:write", "Create, update, or delete your catalogs data";
    MsotWrite => "msot:write", "Create measurement source of truth events";
    PinsRead => "pins:read", "See your public Pins";
    PinsReadSecret => "pins:read_secret", "See your secret Pins";
    PinsWrite => "pins:write", "Create, update, or delete your public Pins";
    PinsWriteSecret => "pins:write_secret", "Create, update, or delete your secret Pins";
    UserAccountsRead => "user_accounts:read", "See your user accounts and followers";
    UserAccountsWrite => "user_accounts:write", "Update your user accounts and followers";
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of scopes, as a bit set so that checking a token costs one AND.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Scopes(u32);

impl Scopes {
    pub const EMPTY: Scopes = Scopes(0);

    pub const fn of(list: &[Scope]) -> Scopes {
        let mut bits = 0u32;
        let mut i = 0;
        while i < list.len() {
            bits |= 1 << (list[i] as u8);
            i += 1;
        }
        Scopes(bits)
    }

    pub fn all() -> Scopes {
        Scopes::of(Scope::ALL)
    }

    /// The scopes of Pinterest's organic content: boards, Pins and the user account.
    pub const CONTENT: Scopes = Scopes::of(&[
        Scope::BoardsRead,
        Scope::BoardsReadSecret,
        Scope::BoardsWrite,
        Scope::BoardsWriteSecret,
        Scope::PinsRead,
        Scope::PinsReadSecret,
        Scope::PinsWrite,
        Scope::PinsWriteSecret,
        Scope::UserAccountsRead,
        Scope::UserAccountsWrite,
    ]);

    pub fn bits(self) -> u32 {
        self.0
    }

    pub fn from_bits(bits: u32) -> Scopes {
        Scopes(bits & Scopes::all().0)
    }

    pub fn contains(self, scope: Scope) -> bool {
        self.0 & (1 << (scope as u8)) != 0
    }

    pub fn contains_all(self, other: Scopes) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn with(self, scope: Scope) -> Scopes {
        Scopes(self.0 | (1 << (scope as u8)))
    }

    pub fn without(self, scope: Scope) -> Scopes {
        Scopes(self.0 & !(1 << (scope as u8)))
    }

    pub fn missing_from(self, granted: Scopes) -> Scopes {
        Scopes(self.0 & !granted.0)
    }

    pub fn union(self, other: Scopes) -> Scopes {
        Scopes(self.0 | other.0)
    }

    pub fn intersection(self, other: Scopes) -> Scopes {
        Scopes(self.0 & other.0)
    }

    pub fn difference(self, other: Scopes) -> Scopes {
        Scopes(self.0 & !other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL
            .iter()
            .copied()
            .filter(move |s| self.contains(*s))
    }

    /// Parses Pinterest's comma-separated scope list (spaces tolerated, as some clients send them).
    pub fn parse_list(list: &str) -> Result<Scopes, String> {
        let mut scopes = Scopes::EMPTY;
        for part in list
            .split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match Scope::parse(part) {
                Some(s) => scopes = scopes.with(s),
                None => return Err(part.to_string()),
            }
        }
        Ok(scopes)
    }
}

impl fmt::Display for Scopes {
    /// Comma-separated, in the spec's order, as Pinterest formats `scope`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in self.iter() {
            if !first {
                f.write_str(",")?;
            }
            f.write_str(s.as_str())?;
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_lists_round_trip_through_text() {
        let s = Scopes::parse_list("pins:read, boards:read,boards:write").unwrap();
        assert!(s.contains(Scope::PinsRead) && s.contains(Scope::BoardsWrite));
        assert!(!s.contains(Scope::PinsWrite));
        assert_eq!(s.to_string(), "boards:read,boards:write,pins:read");
        assert_eq!(Scopes::parse_list(&s.to_string()).unwrap(), s);
    }

    #[test]
    fn unknown_scopes_are_named() {
        assert_eq!(
            Scopes::parse_list("pins:read,pins:fly"),
            Err("pins:fly".to_string())
        );
    }

    #[test]
    fn containment_checks_every_required_scope() {
        let need = Scopes::of(&[Scope::BoardsRead, Scope::BoardsWrite]);
        assert!(Scopes::CONTENT.contains_all(need));
        assert!(!Scopes::of(&[Scope::BoardsRead]).contains_all(need));
        assert_eq!(
            need.missing_from(Scopes::of(&[Scope::BoardsRead])),
            Scopes::of(&[Scope::BoardsWrite])
        );
    }
}
