//! What every CLI test does: run the pinbox binary against a data dir (never the developer's own
//! database or data dir from the environment) and read its output.
#![allow(dead_code)] // each test binary uses its own part of this

use std::path::Path;
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_pinbox");

/// `pinbox ARGS --data-dir DATA_DIR`, run to completion.
pub fn pinbox(args: &[&str], data_dir: &Path) -> Output {
    command(args, data_dir).output().expect("run pinbox")
}

/// The command `pinbox` runs, for tests that pipe stdin or keep a server running.
pub fn command(args: &[&str], data_dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("PINBOX_DATA_DIR")
        .env_remove("PINBOX_DATABASE_URL");
    c
}

/// The command's stdout, after asserting it succeeded (its stderr is the failure message).
pub fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "pinbox failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}
