//! Two pinbox processes on one PostgreSQL database, a client alternating between them, with
//! concurrent writers on both: they must behave as one server. Needs `PINBOX_TEST_DATABASE_URL`
//! (scripts/test runs it when set; otherwise it is reported as ignored).

use pinbox_testkit::pg;

use pinbox_testkit::mp4;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use base64::Engine;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pinbox");
const BOARD_LIMIT: usize = 20;

struct Replica {
    child: Child,
    base: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_replica(url: &str, data: &Path, media: &Path) -> Replica {
    start_replica_with(url, data, media, &[])
}

fn start_replica_with(url: &str, data: &Path, media: &Path, extra: &[&str]) -> Replica {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--no-demo",
            "--database-url",
            url,
        ])
        .arg("--data-dir")
        .arg(data)
        .arg("--media-dir")
        .arg(media)
        .args(["--max-boards-per-user", &BOARD_LIMIT.to_string()])
        .args(["--media-processing-delay", "0"])
        .args(extra)
        .env("PINBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start a replica");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the replica exited before listening")
            .unwrap();
        if let Some(url) = line.strip_prefix("pinbox listening on ") {
            break url.to_string();
        }
    };
    Replica { child, base }
}

fn cli(url: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .args(["--database-url", url])
        .output()
        .expect("run pinbox");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn token_for(url: &str, user: &str) -> String {
    cli(url, &["user", "create", user]);
    let app = cli(
        url,
        &[
            "app", "create", "--owner", user, "--name", "replicas", "--tier", "standard",
        ],
    );
    let app_id = app.lines().next().unwrap().to_string();
    cli(
        url,
        &[
            "token",
            "issue",
            "--user",
            user,
            "--app",
            &app_id,
            "--scopes",
            "boards:read,boards:write,pins:read,pins:write,user_accounts:read",
        ],
    )
    .trim()
    .to_string()
}

struct Client {
    http: reqwest::Client,
    token: String,
}

impl Client {
    async fn send(
        &self,
        base: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{base}/v5{path}"),
            )
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            },
        )
    }
}

