//! A request body that must keep arriving: a pause longer than the body timeout ends it with
//! [`BodyStalled`], which the body readers answer with 408.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::BoxError;
use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::time::Instant;

use super::alarm::Alarm;

/// The error a stalled body ends with.
#[derive(Debug)]
pub struct BodyStalled {
    pub after: Duration,
}

impl fmt::Display for BodyStalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no part of the request body arrived for {:?}",
            self.after
        )
    }
}

impl std::error::Error for BodyStalled {}

impl BodyStalled {
    /// The `BodyStalled` behind a body error, however deeply wrapped.
    pub fn find<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a BodyStalled> {
        let mut cause = Some(e);
        while let Some(e) = cause {
            if let Some(stalled) = e.downcast_ref::<BodyStalled>() {
                return Some(stalled);
            }
            cause = e.source();
        }
        None
    }
}

pub(super) struct TimedBody {
    inner: Incoming,
    timeout: Duration,
    /// The last time a frame came (or the head, before the first).
    last_frame: Instant,
    alarm: Alarm,
}

impl TimedBody {
    pub(super) fn new(inner: Incoming, timeout: Duration) -> TimedBody {
        TimedBody {
            inner,
            timeout,
            last_frame: Instant::now(),
            alarm: Alarm::default(),
        }
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.last_frame = Instant::now();
            return Poll::Ready(frame.map(|f| f.map_err(BoxError::from)));
        }
        match this.alarm.poll_until(cx, this.last_frame + this.timeout) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyStalled {
                after: this.timeout,
            })))),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
