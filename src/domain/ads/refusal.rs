//! Why one item of a create or update was not applied: Pinterest answers each item of those
//! batches with its own `exceptions`, so one bad item does not fail the rest.

use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: u32,
    pub message: String,
}

impl Refusal {
    /// An invalid value: Pinterest's generic validation code.
    pub fn invalid(message: impl Into<String>) -> Refusal {
        Refusal {
            code: 1,
            message: message.into(),
        }
    }

    /// Something the item names that does not exist in the ad account.
    pub fn not_found(message: impl Into<String>) -> Refusal {
        Refusal {
            code: 2,
            message: message.into(),
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
        }
    }
}
