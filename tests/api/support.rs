//! The test harness: a real pinbox on port 0 (ephemeral store, frozen clock), users and tokens
//! made through the domain, and calls addressed by the spec's operationId whose JSON answers are
//! all checked against Pinterest's OpenAPI schema.

use std::sync::Arc;
use std::time::Duration;

use pinbox::catalog;
use pinbox::catalog::scope::Scopes;
use pinbox::clock::{Clock, Timestamp};
use pinbox::domain::apps::Tier;
use pinbox::domain::env::Env;
use pinbox::domain::oauth::OAuthSettings;
use pinbox::domain::rate_limits::RateLimits;
use pinbox::domain::storage::*;
use pinbox::domain::users::{AccountType, User};
use pinbox::domain::{Limits, Pinbox};
use pinbox::http::transport::ConnectionLimits;
use pinbox::media::Media;
use pinbox::media::fetch::FetchConfig;
use pinbox::media::images::ImageLimits;
use pinbox::server::RunningServer;
use pinbox::store::postgres::{PgOptions, PgStore};
use pinbox::store::sqlite::SqliteStore;
use serde_json::Value;

pub use pinbox_testkit::openapi;

pub use pinbox_testkit::pg;

/// 2026-11-01T00:00:00Z: tests start here and move the clock themselves.
pub const START: Timestamp = Timestamp(1_793_491_200_000);

pub struct TestApp {
    pub server: Option<RunningServer>,
    /// The PostgreSQL schema this test's store lives in, dropped with the test.
    _schema: Option<pg::Schema>,
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Clock,
    pub pinbox: Pinbox,
    /// The engine under the server, for tests that look at what was stored.
    pub store: Arc<dyn Store>,
}

/// A user with an app and a token carrying every content scope.
pub struct TestUser {
    pub user: User,
    pub app_id: pinbox::domain::ids::AppId,
    pub token: String,
}

impl TestApp {
    pub async fn start() -> TestApp {
        TestApp::start_with(Limits::default()).await
    }

    pub async fn start_with(limits: Limits) -> TestApp {
        TestApp::start_with_media(limits, FetchConfig::default(), ImageLimits::default()).await
    }

    pub async fn start_with_media(
        limits: Limits,
        fetch: FetchConfig,
        image_limits: ImageLimits,
    ) -> TestApp {
        TestApp::start_configured(limits, fetch, image_limits, OAuthSettings::default()).await
    }

    /// A server in unattended OAuth mode: consent is approved at once as `username`.
    pub async fn start_auto_approving(username: &str) -> TestApp {
        TestApp::start_configured(
            Limits::default(),
            FetchConfig::default(),
            ImageLimits::default(),
            OAuthSettings {
                auto_approve: Some(username.to_string()),
            },
        )
        .await
    }

    pub async fn start_configured(
        limits: Limits,
        fetch: FetchConfig,
        image_limits: ImageLimits,
        oauth: OAuthSettings,
    ) -> TestApp {
        TestApp::start_full(limits, fetch, image_limits, oauth, RateLimits::default()).await
    }

    /// A server with these rate limits (every other test runs under Pinterest's defaults).
    pub async fn start_rate_limited(rate_limits: RateLimits) -> TestApp {
        TestApp::start_full(
            Limits::default(),
            FetchConfig::default(),
            ImageLimits::default(),
            OAuthSettings::default(),
            rate_limits,
        )
        .await
    }

    /// A server with these timeouts and connection cap (every other test runs with the defaults).
    pub async fn start_with_connections(connections: ConnectionLimits) -> TestApp {
        TestApp::start_full_with(
            Limits::default(),
            FetchConfig::default(),
            ImageLimits::default(),
            OAuthSettings::default(),
            RateLimits::default(),
            connections,
        )
        .await
    }

    async fn start_full(
        limits: Limits,
        fetch: FetchConfig,
        image_limits: ImageLimits,
        oauth: OAuthSettings,
        rate_limits: RateLimits,
    ) -> TestApp {
        TestApp::start_full_with(
            limits,
            fetch,
            image_limits,
            oauth,
            rate_limits,
            ConnectionLimits::default(),
        )
        .await
    }

