//! `pinbox serve` stops cleanly, with status 0, on SIGTERM or SIGINT at any moment, and a client
//! that stalls cannot hold the stop up past the shutdown grace period.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

mod common;
use cli::BIN;
use common::cli;

/// Starts `pinbox serve` on a free port and returns as soon as it announces its address.
fn serve(extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--ephemeral", "--no-demo", "--addr", "127.0.0.1:0"])
        .args(extra)
        .env_remove("PINBOX_DATABASE_URL")
        .env("PINBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn pinbox serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pinbox serve exited before listening");
        };
        if let Some(url) = line.strip_prefix("pinbox listening on http://") {
            return (child, url.to_string());
        }
    }
}

#[allow(unsafe_code)] // kill(2) on a child this test started: no memory is involved
fn signal(child: &Child, signal: libc::c_int) {
    // SAFETY: kill takes a pid and a signal number and touches no memory of ours.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(rc, 0, "kill failed");
}

/// Waits for the process to exit, at most `limit`; kills it and fails if it does not.
fn wait_exit(child: &mut Child, limit: Duration) -> (ExitStatus, Duration) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status, start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pinbox did not exit within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stops_cleanly_right_after_listening(sig: libc::c_int) {
    // The race was between printing the line and installing the handler: repeat to show it.
    for round in 0..15 {
        let (mut child, _) = serve(&[]);
        signal(&child, sig);
        let (status, _) = wait_exit(&mut child, Duration::from_secs(20));
        assert!(
            status.success(),
            "round {round}: pinbox exited with {status} on signal {sig} right after listening"
        );
    }
}

#[test]
fn sigterm_right_after_the_listening_line_exits_0() {
    stops_cleanly_right_after_listening(libc::SIGTERM);
}

#[test]
fn sigint_right_after_the_listening_line_exits_0() {
    stops_cleanly_right_after_listening(libc::SIGINT);
}

#[test]
fn a_stalled_client_does_not_hold_sigterm_past_the_shutdown_grace() {
    let (mut child, addr) = serve(&[
        "--shutdown-grace",
        "500ms",
        "--header-timeout",
        "60s",
        "--body-timeout",
        "60s",
    ]);
    // One client stalls in its head, one in its body.
    let mut in_head = TcpStream::connect(&addr).unwrap();
    in_head
        .write_all(b"GET /v5/user_account HTTP/1.1\r\nHost:")
        .unwrap();
    let mut in_body = TcpStream::connect(&addr).unwrap();
    in_body
        .write_all(b"POST /oauth/signin HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nuser")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, libc::SIGTERM);
    let (status, took) = wait_exit(&mut child, Duration::from_secs(20));
    assert!(status.success(), "pinbox exited with {status}");
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(5),
        "pinbox gave the grace period and no more: it took {took:?}"
    );
}

/// A `PINBOX_DATA_DIR` exported in the shell does not stop `serve --ephemeral`: the throwaway
/// store wins over a data dir that was only inherited, and that dir is left untouched.
#[test]
fn an_exported_data_dir_does_not_stop_an_ephemeral_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("never-made");
    let mut child = Command::new(BIN)
        .args(["serve", "--ephemeral", "--no-demo", "--addr", "127.0.0.1:0"])
        .env_remove("PINBOX_DATABASE_URL")
        .env("PINBOX_DATA_DIR", &data)
        .env("PINBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pinbox serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines
        .next()
        .and_then(|l| l.ok())
        .is_some_and(|l| l.starts_with("pinbox listening on http://"));
    signal(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(listening, "serve --ephemeral did not start: {stderr}");
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(!data.exists(), "the inherited data dir was made");
}

/// `--ephemeral` with a PostgreSQL database named too is refused with a message naming both.
#[test]
fn ephemeral_and_a_database_url_are_refused_together() {
    let out = Command::new(BIN)
        .args(["serve", "--ephemeral", "--no-demo", "--addr", "127.0.0.1:0"])
        .env("PINBOX_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--ephemeral") && stderr.contains("--database-url"),
        "{stderr}"
    );
}

/// `pinbox serve | head -n1`: once the reader of stdout is gone, the server goes on serving (it
/// prints the demo account and the listening line into a closed pipe) and still stops cleanly.
#[test]
fn a_closed_stdout_does_not_stop_the_server() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(BIN)
        .args(["serve", "--ephemeral", "--addr", &addr])
        .env_remove("PINBOX_DATABASE_URL")
        .env("PINBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn pinbox serve");
    // The reader goes away before pinbox prints anything (as `head` does once it has its
    // lines): every line pinbox prints after meets a closed pipe.
    drop(child.stdout.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    let answered = loop {
        if let Ok(mut s) = TcpStream::connect(&addr) {
            s.write_all(b"GET /v5/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut reply = String::new();
            let _ = std::io::Read::read_to_string(&mut s, &mut reply);
            break reply;
        }
        assert!(Instant::now() < deadline, "pinbox never listened");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(answered.starts_with("HTTP/1.1 404"), "{answered}");
    assert!(child.try_wait().unwrap().is_none(), "pinbox died");
    signal(&child, libc::SIGTERM);
    assert!(child.wait().unwrap().success());
}
