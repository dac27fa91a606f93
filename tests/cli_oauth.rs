//! The command line of the OAuth feature: app management, password changes, the token
//! debugger, and `serve --oauth-auto-approve` completing the flow the way `curl -L` does.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod common;
use cli::{BIN, stdout};
use common::cli;

fn pinbox_with_stdin(args: &[&str], data_dir: &Path, stdin: Option<&str>) -> Output {
    let mut child = cli::command(args, data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pinbox");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn pinbox(args: &[&str], data_dir: &Path) -> Output {
    pinbox_with_stdin(args, data_dir, None)
}

fn fails_saying(o: &Output, part: &str) {
    assert!(!o.status.success(), "should have failed");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(part), "{err:?} should contain {part:?}");
}

/// A user and an app; returns (app id, secret).
fn dev_app(data: &Path, user: &str, redirect: &str) -> (String, String) {
    stdout(&pinbox(
        &["user", "create", user, "--password", "correct horse"],
        data,
    ));
    let out = stdout(&pinbox(
        &[
            "app",
            "create",
            "--owner",
            user,
            "--name",
            "CLI app",
            "--redirect-uri",
            redirect,
        ],
        data,
    ));
    let mut lines = out.lines();
    (
        lines.next().unwrap().to_string(),
        lines.next().unwrap().to_string(),
    )
}

#[test]
fn app_commands_list_show_change_redirect_uris_rotate_secrets_and_set_tiers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (app, secret) = dev_app(data, "erin", "http://localhost:8085/cb");

    let list = stdout(&pinbox(&["app", "list", "--owner", "erin"], data));
    assert_eq!(list, format!("{app}\ttrial\terin\tCLI app\n"));

    stdout(&pinbox(
        &[
            "app",
            "add-redirect-uri",
            &app,
            "http://127.0.0.1:9999/done",
        ],
        data,
    ));
    stdout(&pinbox(
        &[
            "app",
            "remove-redirect-uri",
            &app,
            "http://localhost:8085/cb",
        ],
        data,
    ));
    fails_saying(
        &pinbox(
            &[
                "app",
                "remove-redirect-uri",
                &app,
                "http://localhost:8085/cb",
            ],
            data,
        ),
        "is not registered",
    );
    fails_saying(
        &pinbox(&["app", "add-redirect-uri", &app, "ftp://x/"], data),
        "Invalid redirect URI",
    );
    stdout(&pinbox(&["app", "set-tier", &app, "standard"], data));
    let rotated = stdout(&pinbox(&["app", "rotate-secret", &app], data));
    let rotated = rotated.trim();
    assert_eq!(rotated.len(), 40);
    assert_ne!(rotated, secret);

    let show = stdout(&pinbox(&["app", "show", &app], data));
    assert!(show.contains(&format!("id            {app}")), "{show}");
    assert!(show.contains("tier          standard"), "{show}");
    assert!(
        show.contains("redirect_uri  http://127.0.0.1:9999/done"),
        "{show}"
    );
    assert!(!show.contains("localhost:8085"), "{show}");
    assert!(show.contains("owner         erin"), "{show}");
    // Never a secret, old or new.
    assert!(!show.contains(&secret) && !show.contains(rotated), "{show}");

    fails_saying(&pinbox(&["app", "show", "123"], data), "App not found");
    fails_saying(&pinbox(&["app", "show", "abc"], data), "numeric");
    fails_saying(
        &pinbox(&["app", "list", "--owner", "nobody"], data),
        "nobody",
    );
}

#[test]
fn a_developer_cannot_create_a_sixth_app() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    stdout(&pinbox(&["user", "create", "frank"], data));
    for i in 1..=5 {
        stdout(&pinbox(
            &[
                "app",
                "create",
                "--owner",
                "frank",
                "--name",
                &format!("app {i}"),
            ],
            data,
        ));
    }
    fails_saying(
        &pinbox(
            &["app", "create", "--owner", "frank", "--name", "app 6"],
            data,
        ),
        "at most 5 apps",
    );
    let list = stdout(&pinbox(&["app", "list"], data));
    assert_eq!(list.lines().count(), 5);
}

