//! PostgreSQL for tests: each test gets a schema of its own in the database named by
//! `PINBOX_TEST_DATABASE_URL`, dropped when the test's guard goes out of scope.

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
    #[allow(clippy::new_without_default)] // making one creates a schema in the database
    pub fn new() -> Schema {
        let schema = Schema {
            url: database_url(),
            name: format!("pinbox_test_{:016x}", rand::random::<u64>()),
        };
        run_sql(&schema.url, format!("CREATE SCHEMA {}", schema.name))
            .unwrap_or_else(|e| panic!("cannot create a test schema: {e}"));
        schema
    }

    /// The URL with `search_path` set to this schema, for processes started by a test.
    pub fn url_with_search_path(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-c%20search_path%3D{}", self.url, self.name)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        // Best effort: a test that failed must not turn into an abort here.
        let _ = run_sql(
            &self.url,
            format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        );
    }
}

/// Runs one statement on a thread and runtime of its own, so it works from sync code, async
/// code and `Drop` alike.
fn run_sql(url: &str, sql: String) -> Result<(), String> {
    let url = url.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async move {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .map_err(|e| format!("cannot reach the test database: {e}"))?;
            tokio::spawn(conn);
            client
                .batch_execute(&sql)
                .await
                .map_err(|e| format!("{sql}: {e}"))
        })
    })
    .join()
    .map_err(|_| "the database thread panicked".to_string())?
}
