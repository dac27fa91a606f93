//! `pinbox gateway` in front of a second pinbox standing in for Pinterest: an agent's allowed
//! calls are forwarded with the upstream token and answered as the upstream answered (status,
//! body, rate-limit headers); denied ones never reach it; both are in the gateway's audit log.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pinbox");

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn pinbox(data: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("PINBOX_DATABASE_URL")
        .output()
        .expect("run pinbox");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Starts a long-running command and reads stdout up to the line starting with `ready`.
fn start(data: &Path, args: &[&str], ready: &str) -> (Running, String) {
    // Held by `Running` at once, so that it is killed and waited for however the test ends.
    let mut running = Running(
        Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(data)
            .env_remove("PINBOX_DATABASE_URL")
            .env("PINBOX_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start pinbox"),
    );
    let mut lines = BufReader::new(running.0.stdout.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("exited before it was ready").unwrap();
        if let Some(rest) = line.strip_prefix(ready) {
            let url = rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches(',');
            return (running, url.to_string());
        }
    }
}

#[tokio::test]
async fn the_gateway_forwards_what_grants_allow_with_the_upstream_token_and_audits_every_call() {
    let dir = tempfile::tempdir().unwrap();
    let (up_data, gw_data) = (dir.path().join("upstream"), dir.path().join("gateway"));
    // The upstream: a pinbox with a user and a token the gateway forwards with.
    pinbox(&up_data, &["user", "create", "owner"]);
    let app = pinbox(
        &up_data,
        &[
            "app", "create", "--owner", "owner", "--name", "u", "--tier", "standard",
        ],
    );
    let app = app.split_whitespace().next().unwrap().to_string();
    let token = pinbox(
        &up_data,
        &[
            "token",
            "issue",
            "--user",
            "owner",
            "--app",
            &app,
            "--scopes",
            "boards:read,boards:write",
        ],
    );
    let token_file = dir.path().join("upstream-token");
    std::fs::write(&token_file, &token).unwrap();
    let (_upstream, up_url) = start(
        &up_data,
        &["serve", "--addr", "127.0.0.1:0", "--no-demo"],
        "pinbox listening on ",
    );
    // The gateway, with an agent of its own that acts as the upstream token's user.
    let created = pinbox(&gw_data, &["agent", "create", "--name", "Board Bot"]);
    let (id, key) = {
        let mut l = created.lines();
        (l.next().unwrap().to_string(), l.next().unwrap().to_string())
    };
    pinbox(&gw_data, &["agent", "grant", &id, "boards", "full"]);
    let (_gateway, gw_url) = start(
        &gw_data,
        &[
            "gateway",
            "--addr",
            "127.0.0.1:0",
            "--upstream",
            &up_url,
            "--upstream-token-file",
            token_file.to_str().unwrap(),
        ],
        "pinbox gateway listening on ",
    );
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{gw_url}/v5/boards"))
        .bearer_auth(&key)
        .json(&json!({"name": "Through the gateway"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert!(
        created.headers().contains_key("x-ratelimit-limit"),
        "{:?}",
        created.headers()
    );
    let board: Value = created.json().await.unwrap();
    assert_eq!(board["name"], "Through the gateway");
    // The board is the upstream user's, made with the upstream token.
    let listed: Value = http
        .get(format!("{up_url}/v5/boards"))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["id"], board["id"]);
    // The upstream's errors come back as they were.
    let missing = http
        .get(format!("{gw_url}/v5/boards/1234567890"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert!(body["code"].is_number(), "{body}");
    // Outside the grants: refused by the gateway, never forwarded.
    let denied = http
        .delete(format!(
            "{gw_url}/v5/boards/{}",
            board["id"].as_str().unwrap()
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let body: Value = denied.json().await.unwrap();
    assert_eq!(
        body["message"],
        "Agent 'Board Bot' may not delete boards: 'delete_boards' is off."
    );
    let still: Value = http
        .get(format!("{up_url}/v5/boards"))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(still["items"].as_array().unwrap().len(), 1);
    // A token is not an agent key: the gateway takes keys only.
    let with_token = http
        .get(format!("{gw_url}/v5/boards"))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 401);
    // Every call is in the gateway's log; the upstream token never is.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let audit = pinbox(&gw_data, &["audit", "--agent", &id]);
    assert!(
        audit.contains("created board 'Through the gateway'"),
        "{audit}"
    );
    assert!(audit.contains("tried to delete board"), "{audit}");
    assert!(audit.contains("tried to read board"), "{audit}");
    assert!(!audit.contains(token.trim()), "{audit}");
}
