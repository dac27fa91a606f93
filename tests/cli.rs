//! The `pinbox` binary's command-line contract, which scripts outside this repo rely on.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use cli::{BIN, pinbox, stdout};
use common::cli;

use pinbox_testkit::mp4;

struct Served {
    child: Child,
    base: String,
    output: Vec<String>,
}

/// Starts `pinbox serve` on a free port and waits for its "listening" line.
fn serve(data_dir: &Path) -> Served {
    serve_with(data_dir, &[])
}

fn serve_with(data_dir: &Path, extra: &[&str]) -> Served {
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env("PINBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn pinbox serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut output = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .expect("pinbox serve exited before listening")
            .unwrap();
        output.push(line.clone());
        if let Some(url) = line.strip_prefix("pinbox listening on ") {
            break url.to_string();
        }
    };
    Served {
        child,
        base,
        output,
    }
}

fn stop(mut s: Served) {
    let pid = s.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "pinbox exited with {status} on SIGTERM");
            return;
        }
        assert!(Instant::now() < deadline, "pinbox did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn get(url: &str, token: &str) -> (u16, serde_json::Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let r = reqwest::Client::new()
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    })
}

#[test]
fn serve_admin_commands_and_restart_work_together() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    // First start: a demo account and a ready curl line.
    let server = serve(&data);
    assert!(
        server.base.starts_with("http://127.0.0.1:"),
        "{}",
        server.base
    );
    let all = server.output.join("\n");
    let demo_token = all
        .split_whitespace()
        .find(|w| w.starts_with("pina_"))
        .expect("the demo token is printed")
        .to_string();
    assert!(
        all.contains("curl -H 'Authorization: Bearer pina_"),
        "{all}"
    );
    let (status, me) = get(&format!("{}/v5/user_account", server.base), &demo_token);
    assert_eq!(status, 200);
    assert_eq!(me["username"], "demo");

    // Admin commands work while the server runs on the same data dir.
    let user_id = stdout(&pinbox(
        &["user", "create", "bob", "--password", "correct horse"],
        &data,
    ));
    let user_id = user_id.trim();
    assert!(
        user_id.len() >= 18 && user_id.bytes().all(|b| b.is_ascii_digit()),
        "{user_id:?}"
    );
    let app = stdout(&pinbox(
        &[
            "app",
            "create",
            "--owner",
            "bob",
            "--name",
            "Bob's app",
            "--redirect-uri",
            "http://localhost:8085/cb",
            "--tier",
            "standard",
        ],
        &data,
    ));
    let lines: Vec<_> = app.lines().collect();
    assert_eq!(lines.len(), 2, "app id, then secret: {app:?}");
    assert!(lines[0].bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(lines[1].len(), 40);
    let token = stdout(&pinbox(
        &[
            "token",
            "issue",
            "--user",
            "bob",
            "--app",
            lines[0],
            "--scopes",
            "boards:read,user_accounts:read",
        ],
        &data,
    ));
    let token = token.trim_end_matches('\n');
    assert!(token.starts_with("pina_") && !token.contains(char::is_whitespace));
    let (status, me) = get(&format!("{}/v5/user_account", server.base), token);
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"], user_id);
    let (status, _) = get(&format!("{}/v5/pins", server.base), token);
    assert_ne!(status, 200);
    stop(server);

    // Restart: no second demo account, everything kept.
    let server = serve(&data);
    assert!(
        !server.output.join("\n").contains("pina_"),
        "demo only on an empty store"
    );
    let (status, me) = get(&format!("{}/v5/user_account", server.base), token);
    assert_eq!(status, 200);
    assert_eq!(me["username"], "bob");
    stop(server);
}

