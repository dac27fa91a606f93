//! Serving HTTP/1.1 on a listener with the limits a server facing unknown clients needs: header,
//! body and idle timeouts, a cap on open connections (beyond it, a 503 and close), and a shutdown
//! that lets in-flight requests finish for a grace period, then drops what is left. Every answer
//! given here, outside any handler, is still Pinterest's `{code, message}` JSON.

mod activity;
mod alarm;
pub mod body_timeout;
mod hyper_answers;
mod over_capacity;
mod raw_answer;
mod service;
mod watched_io;

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use activity::Activity;
use service::ConnService;
use watched_io::WatchedIo;

/// Most headers a request may carry: hyper's default, which it keeps on the stack (setting it,
/// even to the same number, moves the headers to the heap for every request).
pub const MAX_HEADERS: usize = 100;
/// Most bytes of request line and headers together, which also bounds what a client sending a
/// head slowly makes a connection hold; a URL of hyper's longest (64 KiB) still fits.
pub const MAX_HEAD_BYTES: usize = 128 * 1024;

/// How long clients may take, and how many may be connected at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From the first byte of a request to the end of its headers.
    pub header_timeout: Duration,
    /// The longest pause while a request body arrives.
    pub body_timeout: Duration,
    /// How long a connection may sit without a request in progress and without traffic.
    pub idle_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// After a shutdown signal, how long in-flight requests may take to finish.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting, lets in-flight
/// requests finish for up to the grace period and drops the connections still open after it.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut builder = http1::Builder::new();
    builder.max_header_size(MAX_HEAD_BYTES);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let refusals = over_capacity::Refusals::new();
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(ended) = connections.join_next(), if !connections.is_empty() => {
                if let Err(e) = ended
                    && e.is_panic()
                {
                    tracing::error!(error = %e, "a connection's task panicked");
                }
                continue;
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            refusals.refuse(stream, limits.max_connections);
            continue;
        };
        let activity = Arc::new(Activity::default());
        let io = WatchedIo::new(
            stream,
            Arc::clone(&activity),
            limits.header_timeout,
            limits.idle_timeout,
        );
        let service = ConnService {
            router: router.clone(),
            activity,
            body_timeout: limits.body_timeout,
        };
        let conn = builder.serve_connection(io, service);
        let mut stopping = stopping.clone();
        connections.spawn(async move {
            let mut conn = std::pin::pin!(conn);
            let ended = tokio::select! {
                ended = conn.as_mut() => ended,
                () = async { drop(stopping.wait_for(|stop| *stop).await) } => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let open = connections.len();
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            still_open = connections.len(),
            of = open,
            grace = ?limits.shutdown_grace,
            "dropping the connections still open after the shutdown grace period"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// A failed accept: a connection that ended before it was taken is no matter; anything else
/// (out of file descriptors, most often) is logged and retried after a pause, as axum does.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed; retrying in a moment");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
