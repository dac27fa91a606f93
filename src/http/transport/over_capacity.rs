//! A connection beyond the cap gets a 503 with Pinterest's body and is closed, rather than left
//! waiting in the kernel's queue with no answer.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use super::raw_answer::raw_answer;

/// Most refusals being written at once; past it a connection is closed without an answer.
const MAX_REFUSING: usize = 64;
/// How long a refusal may take, reading included.
const REFUSAL_TIME: Duration = Duration::from_secs(1);

pub(super) struct Refusals {
    slots: Arc<Semaphore>,
}

impl Refusals {
    pub(super) fn new() -> Refusals {
        Refusals {
            slots: Arc::new(Semaphore::new(MAX_REFUSING)),
        }
    }

    pub(super) fn refuse(&self, mut stream: TcpStream, max_connections: usize) {
        let Ok(slot) = Arc::clone(&self.slots).try_acquire_owned() else {
            return;
        };
        let message = format!(
            "pinbox has as many connections open as it takes ({max_connections}, set by \
             --max-connections): retry in a moment, or reuse an open connection."
        );
        let answer = raw_answer(
            "503 Service Unavailable",
            503,
            &message,
            "retry-after: 1\r\n",
        );
        tokio::spawn(async move {
            let _ = tokio::time::timeout(REFUSAL_TIME, async {
                stream.write_all(&answer).await?;
                stream.shutdown().await?;
                // Read what the client sent before closing: closing with unread bytes resets the
                // connection, and the client might lose the answer.
                let mut sink = [0u8; 4096];
                while stream.read(&mut sink).await? > 0 {}
                std::io::Result::Ok(())
            })
            .await;
            drop(slot);
        });
    }
}
