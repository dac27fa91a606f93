//! The part of a Pin search both engines spell alike: which board privacies it may return. The
//! rest of their searches differs (see `sql`'s module comment).

use crate::domain::search::PinSearch;

/// The privacies a search may return, as an SQL condition on `b.privacy`.
pub fn privacy_condition(search: &PinSearch) -> String {
    let mut allowed = vec!["'PUBLIC'"];
    if search.include_protected {
        allowed.push("'PROTECTED'");
    }
    if search.include_secret {
        allowed.push("'SECRET'");
    }
    format!("b.privacy IN ({})", allowed.join(", "))
}
