//! Connections cannot be held forever: a head or a body that stops arriving, a connection left
//! idle, one too many connections, and a client stalled at shutdown are each dealt with in
//! bounded time, with Pinterest's JSON where an answer is given.

use std::time::Duration;

use pinbox::http::transport::ConnectionLimits;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::time::{Instant, sleep, timeout};

use crate::raw_http::{connect, only_answer, read_answer, read_until_closed};
use crate::support::TestApp;

const SHORT: Duration = Duration::from_millis(300);
const LONG: Duration = Duration::from_secs(60);

fn limits() -> ConnectionLimits {
    ConnectionLimits {
        header_timeout: LONG,
        body_timeout: LONG,
        idle_timeout: LONG,
        max_connections: 1024,
        shutdown_grace: LONG,
    }
}

#[tokio::test]
async fn a_client_that_sends_half_its_headers_gets_408_and_is_disconnected() {
    let app = TestApp::start_with_connections(ConnectionLimits {
        header_timeout: SHORT,
        ..limits()
    })
    .await;
    let addr = app.server.as_ref().unwrap().addr;

    let mut stream = connect(addr).await;
    let start = Instant::now();
    stream
        .write_all(b"GET /v5/user_account HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let got = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("disconnected after the header timeout");
    assert!(start.elapsed() >= SHORT, "not before the timeout");
    only_answer(&got).expect_error(408, 408, "did not all arrive within 300ms");

    // Trickling the head a byte at a time does not keep it alive: the time runs from its first byte.
    let mut stream = connect(addr).await;
    let start = Instant::now();
    let trickle = async {
        for b in b"GET /v5/user_account HTTP/1.1\r\nHost: x\r\nX-Slow: yes\r\n".iter() {
            if stream.write_all(&[*b]).await.is_err() {
                break;
            }
            sleep(Duration::from_millis(50)).await;
        }
        stream
    };
    let mut stream = trickle.await;
    let got = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(got.is_some(), "a trickled head is cut off too");
    assert!(start.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn half_a_body_gets_408_after_the_body_timeout_and_changes_nothing() {
    let app = TestApp::start_with_connections(ConnectionLimits {
        body_timeout: SHORT,
        ..limits()
    })
    .await;
    let alice = app.user("alice").await;
    let addr = app.server.as_ref().unwrap().addr;
    let body = json!({"name": "Never made", "description": "cut short"}).to_string();
    let mut stream = connect(addr).await;
    stream
        .write_all(
            format!(
                "POST /v5/boards HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                alice.token,
                body.len(),
                &body[..10]
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let start = Instant::now();
    let got = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("answered and closed after the body timeout");
    assert!(start.elapsed() >= SHORT);
    only_answer(&got).expect_error(408, 408, "The request body stopped arriving");
    let boards = app
        .call("boards/list")
        .token(&alice.token)
        .send()
        .await
        .expect(200);
    assert!(boards.items().is_empty(), "the cut request made nothing");
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_idle_timeout_and_a_busy_one_is_not() {
    // Longer than the other tests' timeouts: the pauses between requests must stay well inside it.
    let idle = Duration::from_millis(800);
    let app = TestApp::start_with_connections(ConnectionLimits {
        idle_timeout: idle,
        ..limits()
    })
    .await;
    let addr = app.server.as_ref().unwrap().addr;
    let request = b"GET /v5/nowhere HTTP/1.1\r\nHost: x\r\n\r\n";

    // A connection that never sends anything.
    let mut silent = connect(addr).await;
    let got = read_until_closed(&mut silent, Duration::from_secs(5))
        .await
        .expect("a silent connection is closed");
    assert!(got.is_empty(), "closed without an answer: {got:?}");

    // A keep-alive connection between requests: it stays open while requests keep coming, for
    // longer than the idle timeout in all, then closes once they stop.
    let mut kept = connect(addr).await;
    let start = Instant::now();
    let mut last_answer = start;
    for round in 0..6 {
        if round > 0 {
            sleep(idle / 5).await;
        }
        kept.write_all(request).await.unwrap();
        read_answer(&mut kept, Duration::from_secs(5))
            .await
            .expect_error(404, 404, "No such endpoint");
        last_answer = Instant::now();
    }
    assert!(
        start.elapsed() > idle,
        "the connection outlived one idle timeout"
    );
    let got = read_until_closed(&mut kept, Duration::from_secs(5))
        .await
        .expect("an idle keep-alive connection is closed");
    assert!(got.is_empty(), "closed without an answer: {got:?}");
    assert!(
        last_answer.elapsed() >= idle - Duration::from_millis(20),
        "not before the idle timeout: {:?}",
        last_answer.elapsed()
    );
}

#[tokio::test]
async fn the_connection_past_the_cap_gets_503_json_and_a_slot_frees_when_one_closes() {
    let app = TestApp::start_with_connections(ConnectionLimits {
        max_connections: 2,
        ..limits()
    })
    .await;
    let addr = app.server.as_ref().unwrap().addr;
    let request = b"GET /v5/nowhere HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut first = connect(addr).await;
    let mut second = connect(addr).await;
    for c in [&mut first, &mut second] {
        c.write_all(request).await.unwrap();
        read_answer(c, Duration::from_secs(5))
            .await
            .expect_error(404, 404, "No such endpoint");
    }

    let mut third = connect(addr).await;
    let _ = third.write_all(request).await;
    let got = read_until_closed(&mut third, Duration::from_secs(5))
        .await
        .expect("the refused connection is closed");
    let refused = only_answer(&got);
    refused.expect_error(503, 503, "--max-connections");
    assert_eq!(refused.header("retry-after"), Some("1"));

    // The two held connections still work; closing one lets a new one in.
    second.write_all(request).await.unwrap();
    read_answer(&mut second, Duration::from_secs(5))
        .await
        .expect_error(404, 404, "No such");
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut next = connect(addr).await;
        let _ = next.write_all(request).await;
        let answer = read_answer(&mut next, Duration::from_secs(5)).await;
        if answer.status == 404 {
            break;
        }
        answer.expect_error(503, 503, "--max-connections");
        assert!(
            Instant::now() < deadline,
            "the closed connection's slot never came back"
        );
        sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn stalled_clients_do_not_hold_shutdown_past_the_grace_period() {
    let app = TestApp::start_with_connections(ConnectionLimits {
        shutdown_grace: SHORT,
        ..limits()
    })
    .await;
    let alice = app.user("alice").await;
    let addr = app.server.as_ref().unwrap().addr;
    // One client stalls in its head, one in its body (its handler is waiting for the rest).
    let mut in_head = connect(addr).await;
    in_head
        .write_all(b"GET /v5/user_account HTTP/1.1\r\nHost:")
        .await
        .unwrap();
    let mut in_body = connect(addr).await;
    in_body
        .write_all(
            format!(
                "POST /v5/boards HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
                 Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\"",
                alice.token
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    sleep(Duration::from_millis(100)).await;

    let server = app.server.as_ref().unwrap();
    let _ = server;
    let mut app = app;
    let server = app.server.take().unwrap();
    let start = Instant::now();
    timeout(Duration::from_secs(5), server.stop())
        .await
        .expect("shutdown ends within the grace period, stalled clients or not")
        .expect("clean shutdown");
    assert!(start.elapsed() >= SHORT, "the grace period was given");
    for stalled in [&mut in_head, &mut in_body] {
        assert!(
            read_until_closed(stalled, Duration::from_secs(2))
                .await
                .is_some(),
            "the stalled connection was dropped"
        );
    }
}

#[tokio::test]
async fn a_request_in_flight_at_shutdown_finishes_within_the_grace_period() {
    let app = TestApp::start_with_connections(ConnectionLimits {
        shutdown_grace: Duration::from_secs(5),
        ..limits()
    })
    .await;
    let alice = app.user("alice").await;
    let addr = app.server.as_ref().unwrap().addr;
    let body = json!({"name": "Made during shutdown"}).to_string();
    let mut stream = connect(addr).await;
    stream
        .write_all(
            format!(
                "POST /v5/boards HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                alice.token,
                body.len(),
                &body[..5]
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    sleep(Duration::from_millis(100)).await;
    let mut app = app;
    let server = app.server.take().unwrap();
    let stopping = tokio::spawn(server.stop());
    sleep(Duration::from_millis(200)).await;
    assert!(
        !stopping.is_finished(),
        "shutdown waits for the request in flight"
    );
    // New connections are no longer taken.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    stream.write_all(&body.as_bytes()[5..]).await.unwrap();
    let answer = read_answer(&mut stream, Duration::from_secs(5)).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert_eq!(answer.header("connection"), Some("close"));
    timeout(Duration::from_secs(5), stopping)
        .await
        .expect("shutdown ends once the request is done")
        .unwrap()
        .expect("clean shutdown");
}