    async fn start_full_with(
        limits: Limits,
        fetch: FetchConfig,
        image_limits: ImageLimits,
        oauth: OAuthSettings,
        rate_limits: RateLimits,
        connections: ConnectionLimits,
    ) -> TestApp {
        let clock = Clock::frozen(START);
        let (store, schema) = test_store(&clock).await;
        let media = Media::ephemeral(fetch, image_limits).expect("media dir");
        let pinbox = Pinbox::new(store.clone(), clock.clone(), limits, media)
            .await
            .expect("pinbox")
            .with_oauth(oauth)
            .with_rate_limits(rate_limits);
        let server = RunningServer::start_with_limits(pinbox.clone(), "127.0.0.1:0", connections)
            .await
            .expect("server starts on port 0");
        TestApp {
            _schema: schema,
            base: server.base_url.clone(),
            server: Some(server),
            client: reqwest::Client::new(),
            clock,
            pinbox,
            store,
        }
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("clean shutdown");
        }
    }

    /// A new user with a Standard app and a token with every content scope.
    pub async fn user(&self, username: &str) -> TestUser {
        let user = self
            .pinbox
            .users
            .create(username, None, AccountType::Pinner)
            .await
            .expect("create user");
        let app = self
            .pinbox
            .apps
            .create(&user, &format!("{username}'s app"), vec![], Tier::Standard)
            .await
            .expect("create app");
        let token = self
            .pinbox
            .tokens
            .issue(Some(user.id), app.app.id, Scopes::CONTENT, Env::Production)
            .await
            .expect("issue token")
            .secret;
        TestUser {
            user,
            app_id: app.app.id,
            token,
        }
    }

    /// Another token for `user`, with exactly `scopes`.
    pub async fn token(&self, user: &TestUser, scopes: Scopes) -> String {
        self.token_in(user, scopes, Env::Production).await
    }

    pub async fn token_in(&self, user: &TestUser, scopes: Scopes, env: Env) -> String {
        self.pinbox
            .tokens
            .issue(Some(user.user.id), user.app_id, scopes, env)
            .await
            .expect("issue token")
            .secret
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// A call to the catalog operation `op_id`, with its method and path from the catalog.
    pub fn call(&self, op_id: &'static str) -> Call {
        let op = catalog::by_id(op_id).unwrap_or_else(|| panic!("{op_id} is not in the catalog"));
        Call {
            client: self.client.clone(),
            base: format!("{}/v5", self.base),
            op_id,
            method: op.method.as_str(),
            path: op.path.to_string(),
            query: Vec::new(),
            token: None,
            basic: None,
            body: None,
            content_type: None,
            headers: Vec::new(),
        }
    }

    /// Like [`TestApp::call`], on the Sandbox base URL (`/sandbox/v5`).
    pub fn call_sandbox(&self, op_id: &'static str) -> Call {
        let mut call = self.call(op_id);
        call.base = format!("{}/sandbox/v5", self.base);
        call
    }

    /// A raw request to any path, for the answers no operation owns (404, 405).
    pub async fn raw(&self, method: &str, path: &str, token: Option<&str>) -> Reply {
        let mut req = self.client.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", self.base),
        );
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Reply::read(req.send().await.expect("request"), None).await
    }
}

/// The store the suite runs on: SQLite, or PostgreSQL when `PINBOX_TEST_STORE=postgres`
/// (with `PINBOX_TEST_DATABASE_URL`), so the whole suite holds both engines to one behaviour.
async fn test_store(clock: &Clock) -> (Arc<dyn Store>, Option<pg::Schema>) {
    match std::env::var("PINBOX_TEST_STORE").as_deref() {
        Ok("postgres") => {
            let schema = pg::Schema::new();
            let options = PgOptions {
                pool_size: 8,
                schema: Some(schema.name.clone()),
                ..PgOptions::new(&schema.url)
            };
            let store = PgStore::connect(options, clock.now())
                .await
                .expect("connect to the PostgreSQL test database");
            (Arc::new(store), Some(schema))
        }
        Ok("sqlite") | Err(_) => (
            Arc::new(SqliteStore::ephemeral(clock.now()).expect("ephemeral store")),
            None,
        ),
        Ok(other) => panic!("PINBOX_TEST_STORE={other}: use sqlite or postgres"),
    }
}

pub struct Call {
    client: reqwest::Client,
    base: String,
    op_id: &'static str,
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    token: Option<String>,
    /// HTTP Basic credentials (the OAuth token endpoints' client authentication).
    basic: Option<(String, String)>,
    body: Option<Vec<u8>>,
    content_type: Option<String>,
    headers: Vec<(String, String)>,
}

