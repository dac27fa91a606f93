//! The README's examples run as pasted: every ```sh block, in order, in one bash session on a
//! fresh data dir, against a server started as its first block says, with every curl's HTTP
//! status checked. A block that stops working, a placeholder, a variable no block sets or a file
//! no block makes fails this test.
//!
//! What the test does not run as written, each for a reason it states (`REWRITES`): the first
//! block's `cargo run --release -- serve` (the test starts this checkout's `pinbox serve` itself,
//! on a free port, in the fresh directory), `./scripts/test` (it runs this test),
//! `cargo install --path .` (the built binary's directory is first on PATH instead), the SDK's
//! `pip install` (the venv scripts/ensure-sdk-venv keeps, at pinned versions), and the replicas'
//! database (a schema of its own in `PINBOX_TEST_DATABASE_URL`; without it that block is skipped,
//! as the other PostgreSQL suites are). The README's fixed ports (8080, 8081, 8082, 8090) become free
//! ports, so that the test runs beside other servers.

mod common;
use common::cli;

use pinbox_testkit::pg;

use std::fmt::Write as _;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The longest the README's examples may take; they take seconds.
const DEADLINE: Duration = Duration::from_secs(240);

/// Languages a fenced block may have: `sh` is run, the others are shown only.
const SHOWN_ONLY: &[&str] = &["text", "toml", "json"];

struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    text: String,
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(MANIFEST_DIR).join("README.md")).unwrap()
}

/// Every ```sh block in order. Any other language must be one that is only shown, so that a
/// command cannot hide from this test in a ```bash block.
fn sh_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    for (i, line) in readme.lines().enumerate() {
        let Some(fence) = line.strip_prefix("```") else {
            if let Some((_, _, text)) = open.as_mut() {
                text.push_str(line);
                text.push('\n');
            }
            continue;
        };
        match open.take() {
            None => open = Some((i + 1, fence.trim().to_string(), String::new())),
            Some((start, lang, text)) => {
                assert!(
                    fence.is_empty(),
                    "README.md:{}: a fence inside a block",
                    i + 1
                );
                if lang == "sh" {
                    blocks.push(Block { line: start, text });
                } else {
                    assert!(
                        SHOWN_ONLY.contains(&lang.as_str()),
                        "README.md:{start}: a ```{lang} block: commands to run are ```sh, \
                         output and files to show are ```text, ```toml or ```json"
                    );
                }
            }
        }
    }
    assert!(open.is_none(), "README.md: a block is never closed");
    blocks
}

/// A line of the README the test runs otherwise, and why.
struct Rewrite {
    /// The line as the README has it, up to its comment.
    starts_with: &'static str,
    to: String,
    why: &'static str,
}

#[test]
fn the_readme_says_how_much_of_the_spec_is_served() {
    let served = pinbox::catalog::OPERATIONS.len();
    let total = pinbox::catalog::SPEC_OPERATIONS.len();
    let claim = format!(
        "pinbox serves **{served} of the {total} operations** in Pinterest's OpenAPI {}",
        pinbox::catalog::SPEC_VERSION
    );
    let text = readme().replace('\n', " ");
    assert!(
        text.contains(&claim),
        "README.md must say, up front: {claim}"
    );
}

