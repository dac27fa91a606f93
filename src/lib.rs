//! pinbox: a self-hosted, stateful server that speaks the Pinterest REST API v5.
//!
//! Layers: [`http`] (one module per Pinterest resource) → [`domain`] (the rules) → [`store`]
//! (one interface, an adapter per engine). The [`catalog`] lists every served operation and drives
//! routing, authentication and scope checks; [`clock`] is the one source of time.

pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod config_file;
pub mod domain;
pub mod error;
pub mod http;
pub mod logging;
pub mod media;
pub mod server;
pub mod store;