impl Call {
    /// Sends an extra header (e.g. `Host`, which picks the environment as Pinterest's hosts do).
    pub fn header(mut self, name: &str, value: &str) -> Call {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Fills the path parameter `{name}`.
    pub fn path(mut self, name: &str, value: impl ToString) -> Call {
        let pattern = format!("{{{name}}}");
        assert!(
            self.path.contains(&pattern),
            "{} has no {pattern}",
            self.op_id
        );
        self.path = self.path.replace(&pattern, &value.to_string());
        self
    }

    pub fn query(mut self, name: &str, value: impl ToString) -> Call {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    pub fn token(mut self, token: &str) -> Call {
        self.token = Some(token.to_string());
        self
    }

    /// HTTP Basic client authentication with an app id and secret.
    pub fn basic(mut self, client_id: impl ToString, secret: &str) -> Call {
        self.basic = Some((client_id.to_string(), secret.to_string()));
        self
    }

    /// A form body (`application/x-www-form-urlencoded`).
    pub fn form(mut self, fields: &[(&str, &str)]) -> Call {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            s.append_pair(k, v);
        }
        self.body = Some(s.finish().into_bytes());
        self.content_type = Some("application/x-www-form-urlencoded".into());
        self
    }

    pub fn json(mut self, body: Value) -> Call {
        self.body = Some(serde_json::to_vec(&body).unwrap());
        self.content_type = Some("application/json".into());
        self
    }

    /// A body sent as is, with the given content type (`None` sends no Content-Type).
    pub fn raw_body(mut self, body: &[u8], content_type: Option<&str>) -> Call {
        self.body = Some(body.to_vec());
        self.content_type = content_type.map(str::to_string);
        self
    }

    /// Sends the call; every JSON answer is checked against the operation's response schema.
    pub async fn send(self) -> Reply {
        let url = format!("{}{}", self.base, self.path);
        let mut req = self
            .client
            .request(
                reqwest::Method::from_bytes(self.method.as_bytes()).unwrap(),
                url,
            )
            .query(&self.query);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some((id, secret)) = &self.basic {
            req = req.basic_auth(id, Some(secret));
        }
        if let Some(ct) = &self.content_type {
            req = req.header("content-type", ct);
        }
        for (name, value) in &self.headers {
            req = req.header(name.as_str(), value.as_str());
        }
        if let Some(b) = self.body {
            req = req.body(b);
        }
        Reply::read(req.send().await.expect("request"), Some(self.op_id)).await
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Reply {
    async fn read(resp: reqwest::Response, op_id: Option<&str>) -> Reply {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            let is_json = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json"));
            assert!(is_json, "a non-empty answer must be JSON, got {text:?}");
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("invalid JSON {text:?}: {e}"))
        };
        if status == 204 {
            assert!(text.is_empty(), "204 must have no body, got {text:?}");
        } else if text.is_empty() && status < 400 && op_id.is_some() {
            // Only where the spec documents the status without a body (token/revoke's 200).
            openapi::assert_conforms(op_id.unwrap_or_default(), status, &Value::Null);
        } else {
            assert!(!text.is_empty(), "status {status} came without a body");
            if let Some(op) = op_id {
                openapi::assert_conforms(op, status, &json);
            }
            if status >= 400 {
                assert_error_body(&json);
            }
        }
        Reply {
            status,
            headers,
            json,
            text,
        }
    }

    /// Asserts the status, showing the body when it differs.
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts Pinterest's error answer: the status, the code and (part of) the message.
    pub fn expect_error(self, status: u16, code: u64, message_part: &str) -> Reply {
        let r = self.expect(status);
        assert_eq!(r.json["code"], code, "error code; body: {}", r.text);
        let message = r.json["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(message_part),
            "message {message:?} should contain {message_part:?}"
        );
        r
    }

    pub fn id(&self) -> String {
        self.json["id"].as_str().expect("an id").to_string()
    }

    pub fn items(&self) -> &Vec<Value> {
        self.json["items"].as_array().expect("items")
    }

    pub fn bookmark(&self) -> Option<String> {
        self.json["bookmark"].as_str().map(str::to_string)
    }
}

/// Every error is Pinterest's `{code, message}`: an integer and a non-empty message.
pub fn assert_error_body(json: &Value) {
    assert!(
        json["code"].is_u64(),
        "error without a numeric code: {json}"
    );
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error without a message: {json}"
    );
}
