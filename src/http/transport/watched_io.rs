//! The connection's socket as hyper sees it, with the connection's deadlines: while no handler
//! runs, a connection that sends nothing and receives nothing for the idle timeout is closed, and
//! a request head must be complete within the header timeout of its first byte (else 408 and
//! close). hyper's own empty error answers are swapped for pinbox's JSON ones on the way out.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use hyper::rt::ReadBufCursor;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::activity::Activity;
use super::alarm::Alarm;
use super::hyper_answers;
use super::raw_answer::raw_answer;

/// How much of a request head is kept, to say what was wrong when hyper refuses it.
const HEAD_KEPT: usize = 1024;

pub(super) struct WatchedIo {
    stream: TcpStream,
    activity: Arc<Activity>,
    header_timeout: Duration,
    idle_timeout: Duration,
    /// The last time a byte came in or went out.
    last_io: Instant,
    /// When the first byte of the request head being read came (none between requests).
    head_since: Option<Instant>,
    /// The first bytes of that head.
    head: Vec<u8>,
    /// `activity.requests()` when `head_since` was last brought up to date.
    seen_requests: u64,
    alarm: Alarm,
    /// pinbox's answer in place of one of hyper's, and how much of it is written.
    answer: Option<(Vec<u8>, usize)>,
}

impl WatchedIo {
    pub(super) fn new(
        stream: TcpStream,
        activity: Arc<Activity>,
        header_timeout: Duration,
        idle_timeout: Duration,
    ) -> WatchedIo {
        WatchedIo {
            stream,
            activity,
            header_timeout,
            idle_timeout,
            last_io: Instant::now(),
            head_since: None,
            head: Vec::new(),
            seen_requests: 0,
            alarm: Alarm::default(),
            answer: None,
        }
    }

    /// A request that began since the last look ends the head being timed.
    fn catch_up(&mut self) {
        let requests = self.activity.requests();
        if requests != self.seen_requests {
            self.seen_requests = requests;
            self.head_since = None;
        }
    }

    fn on_read(&mut self, bytes: &[u8]) {
        let now = Instant::now();
        self.last_io = now;
        self.catch_up();
        if self.activity.busy() {
            return;
        }
        if self.head_since.is_none() {
            self.head_since = Some(now);
            self.head.clear();
        }
        let room = HEAD_KEPT.saturating_sub(self.head.len());
        self.head.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// Pending until the connection's deadline passes, then the error that ends it. No deadline
    /// applies while a handler runs.
    fn poll_deadline(&mut self, cx: &mut Context<'_>, reading: bool) -> Poll<io::Error> {
        if self.activity.busy() {
            return Poll::Pending;
        }
        self.catch_up();
        let deadline = match self.head_since {
            Some(since) => since + self.header_timeout,
            None => self.last_io + self.idle_timeout,
        };
        ready!(self.alarm.poll_until(cx, deadline));
        if self.head_since.is_none() {
            return Poll::Ready(io::Error::new(
                io::ErrorKind::TimedOut,
                "the connection was idle for the idle timeout",
            ));
        }
        if reading {
            // hyper has written nothing for this head, so the answer cannot interleave with one.
            let message = format!(
                "The request's line and headers did not all arrive within {:?} of their first \
                 byte: send a request's head at once.",
                self.header_timeout
            );
            let _ = self
                .stream
                .try_write(&raw_answer("408 Request Timeout", 408, &message, ""));
        }
        Poll::Ready(io::Error::new(
            io::ErrorKind::TimedOut,
            "a request head did not arrive within the header timeout",
        ))
    }

    /// Writes what is left of pinbox's replacement answer, if any.
    fn poll_answer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, sent)) = &mut self.answer {
            if *sent == bytes.len() {
                self.answer = None;
                break;
            }
            match Pin::new(&mut self.stream).poll_write(cx, &bytes[*sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *sent += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return self.poll_deadline(cx, false).map(Err),
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `written` as written when it is one of hyper's error answers, sending pinbox's
    /// instead; `None` when it is not.
    fn swap_hyper_answer(&mut self, cx: &mut Context<'_>, written: &[u8]) -> Option<usize> {
        if self.answer.is_some() || self.activity.busy() {
            return None;
        }
        let answer = hyper_answers::replace(written, &self.head)?;
        self.answer = Some((answer, 0));
        // What is not written now is written by the flush or shutdown hyper does next.
        let _ = self.poll_answer(cx);
        Some(written.len())
    }

    fn wrote(
        &mut self,
        result: Poll<io::Result<usize>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        match result {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.last_io = Instant::now();
                    // hyper last read while the handler ran, when no deadline applies, and reads
                    // next only when a byte comes: the idle deadline must be armed from here.
                    let _ = self.poll_deadline(cx, false);
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.poll_deadline(cx, false).map(Err),
        }
    }
}

impl hyper::rt::Read for WatchedIo {
    #[allow(unsafe_code)] // each block says why it is sound
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // SAFETY: as hyper-util's TokioIo: tokio's ReadBuf only writes initialised bytes into the
        // cursor's memory, and `advance` counts exactly the bytes it filled.
        let n = unsafe {
            let mut tbuf = tokio::io::ReadBuf::uninit(buf.as_mut());
            match Pin::new(&mut this.stream).poll_read(cx, &mut tbuf) {
                Poll::Ready(Ok(())) => {
                    let filled = tbuf.filled();
                    if !filled.is_empty() {
                        this.on_read(filled);
                    }
                    filled.len()
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return this.poll_deadline(cx, true).map(Err),
            }
        };
        // SAFETY: `n` bytes were just filled by the read above.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl hyper::rt::Write for WatchedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(n) = this.swap_hyper_answer(cx, buf) {
            return Poll::Ready(Ok(n));
        }
        ready!(this.poll_answer(cx))?;
        let result = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.wrote(result, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(first) = bufs.iter().find(|b| !b.is_empty())
            && let Some(n) = this.swap_hyper_answer(cx, first)
        {
            return Poll::Ready(Ok(n));
        }
        ready!(this.poll_answer(cx))?;
        let result = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.wrote(result, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_answer(cx))?;
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_answer(cx))?;
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}
