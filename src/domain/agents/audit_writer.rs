//! Audit lines are written in batches by one task, off the request's path: an agent's call
//! answers without waiting for its line to be committed, and a burst of calls costs one
//! transaction per batch instead of one each. Reads flush first, so what a process wrote it
//! also reads; a crash can lose the batch in flight (milliseconds of lines).

use std::sync::Arc;

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, timeout_at};

use crate::domain::agents::{AuditLine, AuditStore};
use crate::error::{Error, Result};

/// Lines waiting at most; past it, callers wait for room (the log never drops a line).
const QUEUE: usize = 16_384;
/// Lines per transaction at most.
const BATCH: usize = 4_096;
/// How long a batch gathers lines after its first, unless a reader waits: one commit (and one
/// fsync) per interval instead of one per burst.
const GATHER: Duration = Duration::from_millis(20);

enum Message {
    Line(AuditLine),
    /// Answered once every line sent before it is written.
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct AuditWriter {
    queue: mpsc::Sender<Message>,
}

impl AuditWriter {
    /// Starts the writing task on the current runtime.
    pub fn start(store: Arc<dyn AuditStore>) -> AuditWriter {
        let (queue, received) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(store, received));
        AuditWriter { queue }
    }

    pub async fn write(&self, line: AuditLine) -> Result<()> {
        self.queue
            .send(Message::Line(line))
            .await
            .map_err(|_| Error::internal(anyhow::anyhow!("the audit writer has stopped")))
    }

    /// Waits until every line written before this call is in the store.
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Message::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

async fn write_batches(store: Arc<dyn AuditStore>, mut received: mpsc::Receiver<Message>) {
    let mut lines = Vec::new();
    let mut waiting = Vec::new();
    while let Some(first) = received.recv().await {
        let deadline = Instant::now() + GATHER;
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Line(line) => lines.push(line),
                Message::Flush(done) => waiting.push(done),
            }
            if lines.len() >= BATCH {
                break;
            }
            next = match received.try_recv() {
                Ok(message) => Some(message),
                Err(_) if !waiting.is_empty() => None,
                Err(_) => timeout_at(deadline, received.recv()).await.ok().flatten(),
            };
        }
        if !lines.is_empty() {
            let count = lines.len();
            if let Err(e) = store.append_audit(std::mem::take(&mut lines)).await {
                tracing::error!(error = %e, lines = count, "audit lines could not be written");
            }
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}
