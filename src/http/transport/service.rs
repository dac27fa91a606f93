//! The router as hyper calls it on one connection: marks the connection busy while a handler
//! runs and gives every request body that is not already complete the body timeout.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use hyper::body::{Body, Incoming};
use tower::Service;

use super::activity::{Activity, Busy};
use super::body_timeout::TimedBody;

pub(super) struct ConnService {
    pub(super) router: Router,
    pub(super) activity: Arc<Activity>,
    pub(super) body_timeout: Duration,
}

impl hyper::service::Service<Request<Incoming>> for ConnService {
    type Response = Response;
    type Error = Infallible;
    type Future = InFlight;

    fn call(&self, req: Request<Incoming>) -> InFlight {
        let busy = self.activity.begin();
        // Router is always ready; cloning it is an Arc's count.
        let mut router = self.router.clone();
        let future = if req.body().is_end_stream() {
            router.call(req)
        } else {
            let timeout = self.body_timeout;
            router.call(req.map(|body| TimedBody::new(body, timeout)))
        };
        InFlight {
            future,
            _busy: busy,
        }
    }
}

pub(super) struct InFlight {
    future: RouteFuture<Infallible>,
    _busy: Busy,
}

impl Future for InFlight {
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.future).poll(cx)
    }
}
