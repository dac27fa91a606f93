//! What the CLI and binary tests share: running the built `pinbox` binary.

pub mod cli;
