//! PostgreSQL for tests: each test gets a schema of its own in the database named by
//! `PINBOX_TEST_DATABASE_URL`, dropped when the test's guard goes out of scope.
#![allow(dead_code)]

/// The test database's URL; panics with what to do when it is not set (tests that need it are
/// `#[ignore]`d and run by scripts/test only when it is).
pub fn database_url() -> String {
    std::env::var("PINBOX_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "PINBOX_TEST_DATABASE_URL is not set: point it at a PostgreSQL database, e.g. \
             postgres://postgres@127.0.0.1:5432/postgres, to run the PostgreSQL suites"
        )
    })
}

/// A fresh schema; dropping the guard drops the schema and everything in it.
pub struct Schema {
    pub url: String,
    pub name: String,
}

impl Schema {
    pub fn new() -> Schema {
        Schema {
            url: database_url(),
            name: format!("pinbox_test_{:016x}", rand::random::<u64>()),
        }
    }

    /// The URL with `search_path` set to this schema, for processes started by a test.
    pub fn url_with_search_path(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-c%20search_path%3D{}", self.url, self.name)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let url = self.url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, so the cleanup gets a thread and runtime of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                if let Ok((client, conn)) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await {
                    tokio::spawn(conn);
                    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE")).await;
                }
            });
        })
        .join();
    }
}