#[test]
fn admin_command_errors_say_what_was_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    stdout(&pinbox(&["user", "create", "carol"], data));
    let dup = pinbox(&["user", "create", "CAROL"], data);
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("taken"));
    let app = stdout(&pinbox(
        &["app", "create", "--owner", "carol", "--name", "a"],
        data,
    ));
    let app_id = app.lines().next().unwrap();
    let bad_scope = pinbox(
        &[
            "token", "issue", "--user", "carol", "--app", app_id, "--scopes", "pins:fly",
        ],
        data,
    );
    assert!(!bad_scope.status.success());
    assert!(String::from_utf8_lossy(&bad_scope.stderr).contains("pins:fly"));
    let no_user = pinbox(
        &[
            "token",
            "issue",
            "--user",
            "nobody",
            "--app",
            app_id,
            "--scopes",
            "pins:read",
        ],
        data,
    );
    assert!(!no_user.status.success());
    assert!(String::from_utf8_lossy(&no_user.stderr).contains("nobody"));
    let no_owner = pinbox(&["app", "create", "--owner", "ghost", "--name", "a"], data);
    assert!(!no_owner.status.success());
    let short = pinbox(&["user", "create", "dave", "--password", "short"], data);
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("8 characters"));
    let both = Command::new(BIN)
        .args(["serve", "--ephemeral", "--data-dir", "x"])
        .output()
        .unwrap();
    assert!(
        !both.status.success(),
        "--ephemeral and --data-dir exclude each other"
    );
}

#[test]
fn a_bad_database_url_stops_serve_with_a_clear_error_and_no_password() {
    for (url, expected) in [
        (
            "postgres://app:hunter2@127.0.0.1:1/pinbox",
            "cannot connect to PostgreSQL at postgres://app:***@127.0.0.1:1/pinbox",
        ),
        (
            "postgres://app:hunter2@db:notaport/pinbox",
            "not a valid PostgreSQL connection string",
        ),
    ] {
        let out = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--database-url", url])
            .env("PINBOX_LOG", "error")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{url}");
        assert!(stderr.contains(expected), "{url}: {stderr}");
        assert!(
            !stderr.contains("hunter2") && !stdout.contains("hunter2"),
            "the password leaked: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            !stdout.contains("listening"),
            "it must not claim to listen: {stdout}"
        );
    }
}

