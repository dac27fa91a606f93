//! Users: accounts, their passwords and sign-in sessions, and what `GET /v5/user_account` shows.

mod store;
pub use store::*;

mod accounts;
mod session;
mod user;

pub use accounts::*;
pub use session::*;
pub use user::*;
