//! HTTP/1.1 over a bare TCP socket, for what a client library would refuse to send or would hide:
//! malformed heads, stalled requests, connections left open.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};

/// One answer read off the socket.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl RawAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// Asserts Pinterest's error answer: the status, JSON `{code, message}` with this code, and a
    /// message holding `part`; returns the message.
    pub fn expect_error(&self, status: u16, code: u64, part: &str) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.header("content-type")
                .is_some_and(|ct| ct.starts_with("application/json")),
            "an error answer is JSON: {}",
            self.text()
        );
        let json: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", self.text()));
        assert_eq!(json["code"], code, "{}", self.text());
        let message = json["message"].as_str().expect("a message").to_string();
        assert!(
            message.contains(part),
            "{message:?} should contain {part:?}"
        );
        assert_eq!(json.as_object().unwrap().len(), 2, "only code and message");
        message
    }

    pub fn text(&self) -> String {
        format!(
            "{}\r\n\r\n{}",
            self.head,
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// Parses one answer from the start of `bytes`, if it is all there.
fn parse(bytes: &[u8]) -> Option<(RawAnswer, usize)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).to_string();
    let status = head.get(9..12)?.parse().ok()?;
    let mut answer = RawAnswer {
        status,
        head,
        body: Vec::new(),
    };
    let length: usize = answer
        .header("content-length")
        .map_or(Some(0), |v| v.parse().ok())?;
    let body = bytes.get(end + 4..end + 4 + length)?;
    answer.body = body.to_vec();
    Some((answer, end + 4 + length))
}

pub async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.expect("connect")
}

/// Reads one whole answer (by its Content-Length) within `limit`, leaving the connection open.
pub async fn read_answer(stream: &mut TcpStream, limit: Duration) -> RawAnswer {
    let mut got = Vec::new();
    let deadline = Instant::now() + limit;
    loop {
        if let Some((answer, used)) = parse(&got) {
            assert_eq!(used, got.len(), "nothing follows the answer");
            return answer;
        }
        let mut chunk = [0u8; 8192];
        let n = timeout(deadline - Instant::now(), stream.read(&mut chunk))
            .await
            .unwrap_or_else(|_| panic!("no whole answer within {limit:?}: {got:?}"))
            .expect("read");
        assert!(
            n > 0,
            "the connection closed before a whole answer: {got:?}"
        );
        got.extend_from_slice(&chunk[..n]);
    }
}

/// Reads until the server closes the connection; `None` if it is still open after `limit`.
pub async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let deadline = Instant::now() + limit;
    loop {
        let mut chunk = [0u8; 8192];
        match timeout(
            deadline.saturating_duration_since(Instant::now()),
            stream.read(&mut chunk),
        )
        .await
        {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(got),
            Ok(Ok(n)) => got.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The one answer in what a closed connection sent.
pub fn only_answer(bytes: &[u8]) -> RawAnswer {
    let (answer, used) = parse(bytes)
        .unwrap_or_else(|| panic!("no whole answer in {:?}", String::from_utf8_lossy(bytes)));
    assert_eq!(used, bytes.len(), "nothing follows the answer");
    answer
}

/// Sends `request` (while reading, so that an answer given before the request is all sent is
/// not lost) and returns the answer of a server that then closes the connection.
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> RawAnswer {
    let stream = connect(addr).await;
    let (mut read, mut write) = stream.into_split();
    let request = request.to_vec();
    let writer = tokio::spawn(async move {
        // The server may close before reading everything: that is its answer, not a failure.
        let _ = write.write_all(&request).await;
        write
    });
    let mut got = Vec::new();
    let read_all = async {
        let mut chunk = [0u8; 8192];
        loop {
            match read.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&chunk[..n]),
            }
        }
    };
    timeout(Duration::from_secs(10), read_all)
        .await
        .expect("the server closed the connection after answering");
    drop(writer.await);
    only_answer(&got)
}
