//! `pinbox engagement add|simulate|profiles` (issue 10): the engagement log filled from the
//! command line, beside a running server, and read back through the analytics API.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use cli::{BIN, pinbox, stdout};
use common::cli;

fn stderr(o: &Output) -> String {
    assert!(!o.status.success(), "expected a failure");
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Today (UTC, the server runs on the system clock) minus `back` days, as YYYY-MM-DD.
fn day(back: i64) -> String {
    let now = time::OffsetDateTime::now_utc().date();
    (now - time::Duration::days(back)).to_string()
}

/// A user `name` with `pins` Pins, an app and an analytics token; (Pin ids, token).
fn account(data: &Path, name: &str, pins: u32) -> (Vec<String>, String) {
    let ids = data.join(format!("{name}.ids"));
    stdout(&pinbox(
        &[
            "seed",
            "--user",
            name,
            "--boards",
            "1",
            "--pins",
            &pins.to_string(),
            "--ids-out",
            ids.to_str().unwrap(),
        ],
        data,
    ));
    let app = stdout(&pinbox(
        &["app", "create", "--owner", name, "--name", name],
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
            name,
            "--app",
            &app,
            "--scopes",
            "boards:read,pins:read,user_accounts:read",
        ],
        data,
    ))
    .trim()
    .to_string();
    let ids = std::fs::read_to_string(ids)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (ids, token)
}

struct Served {
    child: Child,
    base: String,
}

fn serve(data: &Path) -> Served {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--rate-limits",
            "off",
            "--data-dir",
        ])
        .arg(data)
        .env("PINBOX_LOG", "warn")
        .env_remove("PINBOX_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn pinbox serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("serve exited").unwrap();
        if let Some(url) = line.strip_prefix("pinbox listening on ") {
            break url.to_string();
        }
    };
    Served { child, base }
}

fn stop(mut s: Served) {
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
        assert!(Instant::now() < deadline, "pinbox did not stop");
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
        (r.status().as_u16(), r.json().await.unwrap())
    })
}

#[test]
fn exact_events_added_from_the_cli_are_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (pins, token) = account(data, "alice", 1);
    let served = serve(data);
    // Beside the running server, on the same data dir.
    stdout(&pinbox(
        &[
            "engagement",
            "add",
            "--pin",
            &pins[0],
            "--date",
            &day(3),
            "--app-type",
            "MOBILE",
            "IMPRESSION=30",
            "OUTBOUND_CLICK=2",
        ],
        data,
    ));
    let (status, body) = get(
        &format!(
            "{}/v5/pins/{}/analytics?start_date={}&end_date={}&metric_types=IMPRESSION,OUTBOUND_CLICK&split_field=APP_TYPE",
            served.base,
            pins[0],
            day(7),
            day(0)
        ),
        &token,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["MOBILE"]["summary_metrics"],
        serde_json::json!({"IMPRESSION": 30, "OUTBOUND_CLICK": 2})
    );
    assert!(body.get("WEB").is_none(), "{body}");
    let (_, me) = get(&format!("{}/v5/user_account", served.base), &token);
    assert_eq!(me["monthly_views"], 30);
    stop(served);

    for (args, says) in [
        (vec!["--date", "tomorrow", "IMPRESSION=1"], "--date"),
        (vec!["--date", &day(-1), "IMPRESSION=1"], "after today"),
        (vec!["--date", &day(0), "IMPRESSION"], "METRIC=COUNT"),
        (vec!["--date", &day(0), "SAVE_RATE=1"], "derived"),
        (
            vec!["--date", &day(0), "--app-type", "WATCH", "SAVE=1"],
            "--app-type",
        ),
    ] {
        let mut full = vec!["engagement", "add", "--pin", pins[0].as_str()];
        full.extend(args.iter().copied());
        let err = stderr(&pinbox(&full, data));
        assert!(err.contains(says), "{says}: {err}");
    }
    let err = stderr(&pinbox(
        &[
            "engagement",
            "add",
            "--pin",
            "123",
            "--date",
            &day(0),
            "SAVE=1",
        ],
        data,
    ));
    assert!(err.contains("Pin not found"), "{err}");
}

#[test]
fn simulations_are_deterministic_per_seed_and_show_progress() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut accounts = Vec::new();
    for (name, seed) in [("one", "5"), ("two", "5"), ("three", "6")] {
        let (pins, token) = account(data, name, 3);
        let out = pinbox(
            &[
                "engagement",
                "simulate",
                "--user",
                name,
                "--profile",
                "seasonal",
                "--from",
                &day(6),
                "--to",
                &day(0),
                "--seed",
                seed,
            ],
            data,
        );
        let summary = stdout(&out);
        assert!(summary.starts_with("3 Pins, 7 days, "), "{summary}");
        let progress = String::from_utf8(out.stderr).unwrap();
        assert!(progress.contains("3/3 Pins (100%)"), "{progress}");
        accounts.push((pins, token));
    }
    let served = serve(data);
    let numbers: Vec<Vec<serde_json::Value>> = accounts
        .iter()
        .map(|(pins, token)| {
            let (status, body) = get(
                &format!(
                    "{}/v5/pins/analytics?pin_ids={}&start_date={}&end_date={}&metric_types=IMPRESSION,SAVE,PIN_CLICK",
                    served.base,
                    pins.join(","),
                    day(6),
                    day(0)
                ),
                token,
            );
            assert_eq!(status, 200, "{body}");
            // Seeded Pins are listed newest first; the simulation numbers them oldest first.
            pins.iter().map(|p| body[p]["all"].clone()).collect()
        })
        .collect();
    stop(served);
    assert!(
        numbers[0]
            .iter()
            .all(|n| n["summary_metrics"]["IMPRESSION"].as_i64().unwrap() > 0)
    );
    assert_eq!(numbers[0], numbers[1], "same seed, same numbers");
    assert_ne!(numbers[0], numbers[2], "another seed, other numbers");

    let list = stdout(&pinbox(&["engagement", "profiles"], data));
    for p in ["steady", "viral", "seasonal"] {
        assert!(list.contains(p), "{list}");
    }
    let err = stderr(&pinbox(
        &[
            "engagement",
            "simulate",
            "--user",
            "one",
            "--profile",
            "spiky",
            "--from",
            &day(1),
            "--to",
            &day(0),
        ],
        data,
    ));
    assert!(err.contains("steady, viral, seasonal"), "{err}");
    let err = stderr(&pinbox(
        &[
            "engagement",
            "simulate",
            "--user",
            "nobody",
            "--profile",
            "steady",
            "--from",
            &day(1),
            "--to",
            &day(0),
        ],
        data,
    ));
    assert!(err.contains("no user 'nobody'"), "{err}");
}
