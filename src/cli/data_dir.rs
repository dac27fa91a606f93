//! Where a command keeps its data: `--data-dir` (or `--database-url`), taken before or after the
//! subcommand, and the notice a command gives when it makes a new data dir.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::config::Storage;
use crate::store::postgres::PgOptions;

#[derive(Args, Clone)]
pub struct DataDirArg {
    /// Directory holding pinbox's data (the SQLite database and media files), relative to the
    /// current directory; made on first use.
    #[arg(
        long,
        env = "PINBOX_DATA_DIR",
        default_value = "pinbox-data",
        value_name = "DIR",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Keep data in this PostgreSQL database (postgres://user:password@host:port/db) instead of
    /// the SQLite file in the data dir, so that several replicas can serve it.
    #[arg(long, env = "PINBOX_DATABASE_URL", value_name = "URL", global = true)]
    pub database_url: Option<String>,
    /// Whether `--data-dir` came as a flag rather than from the environment or the default.
    #[arg(skip)]
    pub data_dir_on_command_line: bool,
}

impl DataDirArg {
    /// The store of an admin command: two connections are all one command needs.
    pub fn storage(&self) -> Storage {
        match &self.database_url {
            Some(url) => Storage::Postgres(PgOptions {
                pool_size: 2,
                ..PgOptions::new(url)
            }),
            None => Storage::DataDir(self.data_dir.clone()),
        }
    }

    /// Notes whether the data dir exists before the command opens its store.
    pub fn watch(&self) -> DataDirWatch {
        DataDirWatch {
            dir: self.data_dir.clone(),
            existed: self.data_dir.exists(),
        }
    }
}

/// Whether a data dir existed before a command ran.
pub struct DataDirWatch {
    dir: PathBuf,
    existed: bool,
}

impl DataDirWatch {
    /// Says on stderr, with its absolute path, that the command made a new data dir: run from
    /// another directory, a command would otherwise fill a new, empty one without a word.
    pub fn announce(&self) {
        if !self.existed && self.dir.is_dir() {
            eprintln!(
                "pinbox: created a new data dir at {}",
                absolute(&self.dir).display()
            );
        }
    }
}

fn absolute(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}