#[test]
fn the_readme_commands_have_no_placeholders() {
    let mut problems = Vec::new();
    for block in sh_blocks(&readme()) {
        for (i, line) in block.text.lines().enumerate() {
            // Comments may show output and elide it.
            let code = match line.find(" #") {
                Some(at) => &line[..at],
                None if line.trim_start().starts_with('#') => "",
                None => line,
            };
            let placeholder = code.contains("...")
                || code.split('<').skip(1).any(|after| {
                    after.split_once('>').is_some_and(|(name, _)| {
                        !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    })
                });
            if placeholder {
                problems.push(format!("README.md:{}: {line}", block.line + 1 + i));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "placeholders in commands:\n{}",
        problems.join("\n")
    );
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The environment of the README's shell: the developer's, without any pinbox or Pinterest
/// setting, and with this checkout's `pinbox` first on PATH.
fn shell_env(cmd: &mut Command, bin_dir: &Path) {
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("PINBOX_") || key.starts_with("PINTEREST_") {
            cmd.env_remove(key);
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin_dir.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).unwrap());
}

/// Waits for `pinbox serve`'s "listening" line in its output file.
fn wait_listening(server: &mut Child, out: &Path, err: &Path) -> String {
    let started = Instant::now();
    loop {
        let printed = std::fs::read_to_string(out).unwrap_or_default();
        if let Some(url) = printed
            .lines()
            .find_map(|l| l.strip_prefix("pinbox listening on "))
        {
            return url.to_string();
        }
        if let Some(status) = server.try_wait().unwrap() {
            panic!(
                "pinbox serve exited ({status}): {}",
                std::fs::read_to_string(err).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "pinbox serve did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The last `lines` lines of `text`, each cut to a screen's width (answers are long JSON lines).
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<String> = text
        .lines()
        .map(|l| match l.char_indices().nth(240) {
            Some((at, _)) => format!("{}...", &l[..at]),
            None => l.to_string(),
        })
        .collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[test]
fn every_readme_block_runs_as_pasted_in_order_on_a_fresh_data_dir() {
    for tool in ["bash", "curl", "jq", "python3"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(found, "the README's examples need {tool}: install it");
    }
    let repo = Path::new(MANIFEST_DIR);
    let bin_dir = Path::new(cli::BIN).parent().unwrap().to_path_buf();
    let work_dir = tempfile::tempdir().unwrap();
    let work = work_dir.path().canonicalize().unwrap();
    // The blocks read the checkout's example files, as they do in a user's checkout.
    std::os::unix::fs::symlink(repo.join("assets"), work.join("assets")).unwrap();

    // The first block: `pinbox serve` in the fresh directory, as `cargo run --release -- serve`
    // runs it, on a free port instead of 8080.
    let (out, err) = (work.join("serve.out"), work.join("serve.err"));
    let mut serve = Command::new(cli::BIN);
    serve
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(&work)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap());
    shell_env(&mut serve, &bin_dir);
    let mut server = serve.spawn().expect("start pinbox serve");
    let url = wait_listening(&mut server, &out, &err);
    let printed = std::fs::read_to_string(&out).unwrap();
    assert!(printed.contains("here is a demo account"), "{printed}");
    let said = std::fs::read_to_string(&err).unwrap();
    let data_dir = work.join("pinbox-data");
    assert!(
        said.contains(&format!(
            "pinbox: created a new data dir at {}",
            data_dir.display()
        )),
        "{said}"
    );
    let addr = url.strip_prefix("http://").unwrap().to_string();

    let schema = std::env::var_os("PINBOX_TEST_DATABASE_URL").map(|_| pg::Schema::new());
    let mut rewrites = vec![
        Rewrite {
            starts_with: "cargo run --release -- serve",
            to: ": pinbox serve was started by tests/readme.rs".into(),
            why: "the test serves this checkout's build on a free port",
        },
        Rewrite {
            starts_with: "./scripts/test",
            to: ": scripts/test runs tests/readme.rs".into(),
            why: "it runs this test",
        },
        Rewrite {
            starts_with: "cargo install --path .",
            to: format!(": {} is first on PATH", bin_dir.display()),
            why: "the built binary's directory is first on PATH",
        },
        Rewrite {
            starts_with: "python3 -m venv sdk-venv && sdk-venv/bin/pip install --quiet pinterest-api-sdk",
            to: format!(
                "{0}/scripts/ensure-sdk-venv && ln -s {0}/target/sdk-venv sdk-venv",
                repo.display()
            ),
            why: "the SDK comes from the venv scripts/sdk-interop uses, at pinned versions",
        },
    ];
    let replicas_line = "createdb -h 127.0.0.1 -U postgres pinbox";
    if let Some(schema) = &schema {
        rewrites.push(Rewrite {
            starts_with: replicas_line,
            to: ": the test made an empty schema".into(),
            why: "the database is a schema of the test database",
        });
        rewrites.push(Rewrite {
            starts_with: "DB=postgres://postgres@127.0.0.1:5432/pinbox",
            to: format!("DB='{}'", schema.url_with_search_path()),
            why: "the database is a schema of the test database",
        });
    }
    let ports = [
        ("127.0.0.1:8080", addr),
        ("127.0.0.1:8081", format!("127.0.0.1:{}", free_port())),
        ("127.0.0.1:8082", format!("127.0.0.1:{}", free_port())),
        ("127.0.0.1:8090", format!("127.0.0.1:{}", free_port())),
    ];

    let mut script = String::from(
        "set -euo pipefail\n\
         # Background servers the blocks start end with the session.\n\
         trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n\
         # Every curl's HTTP status is checked: a 4xx or 5xx fails the block, showing the body.\n\
         curl() { command curl --fail-with-body \"$@\"; }\n\
         set -x\n",
    );
    let mut used = vec![0; rewrites.len()];
    let mut skipped = Vec::new();
    for block in sh_blocks(&readme()) {
        if schema.is_none() && block.text.contains(replicas_line) {
            skipped.push(block.line);
            continue;
        }
        let _ = writeln!(script, "\n: ==== README.md line {} ====", block.line);
        for line in block.text.lines() {
            let mut line = line.to_string();
            for (i, r) in rewrites.iter().enumerate() {
                if line.starts_with(r.starts_with) {
                    used[i] += 1;
                    line = format!("{}   # README: {line}", r.to);
                }
            }
            for (from, to) in &ports {
                line = line.replace(from, to);
            }
            script.push_str(&line);
            script.push('\n');
        }
    }
    for (r, n) in rewrites.iter().zip(&used) {
        assert_eq!(
            *n, 1,
            "README.md has `{}` {n} times, the test expects it once ({}): update tests/readme.rs",
            r.starts_with, r.why
        );
    }
    if !skipped.is_empty() {
        eprintln!(
            "tests/readme.rs: skipped the block at README.md line {skipped:?} (replicas): \
             PINBOX_TEST_DATABASE_URL is not set"
        );
    }
    std::fs::write(work.join("readme.sh"), &script).unwrap();

    let log = work.join("readme.log");
    let mut bash = Command::new("bash");
    // One file for both streams, so that output and trace interleave in order.
    let both = std::fs::File::create(&log).unwrap();
    bash.arg("readme.sh")
        .current_dir(&work)
        .stdin(Stdio::null())
        .stdout(both.try_clone().unwrap())
        .stderr(both)
        .process_group(0);
    shell_env(&mut bash, &bin_dir);
    let mut run = bash.spawn().expect("run bash");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = run.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > DEADLINE {
            // The whole group: the shell and every server its blocks started.
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", run.id())])
                .status();
            let _ = run.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = server.kill();
    let _ = server.wait();
    let mut output = String::new();
    std::fs::File::open(&log)
        .unwrap()
        .read_to_string(&mut output)
        .unwrap();
    let server_said = std::fs::read_to_string(&err).unwrap_or_default();
    match status {
        Some(s) if s.success() => {}
        other => panic!(
            "the README's blocks failed ({}); the last of what they printed:\n{}\n\n\
             pinbox serve's stderr:\n{}\n\nthe script as run: {}",
            other.map_or("timed out".to_string(), |s| s.to_string()),
            tail(&output, 80),
            tail(&server_said, 20),
            keep(work_dir, "readme.sh").display()
        ),
    }
}

/// Keeps the run's directory for a look after a failure, and names the file in it.
fn keep(dir: tempfile::TempDir, file: &str) -> PathBuf {
    dir.keep().join(file)
}
