//! The engagement log: counted events per Pin, day, app type and metric, its storage port and the
//! service that writes and reads it. Pins write to it (a save counts a SAVE on its source);
//! Analytics reads it and fills it on a tester's request.

mod event;
mod log;
mod store;

pub use event::*;
pub use log::*;
pub use store::*;
