//! Rate limits from the command line: `serve --config FILE` (and `PINBOX_CONFIG`),
//! `--rate-limits off`, a tier changed by `pinbox app set-tier` while the server runs, one server
//! per SQLite data dir, and a client backing off on a real clock until it gets through.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;
use cli::{BIN, pinbox, stdout};
use common::cli;

/// A user, an app of `tier` and a token; returns (app id, token).
fn account(data: &Path, tier: &str) -> (String, String) {
    stdout(&pinbox(&["user", "create", "alice"], data));
    let app = stdout(&pinbox(
        &[
            "app", "create", "--owner", "alice", "--name", "A", "--tier", tier,
        ],
        data,
    ))
    .lines()
    .next()
    .unwrap()
    .to_string();
    let token = stdout(&pinbox(
        &[
            "token",
            "issue",
            "--user",
            "alice",
            "--app",
            &app,
            "--scopes",
            "user_accounts:read",
        ],
        data,
    ))
    .trim()
    .to_string();
    (app, token)
}

struct Served {
    child: Child,
    base: String,
    stderr: mpsc::Receiver<String>,
}

fn command(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    c.args(["serve", "--addr", "127.0.0.1:0", "--no-demo", "--data-dir"])
        .arg(data)
        .args(args)
        .env("PINBOX_LOG", "warn")
        .env_remove("PINBOX_DATABASE_URL")
        .env_remove("PINBOX_CONFIG")
        .env_remove("PINBOX_RATE_LIMITS");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// Starts `pinbox serve` and waits for its "listening" line.
fn serve(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Served {
    let mut child = command(data, args, env)
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
        let Some(line) = lines.next() else {
            let err: Vec<String> = stderr.try_iter().collect();
            panic!("serve exited before listening: {}", err.join("\n"));
        };
        if let Some(url) = line.unwrap().strip_prefix("pinbox listening on ") {
            break url.to_string();
        }
    };
    Served {
        child,
        base,
        stderr,
    }
}

/// Runs `pinbox serve` expecting it to refuse to start; returns what it printed on stderr.
fn serve_fails(data: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut child = command(data, args, env)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pinbox serve");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(!status.success(), "serve should have failed");
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return err;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve kept running although it should have refused to start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Stops the server with SIGTERM; returns everything it printed on stderr.
fn stop(mut s: Served) -> Vec<String> {
    let pid = s.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "pinbox did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The reader thread ends at the closed pipe, which ends this iteration.
    s.stderr.iter().collect()
}

struct Answer {
    status: u16,
    limit: Option<String>,
    remaining: Option<String>,
    reset: Option<String>,
}

async fn me(base: &str, token: &str) -> Answer {
    let r = reqwest::Client::new()
        .get(format!("{base}/v5/user_account"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let h = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_string());
    Answer {
        status: r.status().as_u16(),
        limit: h("x-ratelimit-limit"),
        remaining: h("x-ratelimit-remaining"),
        reset: h("x-ratelimit-reset"),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_second_server_on_a_data_dir_is_refused_while_admin_commands_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let first = serve(data, &[], &[]);
    let err = serve_fails(data, &[], &[]);
    assert!(err.contains("already serving the data dir"), "{err}");
    assert!(err.contains(&format!("pid {}", first.child.id())), "{err}");
    assert!(err.contains("--database-url"), "{err}");
    stdout(&pinbox(&["user", "create", "bob"], data));
    stop(first);
    // Once the first is gone, the data dir can be served again.
    stop(serve(data, &[], &[]));
}

#[test]
fn a_tier_set_from_the_cli_applies_to_the_running_servers_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (app, token) = account(data, "trial");
    let server = serve(data, &[], &[]);
    let rt = runtime();
    let trial = rt.block_on(me(&server.base, &token));
    assert_eq!(trial.status, 200);
    assert_eq!(trial.limit.as_deref(), Some("1000, 1000;w=86400"));
    assert_eq!(trial.remaining.as_deref(), Some("999"));
    stdout(&pinbox(&["app", "set-tier", &app, "standard"], data));
    let standard = rt.block_on(me(&server.base, &token));
    assert_eq!(standard.status, 200);
    assert_eq!(standard.limit.as_deref(), Some("100, 100;w=1, 1000;w=60"));
    stop(server);
}

/// The config file sets a tiny per-second limit; a client that sleeps for `x-ratelimit-reset`
/// seconds whenever it meets a 429 gets every call through, each wait being long enough.
#[test]
fn a_client_honouring_the_reset_header_recovers_on_a_real_clock() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (_, token) = account(&data, "standard");
    let config = dir.path().join("pinbox.toml");
    std::fs::write(
        &config,
        "[rate_limits.standard]\noverall = { limit = 2, window = \"1s\" }\n",
    )
    .unwrap();
    let server = serve(&data, &["--config", config.to_str().unwrap()], &[]);
    let rt = runtime();
    let (mut refusals, mut done) = (0, 0);
    let mut just_waited = false;
    while done < 6 {
        let a = rt.block_on(me(&server.base, &token));
        assert_eq!(a.limit.as_deref(), Some("2, 2;w=1, 1000;w=60"));
        if a.status == 429 {
            assert!(
                !just_waited,
                "waiting x-ratelimit-reset seconds was not enough"
            );
            refusals += 1;
            let reset: u64 = a.reset.unwrap().parse().unwrap();
            assert!((1..=1).contains(&reset), "a 1 s window resets within 1 s");
            std::thread::sleep(Duration::from_secs(reset));
            just_waited = true;
        } else {
            assert_eq!(a.status, 200);
            done += 1;
            just_waited = false;
        }
    }
    assert!(refusals >= 2, "six calls at two a second meet the limit");
    stop(server);
}

#[test]
fn rate_limits_can_be_switched_off_by_flag_by_variable_or_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (_, token) = account(&data, "trial");
    let config = dir.path().join("off.toml");
    std::fs::write(&config, "[rate_limits]\nenabled = false\n").unwrap();
    let config = config.to_str().unwrap();
    let rt = runtime();
    for (args, env) in [
        (vec!["--rate-limits", "off"], vec![]),
        (vec![], vec![("PINBOX_RATE_LIMITS", "off")]),
        (vec!["--config", config], vec![]),
        (vec![], vec![("PINBOX_CONFIG", config)]),
    ] {
        let server = serve(&data, &args, &env);
        let a = rt.block_on(me(&server.base, &token));
        assert_eq!(a.status, 200);
        assert_eq!(a.limit, None, "{args:?} {env:?}");
        let said = stop(server);
        assert!(
            said.iter().any(|l| l.contains("rate limits are off")),
            "{said:?}"
        );
    }
    // The flag wins over the file.
    let server = serve(&data, &["--config", config, "--rate-limits", "on"], &[]);
    let a = rt.block_on(me(&server.base, &token));
    assert_eq!(a.limit.as_deref(), Some("1000, 1000;w=86400"));
    stop(server);
}

#[test]
fn a_config_file_with_an_unknown_key_stops_serve_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pinbox.toml");
    std::fs::write(
        &config,
        "[rate_limits.standard]\norg_reads = { limit = 5, window = \"1m\" }\n",
    )
    .unwrap();
    let err = serve_fails(
        &dir.path().join("data"),
        &["--config", config.to_str().unwrap()],
        &[],
    );
    assert!(err.contains("org_reads"), "{err}");
    assert!(err.contains(config.to_str().unwrap()), "{err}");
    let err = serve_fails(
        &dir.path().join("data"),
        &["--config", "/nonexistent/pinbox.toml"],
        &[],
    );
    assert!(err.contains("cannot read the config file"), "{err}");
}

#[test]
fn oauth_auto_approve_can_come_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pinbox.toml");
    std::fs::write(&config, "oauth_auto_approve = \"ci-bot\"\n").unwrap();
    let server = serve(
        &dir.path().join("data"),
        &["--config", config.to_str().unwrap()],
        &[],
    );
    let said = stop(server).join("\n");
    assert!(said.contains("OAUTH AUTO-APPROVE IS ON"), "{said}");
    assert!(said.contains("'ci-bot'"), "{said}");
}
