//! The HTTP layer: one module per Pinterest resource, each listing its endpoints by the spec's
//! operationId. Routes, methods, authentication and scope checks all come from the operation
//! catalog; handlers only parse the wire format, call the domain and shape the answer.

pub mod ad_accounts;
pub mod ads;
pub mod ads_analytics;
pub mod ads_planning;
pub mod ads_render;
pub mod ads_resources;
pub mod ads_wrapped;
pub mod agent_gate;
pub mod analytics;
pub mod auth;
pub mod board_sections;
pub mod boards;
pub mod control;
// conversions
pub mod conversions;
// ads reports
pub mod ads_reports;
pub mod extract;
pub mod follows;
pub mod form;
pub mod gateway;
pub mod html;
pub mod images;
pub mod media;
pub mod oauth;
pub mod oauth_pages;
pub mod pins;
pub mod rate_limit;
pub mod respond;
pub mod search;
pub mod state;
pub mod transport;
pub mod user_account;
pub mod videos;
pub mod websites;
pub mod wire;

use std::collections::HashSet;

use axum::Router;
use axum::extract::{OriginalUri, Request};
use axum::handler::Handler;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on};
use tower_http::catch_panic::CatchPanicLayer;

use crate::catalog::{self, Method, Operation};
use crate::domain::env::Env;
use crate::error::{Error, ErrorKind};
use crate::http::state::AppState;

/// One served operation: its catalog entry and the handler for it.
pub struct Endpoint {
    pub op: &'static Operation,
    route: MethodRouter<AppState>,
    /// Another path the same operation answers at (with the same method, auth and scopes), where
    /// Pinterest's documents name a path the spec does not.
    alias: Option<&'static str>,
}

impl Endpoint {
    /// Also serves the operation at `path` (same method, same checks).
    pub fn also_at(mut self, path: &'static str) -> Endpoint {
        self.alias = Some(path);
        self
    }
}

/// Binds a handler to the catalog operation `id`; the method and path come from the catalog.
pub fn endpoint<H, T>(id: &'static str, handler: H) -> Endpoint
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let op = catalog::by_id(id)
        .unwrap_or_else(|| panic!("operation '{id}' has a handler but is not in the catalog"));
    Endpoint {
        op,
        route: on(method_filter(op.method), handler),
        alias: None,
    }
}

fn method_filter(m: Method) -> MethodFilter {
    match m {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
        Method::Patch => MethodFilter::PATCH,
        Method::Put => MethodFilter::PUT,
        Method::Delete => MethodFilter::DELETE,
    }
}

/// Every endpoint of every resource module.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(user_account::endpoints());
    all.extend(boards::endpoints());
    all.extend(board_sections::endpoints());
    all.extend(pins::endpoints());
    all.extend(oauth::endpoints());
    all.extend(ad_accounts::endpoints());
    all.extend(media::endpoints());
    all.extend(search::endpoints());
    all.extend(follows::endpoints());
    // analytics
    all.extend(analytics::endpoints());
    all.extend(websites::endpoints());
    all.extend(ads::endpoints());
    all.extend(ads_analytics::endpoints());
    all.extend(ads_resources::endpoints());
    // keywords, labels, sizing, bid floors, previews, trends
    all.extend(ads_planning::endpoints());
    // conversions
    all.extend(conversions::endpoints());
    // ads reports
    all.extend(ads_reports::endpoints());
    all
}

/// The Pinterest API (`/v5` for production, `/sandbox/v5` for Sandbox) and pinbox's own routes.
pub fn router(state: AppState) -> Router {
    let endpoints = endpoints();
    check_catalog_coverage(&endpoints);

    // Every operation is routed at its full path in each environment, with the environment bound
    // to the route: nesting the API under `/v5` cost a URI rewrite and a second router on every
    // request.
    let mut root: Router<AppState> = Router::new();
    for (prefix, env) in [("/v5", Env::Production), ("/sandbox/v5", Env::Sandbox)] {
        for e in &endpoints {
            let auth = middleware::from_fn_with_state((state.clone(), e.op, env), auth::authorize);
            if let Some(alias) = e.alias {
                root = root.route(
                    &format!("{prefix}{alias}"),
                    e.route.clone().layer(auth.clone()),
                );
            }
            root = root.route(
                &format!("{prefix}{}", e.op.path),
                e.route.clone().layer(auth),
            );
        }
        // Spec operations pinbox does not serve yet answer "not implemented" by name, not a bare 404.
        for unserved in catalog::unserved() {
            let id = unserved.id;
            root = root.route(
                &format!("{prefix}{}", unserved.path),
                on(method_filter(unserved.method), move || async move {
                    Error::not_implemented(id)
                }),
            );
        }
    }

    root.route("/media/avatars/default.png", get(default_avatar))
        .route(
            "/media/{size}/{a}/{b}/{c}/{file}",
            get(images::serve_rendition),
        )
        .merge(oauth_pages::routes())
        .route("/media/videos/{a}/{b}/{file}", get(videos::serve_video))
        .merge(control::routes())
        // Last: axum gives this fallback only to the routes already added.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

/// A panic in a handler is a bug: log it and answer a plain 500 that leaks nothing.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    Error::internal(anyhow::anyhow!("a request handler panicked")).into_response()
}

/// Panics unless the handlers cover the catalog exactly: a served operation without a handler
/// (or two handlers for one) is a bug caught at start-up and by the tests.
fn check_catalog_coverage(endpoints: &[Endpoint]) {
    let mut seen = HashSet::new();
    for e in endpoints {
        assert!(
            seen.insert(e.op.id),
            "operation '{}' has two handlers",
            e.op.id
        );
    }
    for op in catalog::OPERATIONS {
        assert!(
            seen.contains(op.id),
            "operation '{}' is in the catalog but has no handler",
            op.id
        );
    }
}

async fn not_found(req: Request) -> Error {
    Error::new(
        ErrorKind::NotFound,
        404,
        format!(
            "No such endpoint: {} {}. Pinterest's API lives under /v5 (or /sandbox/v5 for Sandbox).",
            req.method(),
            extract::truncate(req.uri().path(), 200)
        ),
    )
}

async fn method_not_allowed(OriginalUri(uri): OriginalUri, method: axum::http::Method) -> Error {
    Error::new(
        ErrorKind::MethodNotAllowed,
        5,
        format!(
            "Method not allowed: {method} is not supported on {}.",
            extract::truncate(uri.path(), 200)
        ),
    )
}

static DEFAULT_AVATAR: &[u8] = include_bytes!("../../assets/default-avatar.png");

async fn default_avatar() -> Response {
    (
        [
            (CONTENT_TYPE, "image/png"),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        DEFAULT_AVATAR,
    )
        .into_response()
}