#[test]
fn set_password_reads_stdin_and_ends_the_users_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (app, _) = dev_app(data, "gina", "http://localhost:8085/cb");
    let token = stdout(&pinbox(
        &[
            "token",
            "issue",
            "--user",
            "gina",
            "--app",
            &app,
            "--scopes",
            "boards:read",
        ],
        data,
    ));
    let token = token.trim();
    fails_saying(
        &pinbox_with_stdin(&["user", "set-password", "gina"], data, Some("short\n")),
        "8 characters",
    );
    let out = stdout(&pinbox_with_stdin(
        &["user", "set-password", "gina"],
        data,
        Some("a much longer password\n"),
    ));
    assert!(out.contains("1 token(s) revoked"), "{out}");
    let report = stdout(&pinbox(&["token", "inspect", token], data));
    assert!(report.contains("status       revoked"), "{report}");
    fails_saying(
        &pinbox(
            &[
                "user",
                "set-password",
                "nobody",
                "--password",
                "long enough",
            ],
            data,
        ),
        "nobody",
    );
}

#[test]
fn token_inspect_reports_a_token_without_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (app, secret) = dev_app(data, "hank", "http://localhost:8085/cb");
    let token = stdout(&pinbox(
        &[
            "token",
            "issue",
            "--user",
            "hank",
            "--app",
            &app,
            "--scopes",
            "pins:read,boards:read",
            "--env",
            "sandbox",
        ],
        data,
    ));
    let token = token.trim();
    let human = stdout(&pinbox(&["token", "inspect", token], data));
    for line in [
        "status       valid",
        "kind         access",
        "environment  sandbox",
        "scopes       boards:read,pins:read",
        "user         hank (",
    ] {
        assert!(human.contains(line), "{line:?} in {human}");
    }
    assert!(
        human.contains(&format!("app          {app} (CLI app)")),
        "{human}"
    );
    // From stdin, as JSON.
    let json = stdout(&pinbox_with_stdin(
        &["token", "inspect", "-", "--json"],
        data,
        Some(token),
    ));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["status"], "valid");
    assert_eq!(report["environment"], "sandbox");
    for out in [&human, &json] {
        assert!(!out.contains(token) && !out.contains(&secret), "{out}");
    }
    fails_saying(
        &pinbox(&["token", "inspect", "pina_NOPE"], data),
        "never issued",
    );
}

struct Served {
    child: Child,
    base: String,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_auto_approving(data: &Path, user: &str) -> Served {
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--no-demo", "--data-dir"])
        .arg(data)
        .args(["--oauth-auto-approve", user])
        .env("PINBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pinbox serve");
    let (tx, stderr) = mpsc::channel();
    let err = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in err.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("serve exited before listening")
            .unwrap();
        if let Some(url) = line.strip_prefix("pinbox listening on ") {
            break url.to_string();
        }
    };
    Served {
        child,
        base,
        stderr,
    }
}

#[test]
fn serve_with_auto_approve_warns_loudly_and_curl_style_redirects_end_with_a_code() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // Port 0 makes the address unknown until serve starts, so the app registers pinbox's own
    // callback after it does.
    stdout(&pinbox(
        &["user", "create", "ivan", "--password", "correct horse"],
        data,
    ));
    let out = stdout(&pinbox(
        &["app", "create", "--owner", "ivan", "--name", "CI"],
        data,
    ));
    let mut lines = out.lines();
    let (app, secret) = (lines.next().unwrap(), lines.next().unwrap());
    let served = serve_auto_approving(data, "ivan");
    let mut warning = String::new();
    while let Ok(line) = served.stderr.recv_timeout(Duration::from_secs(5)) {
        warning.push_str(&line);
        warning.push('\n');
        if warning.contains("For CI only") {
            break;
        }
    }
    assert!(warning.contains("OAUTH AUTO-APPROVE IS ON"), "{warning}");
    assert!(warning.contains("'ivan'"), "{warning}");

    let callback = format!("{}/_pinbox/oauth/callback", served.base);
    stdout(&pinbox(&["app", "add-redirect-uri", app, &callback], data));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Follows redirects, as `curl -L` does.
        let client = reqwest::Client::new();
        let landing = client
            .get(format!("{}/oauth/", served.base))
            .query(&[
                ("client_id", app),
                ("redirect_uri", callback.as_str()),
                ("response_type", "code"),
                ("scope", "user_accounts:read"),
                ("state", "ci"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(landing.status(), 200);
        let answer: serde_json::Value = landing.json().await.unwrap();
        assert_eq!(answer["state"], "ci");
        let code = answer["code"].as_str().unwrap();
        let tokens: serde_json::Value = client
            .post(format!("{}/v5/oauth/token", served.base))
            .basic_auth(app, Some(secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", callback.as_str()),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let me: serde_json::Value = client
            .get(format!("{}/v5/user_account", served.base))
            .bearer_auth(tokens["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["username"], "ivan");
    });
}