fn png() -> String {
    let img = image::RgbImage::from_fn(16, 16, |x, _| image::Rgb([x as u8 * 10, 100, 50]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PINBOX_TEST_DATABASE_URL (scripts/test runs it)"]
async fn two_replicas_on_one_database_behave_as_one_server() {
    let schema = pg::Schema::new();
    let url = schema.url_with_search_path();
    let dirs = tempfile::tempdir().unwrap();
    let media = dirs.path().join("shared-media");

    // Both start at once on an empty schema: the migrations must not race.
    let (u1, u2, d1, d2, m1, m2) = (
        url.clone(),
        url.clone(),
        dirs.path().join("a"),
        dirs.path().join("b"),
        media.clone(),
        media.clone(),
    );
    let a = std::thread::spawn(move || start_replica(&u1, &d1, &m1));
    let b = std::thread::spawn(move || start_replica(&u2, &d2, &m2));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    let replicas = [a.base.clone(), b.base.clone()];

    let alice = Client {
        http: reqwest::Client::new(),
        token: token_for(&url, "alice"),
    };

    // Read-your-writes across replicas.
    let (s, board) = alice
        .send(
            &replicas[0],
            "POST",
            "/boards",
            Some(json!({"name": "Shared"})),
        )
        .await;
    assert_eq!(s, 201, "{board}");
    let board_id = board["id"].as_str().unwrap().to_string();
    let (s, seen) = alice
        .send(&replicas[1], "GET", &format!("/boards/{board_id}"), None)
        .await;
    assert_eq!(s, 200);
    assert_eq!(seen, board);

    // Pages continue on the other replica with the first one's bookmark.
    let mut expected = HashSet::from([board_id.clone()]);
    for i in 0..12 {
        let (s, b) = alice
            .send(
                &replicas[i % 2],
                "POST",
                "/boards",
                Some(json!({"name": format!("b{i}")})),
            )
            .await;
        assert_eq!(s, 201);
        expected.insert(b["id"].as_str().unwrap().to_string());
    }
    let mut seen = Vec::new();
    let mut bookmark: Option<String> = None;
    for turn in 0.. {
        let query = match &bookmark {
            Some(b) => format!("/boards?page_size=5&bookmark={b}"),
            None => "/boards?page_size=5".to_string(),
        };
        let (s, page) = alice.send(&replicas[turn % 2], "GET", &query, None).await;
        assert_eq!(s, 200, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["id"].as_str().unwrap().to_string()),
        );
        match page["bookmark"].as_str() {
            Some(b) => bookmark = Some(b.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), expected.len(), "no board repeated");
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), expected);

    // Concurrent Pin writers on both replicas, on two boards.
    let (_, other) = alice
        .send(
            &replicas[1],
            "POST",
            "/boards",
            Some(json!({"name": "Other"})),
        )
        .await;
    let boards = [board_id.clone(), other["id"].as_str().unwrap().to_string()];
    let image = png();
    let alice = std::sync::Arc::new(alice);
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (alice, base, board, image) = (
            alice.clone(),
            replicas[i % 2].clone(),
            boards[i / 20].clone(),
            image.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let body = json!({"board_id": board, "title": format!("p{i}"),
                "media_source": {"source_type": "image_base64", "content_type": "image/png", "data": image}});
            alice.send(&base, "POST", "/pins", Some(body)).await
        }));
    }
    let mut pins = Vec::new();
    for t in tasks {
        let (s, p) = t.await.unwrap();
        assert_eq!(s, 201, "{p}");
        pins.push(p);
    }
    // The image written by one replica is served by the other.
    let url_on_a = pins[0]["media"]["images"]["150x150"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let on_b = url_on_a.replace(&replicas[0], &replicas[1]);
    let img = reqwest::get(&on_b).await.unwrap();
    assert_eq!(img.status(), 200, "{on_b}");

    // Moves on one replica and deletes on the other, at once.
    let mut tasks = Vec::new();
    for p in pins.iter().take(10) {
        let (alice, base, id) = (
            alice.clone(),
            replicas[0].clone(),
            p["id"].as_str().unwrap().to_string(),
        );
        tasks.push(tokio::spawn(async move {
            alice
                .send(&base, "DELETE", &format!("/pins/{id}"), None)
                .await
        }));
    }
    for p in pins.iter().skip(20).take(10) {
        let (alice, base, id, to) = (
            alice.clone(),
            replicas[1].clone(),
            p["id"].as_str().unwrap().to_string(),
            boards[0].clone(),
        );
        tasks.push(tokio::spawn(async move {
            alice
                .send(
                    &base,
                    "PATCH",
                    &format!("/pins/{id}"),
                    Some(json!({"board_id": to})),
                )
                .await
        }));
    }
    for t in tasks {
        let (s, body) = t.await.unwrap();
        assert!(s == 200 || s == 204, "{s} {body}");
    }
    let mut total = 0;
    for (i, board) in boards.iter().enumerate() {
        let (_, listed) = alice
            .send(
                &replicas[i % 2],
                "GET",
                &format!("/boards/{board}/pins?page_size=250"),
                None,
            )
            .await;
        let listed = listed["items"].as_array().unwrap().len() as i64;
        let (_, b) = alice
            .send(
                &replicas[(i + 1) % 2],
                "GET",
                &format!("/boards/{board}"),
                None,
            )
            .await;
        assert_eq!(b["pin_count"], listed, "board {i}");
        total += listed;
    }
    assert_eq!(total, 30);
    assert_eq!((boards.len(), total), (2, 20 + 10));
    for base in &replicas {
        let (_, me) = alice.send(base, "GET", "/user_account", None).await;
        assert_eq!(me["pin_count"], 30);
    }

    // Board names stay unique when both replicas race to create the same one.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (alice, base) = (alice.clone(), replicas[i % 2].clone());
        tasks.push(tokio::spawn(async move {
            alice
                .send(&base, "POST", "/boards", Some(json!({"name": "Same name"})))
                .await
                .0
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );

    // The board limit holds across replicas under a race.
    let bob = std::sync::Arc::new(Client {
        http: reqwest::Client::new(),
        token: token_for(&url, "bob"),
    });
    let mut tasks = Vec::new();
    for i in 0..BOARD_LIMIT + 10 {
        let (bob, base) = (bob.clone(), replicas[i % 2].clone());
        tasks.push(tokio::spawn(async move {
            bob.send(
                &base,
                "POST",
                "/boards",
                Some(json!({"name": format!("bob {i}")})),
            )
            .await
            .0
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            201 => created += 1,
            403 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(created, BOARD_LIMIT);

    // A media upload registered on one replica is accepted by the other (the signing key is in
    // the database), and a video Pin made on the first from it is seen by the second.
    let (s, reg) = alice
        .send(
            &replicas[0],
            "POST",
            "/media",
            Some(json!({"media_type": "video"})),
        )
        .await;
    assert_eq!(s, 201, "{reg}");
    let upload_url = reg["upload_url"]
        .as_str()
        .unwrap()
        .replace(&replicas[0], &replicas[1]);
    assert_ne!(upload_url, reg["upload_url"].as_str().unwrap());
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in reg["upload_parameters"].as_object().unwrap() {
        form = form.text(k.clone(), v.as_str().unwrap().to_string());
    }
    form = form.part("file", reqwest::multipart::Part::bytes(mp4::small_mp4()));
    let up = alice
        .http
        .post(&upload_url)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), 204, "{}", up.text().await.unwrap());
    let media_id = reg["media_id"].as_str().unwrap();
    let (s, media) = alice
        .send(&replicas[0], "GET", &format!("/media/{media_id}"), None)
        .await;
    assert_eq!((s, media["status"].as_str()), (200, Some("succeeded")));
    let (s, pin) = alice
        .send(
            &replicas[0],
            "POST",
            "/pins",
            Some(json!({"board_id": board_id, "media_source": {
                "source_type": "video_id", "media_id": media_id, "cover_image_key_frame_time": 0}})),
        )
        .await;
    assert_eq!(s, 201, "{pin}");
    let (s, seen) = alice
        .send(
            &replicas[1],
            "GET",
            &format!("/pins/{}", pin["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(seen["media"]["duration"], 3500);
    drop((a, b));
}

/// One quota, two replicas, 64 clients at once spread over both: exactly the limit is admitted,
/// because the count lives in the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PINBOX_TEST_DATABASE_URL (scripts/test runs it)"]
async fn two_replicas_share_one_rate_limit_exactly() {
    let schema = pg::Schema::new();
    let url = schema.url_with_search_path();
    let dirs = tempfile::tempdir().unwrap();
    let media = dirs.path().join("shared-media");
    let config = dirs.path().join("pinbox.toml");
    // A day's window, so that the real clock cannot start a new one during the test.
    std::fs::write(
        &config,
        "[rate_limits.standard]\noverall = \"off\"\norg_read = { limit = 50, window = \"1d\" }\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let a = start_replica_with(&url, &dirs.path().join("a"), &media, &["--config", config]);
    let b = start_replica_with(&url, &dirs.path().join("b"), &media, &["--config", config]);
    let alice = std::sync::Arc::new(Client {
        http: reqwest::Client::new(),
        token: token_for(&url, "alice"),
    });
    let mut tasks = Vec::new();
    for i in 0..64 {
        let (alice, base) = (alice.clone(), [&a.base, &b.base][i % 2].clone());
        tasks.push(tokio::spawn(async move {
            alice.send(&base, "GET", "/user_account", None).await.0
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        50,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        14,
        "{statuses:?}"
    );
    drop((a, b));
}

/// A replica started with the demo account on (no `--no-demo`): what it printed up to its
/// "listening" line, or, if it died first, its exit status and stderr.
fn start_with_demo(url: &str, data: &Path, media: &Path) -> Child {
    Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", url])
        .arg("--data-dir")
        .arg(data)
        .arg("--media-dir")
        .arg(media)
        .env("PINBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a replica")
}

fn printed_until_listening(child: &mut Child) -> Result<Vec<String>, String> {
    let mut seen = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let listening = line.starts_with("pinbox listening on ");
        seen.push(line);
        if listening {
            return Ok(seen);
        }
    }
    let status = child.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    Err(format!("{status}: {err}"))
}

/// The README's replicas example: several replicas started together on an empty database all
/// find it empty. Exactly one makes the demo account; the others say another replica made it
/// and serve on, instead of dying on the taken username.
#[test]
#[ignore = "needs PINBOX_TEST_DATABASE_URL (scripts/test runs it)"]
fn replicas_started_together_on_an_empty_database_make_one_demo_account() {
    for round in 0..3 {
        let schema = pg::Schema::new();
        let url = schema.url_with_search_path();
        let dirs = tempfile::tempdir().unwrap();
        let media = dirs.path().join("shared-media");
        let mut children: Vec<Child> = (0..3)
            .map(|i| start_with_demo(&url, &dirs.path().join(format!("r{i}")), &media))
            .collect();
        let printed: Vec<Result<Vec<String>, String>> =
            children.iter_mut().map(printed_until_listening).collect();
        for c in &mut children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let printed: Vec<Vec<String>> = printed
            .into_iter()
            .map(|p| p.unwrap_or_else(|e| panic!("round {round}: a replica died: {e}")))
            .collect();
        let made = printed
            .iter()
            .filter(|lines| lines.iter().any(|l| l.contains("here is a demo account")))
            .count();
        assert_eq!(made, 1, "round {round}: {printed:#?}");
        let apps = cli(&url, &["app", "list", "--owner", "demo"]);
        assert_eq!(apps.lines().count(), 1, "round {round}: {apps}");
    }
}

#[tokio::test]
#[ignore = "needs PINBOX_TEST_DATABASE_URL (scripts/test runs it)"]
async fn an_agent_revoked_by_the_cli_is_refused_at_once_by_both_replicas_which_share_one_audit_log()
{
    let schema = pg::Schema::new();
    let url = schema.url_with_search_path();
    let dirs = tempfile::tempdir().unwrap();
    let media = dirs.path().join("shared-media");
    let a = start_replica(&url, &dirs.path().join("a"), &media);
    let b = start_replica(&url, &dirs.path().join("b"), &media);
    let _ = token_for(&url, "alice");
    let created = cli(
        &url,
        &["agent", "create", "--user", "alice", "--name", "Replicated"],
    );
    let mut lines = created.lines();
    let (id, key) = (
        lines.next().unwrap().to_string(),
        lines.next().unwrap().to_string(),
    );
    cli(&url, &["agent", "grant", &id, "boards", "read"]);
    let agent = Client {
        http: reqwest::Client::new(),
        token: key,
    };
    for base in [&a.base, &b.base] {
        let (status, body) = agent.send(base, "GET", "/boards", None).await;
        assert_eq!(status, 200, "{body}");
    }
    cli(&url, &["agent", "revoke", &id]);
    for base in [&a.base, &b.base] {
        let (status, body) = agent.send(base, "GET", "/boards", None).await;
        assert_eq!(status, 401, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("has been revoked"),
            "{body}"
        );
    }
    // Both replicas' calls are in the one log the CLI reads (written before the answers are read
    // back: each replica's writer gathers for at most 20 ms).
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let audit = cli(&url, &["audit", "--agent", &id, "--json"]);
    let allowed = audit
        .lines()
        .filter(|l| l.contains("\"decision\":\"allowed\""))
        .count();
    assert_eq!(allowed, 2, "{audit}");
    drop((a, b));
}