/// The operator's side of video Pins: `serve` takes the media flags, and `app grant-feature`
/// (run while the server runs) makes the app's video Pins carry a `video_url`.
#[test]
fn granting_video_url_from_the_command_line_shows_the_video_url() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = serve_with(
        &data,
        &[
            "--no-demo",
            "--media-processing-delay",
            "0",
            "--max-upload-bytes",
            "1000000",
        ],
    );
    stdout(&pinbox(&["user", "create", "erin"], &data));
    let app = stdout(&pinbox(
        &[
            "app", "create", "--owner", "erin", "--name", "e", "--tier", "standard",
        ],
        &data,
    ));
    let app_id = app.lines().next().unwrap().to_string();
    let token = stdout(&pinbox(
        &[
            "token",
            "issue",
            "--user",
            "erin",
            "--app",
            &app_id,
            "--scopes",
            "boards:read,boards:write,pins:read,pins:write",
        ],
        &data,
    ));
    let token = token.trim().to_string();
    let base = server.base.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    let pin_id = rt.block_on(async {
        let board: serde_json::Value = client
            .post(format!("{base}/v5/boards"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"name": "videos"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let reg: serde_json::Value = client
            .post(format!("{base}/v5/media"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"media_type": "video"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let policy: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                reg["upload_parameters"]["policy"].as_str().unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        assert!(
            policy["conditions"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!(["content-length-range", 1, 1000000])),
            "--max-upload-bytes reaches the policy: {policy}"
        );
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in reg["upload_parameters"].as_object().unwrap() {
            form = form.text(k.clone(), v.as_str().unwrap().to_string());
        }
        form = form.part("file", reqwest::multipart::Part::bytes(mp4::small_mp4()));
        let up = client
            .post(reg["upload_url"].as_str().unwrap())
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(up.status(), 204);
        let pin: serde_json::Value = client
            .post(format!("{base}/v5/pins"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "board_id": board["id"],
                "media_source": {"source_type": "video_id", "media_id": reg["media_id"],
                                 "cover_image_key_frame_time": 1}
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(pin["creative_type"], "VIDEO", "{pin}");
        assert!(pin["media"]["video_url"].is_null());
        pin["id"].as_str().unwrap().to_string()
    });

    let unknown = pinbox(
        &["app", "grant-feature", "--app", &app_id, "teleport"],
        &data,
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("video_url"));
    let no_app = pinbox(
        &["app", "grant-feature", "--app", "123", "video_url"],
        &data,
    );
    assert!(!no_app.status.success());
    stdout(&pinbox(
        &["app", "grant-feature", "--app", &app_id, "video_url"],
        &data,
    ));

    let (status, pin) = get(&format!("{base}/v5/pins/{pin_id}"), &token);
    assert_eq!(status, 200);
    let url = pin["media"]["video_url"]
        .as_str()
        .expect("video_url after the grant");
    let bytes = rt.block_on(async { client.get(url).send().await.unwrap().bytes().await.unwrap() });
    assert_eq!(bytes.as_ref(), &mp4::small_mp4()[..]);

    stdout(&pinbox(
        &["app", "revoke-feature", "--app", &app_id, "video_url"],
        &data,
    ));
    let (_, pin) = get(&format!("{base}/v5/pins/{pin_id}"), &token);
    assert!(pin["media"]["video_url"].is_null());
    let again = pinbox(
        &["app", "revoke-feature", "--app", &app_id, "video_url"],
        &data,
    );
    assert!(!again.status.success());
    stop(server);
}

#[test]
fn follow_commands_build_a_social_graph_the_api_reports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    for name in ["alice", "bob", "carol"] {
        stdout(&pinbox(&["user", "create", name], data));
    }
    // seed gives bob a public board without a server.
    let seeded = stdout(&pinbox(
        &["seed", "--user", "bob", "--boards", "1", "--pins", "0"],
        data,
    ));
    let seeded: serde_json::Value = serde_json::from_str(seeded.trim()).unwrap();
    let board = seeded["big_board"].as_str().unwrap().to_string();
    assert_eq!(
        stdout(&pinbox(&["follow", "user", "alice", "bob"], data)).trim(),
        "bob"
    );
    stdout(&pinbox(&["follow", "user", "carol", "bob"], data));
    assert_eq!(
        stdout(&pinbox(&["follow", "board", "alice", &board], data)).trim(),
        board
    );
    let own = pinbox(&["follow", "board", "bob", &board], data);
    assert!(!own.status.success());
    assert!(String::from_utf8_lossy(&own.stderr).contains("own board"));
    let unknown = pinbox(&["follow", "user", "alice", "nobody"], data);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("User not found"));

    let app = stdout(&pinbox(
        &[
            "app", "create", "--owner", "alice", "--name", "a", "--tier", "standard",
        ],
        data,
    ));
    let app_id = app.lines().next().unwrap().to_string();
    let token_for = |user: &str| {
        stdout(&pinbox(
            &[
                "token",
                "issue",
                "--user",
                user,
                "--app",
                &app_id,
                "--scopes",
                "boards:read,user_accounts:read",
            ],
            data,
        ))
        .trim()
        .to_string()
    };
    let (alice, bob) = (token_for("alice"), token_for("bob"));
    let server = serve(data);
    let (status, me) = get(&format!("{}/v5/user_account", server.base), &bob);
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["follower_count"], 2);
    assert_eq!(me["board_count"], 1);
    let (_, following) = get(
        &format!("{}/v5/user_account/following", server.base),
        &alice,
    );
    assert_eq!(following["items"][0]["username"], "bob");
    let (_, boards) = get(
        &format!("{}/v5/user_account/following/boards", server.base),
        &alice,
    );
    assert_eq!(boards["items"][0]["id"], board.as_str());
    stop(server);
}
