//! Access and refresh tokens: minting, hashing, looking up and inspecting them.

mod store;
pub use store::*;

mod inspect;
mod token;

pub use inspect::*;
pub use token::*;
