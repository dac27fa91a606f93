//! Why one item of a create or update was not applied: Pinterest answers each item of those
//! batches with its own `exceptions`, so one bad item does not fail the rest. An item that
//! does not even have the spec's shape (a missing required field, a value of the wrong type, a
//! value outside an enum or a pattern) is `malformed`: the whole request is refused with 400
//! before anything is applied, as a request the spec's schema refuses.

use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: u32,
    pub message: String,
    pub malformed: bool,
}

impl Refusal {
    /// An invalid value: Pinterest's generic validation code.
    pub fn invalid(message: impl Into<String>) -> Refusal {
        Refusal {
            code: 1,
            message: message.into(),
            malformed: false,
        }
    }

    /// A value the spec's schema refuses.
    pub fn malformed(message: impl Into<String>) -> Refusal {
        Refusal {
            code: 1,
            message: message.into(),
            malformed: true,
        }
    }

    /// Something the item names that does not exist in the ad account.
    pub fn not_found(message: impl Into<String>) -> Refusal {
        Refusal {
            code: 2,
            message: message.into(),
            malformed: false,
        }
    }
}

impl Refusal {
    /// The refusal as a whole request's error, where the operation takes one item.
    pub fn into_error(self) -> Error {
        if self.code == 2 {
            Error::not_found(self.code, self.message)
        } else {
            Error::invalid(self.message).with_code(self.code)
        }
    }
}

/// A whole-request error, as one item's refusal (an item whose Pin cannot be read, ...).
impl From<Error> for Refusal {
    fn from(e: Error) -> Refusal {
        Refusal {
            code: e.code,
            message: e.message.into_owned(),
            malformed: false,
        }
    }
}
