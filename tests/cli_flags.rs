//! What a newcomer meets on the command line: help text on every flag, variables named after
//! their flags, `--data-dir` on either side of the subcommand, a word when a command makes a new
//! data dir, and a log without colour codes when it goes to a file.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

mod common;
use cli::{BIN, stdout};
use common::cli;

/// `pinbox ARGS` run in `cwd`, with no data dir or database from the developer's environment.
fn pinbox_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("PINBOX_DATA_DIR")
        .env_remove("PINBOX_DATABASE_URL")
        .output()
        .expect("run pinbox")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The variable a flag reads: `PINBOX_` and the flag's name in capitals.
fn variable_for(long: &str) -> String {
    format!("PINBOX_{}", long.to_uppercase().replace('-', "_"))
}

#[test]
fn every_argument_has_help_and_every_variable_is_named_after_its_flag() {
    let mut root = pinbox::cli::command();
    root.build();
    let mut problems = Vec::new();
    let mut stack = vec![(String::from("pinbox"), root)];
    let mut seen = 0;
    while let Some((path, cmd)) = stack.pop() {
        if path != "pinbox" && cmd.get_about().is_none() {
            problems.push(format!("`{path}` has no description"));
        }
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            seen += 1;
            let name = arg
                .get_long()
                .map(|l| format!("--{l}"))
                .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                problems.push(format!("`{path} {name}` has no help text"));
            }
            if let Some(env) = arg.get_env() {
                let long = arg.get_long().unwrap_or_default();
                if env.to_str() != Some(variable_for(long).as_str()) {
                    problems.push(format!(
                        "`{path} {name}` reads {env:?}, not {}",
                        variable_for(long)
                    ));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            stack.push((format!("{path} {}", sub.get_name()), sub.clone()));
        }
    }
    assert!(seen > 60, "walked only {seen} arguments");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn serve_help_documents_pinbox_log_and_no_color() {
    let help = stdout(&pinbox_in(Path::new("/"), &["serve", "--help"]));
    assert!(help.contains("PINBOX_LOG"), "{help}");
    assert!(help.contains("NO_COLOR"), "{help}");
    assert!(help.contains("--data-dir"), "{help}");
}

#[test]
fn data_dir_is_taken_before_or_after_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    stdout(&pinbox_in(
        dir.path(),
        &["--data-dir", data, "user", "create", "alice"],
    ));
    stdout(&pinbox_in(
        dir.path(),
        &["user", "--data-dir", data, "create", "bob"],
    ));
    stdout(&pinbox_in(
        dir.path(),
        &["user", "create", "carol", "--data-dir", data],
    ));
    let app = stdout(&pinbox_in(
        dir.path(),
        &[
            "--data-dir",
            data,
            "app",
            "create",
            "--owner",
            "alice",
            "--name",
            "a",
        ],
    ));
    let listed = stdout(&pinbox_in(dir.path(), &["app", "list", "--data-dir", data]));
    assert!(listed.starts_with(app.lines().next().unwrap()), "{listed}");
    // Every user went to the one data dir, none to ./pinbox-data.
    assert!(!dir.path().join("pinbox-data").exists());
    let again = pinbox_in(dir.path(), &["--data-dir", data, "user", "create", "bob"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("The username 'bob' is taken"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn a_command_that_makes_a_new_data_dir_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().canonicalize().unwrap();
    let expected = format!(
        "pinbox: created a new data dir at {}",
        cwd.join("pinbox-data").display()
    );

    // Run from a directory without a data dir, with the default --data-dir.
    let first = pinbox_in(&cwd, &["user", "create", "alice"]);
    stdout(&first);
    assert!(stderr(&first).contains(&expected), "{}", stderr(&first));
    let second = pinbox_in(&cwd, &["user", "create", "bob"]);
    stdout(&second);
    assert!(
        !stderr(&second).contains("created a new data dir"),
        "{}",
        stderr(&second)
    );

    // `serve` says it too, before it listens.
    let mut server = spawn_serve(&cwd, &["--data-dir", "served", "--no-demo"], &[]);
    let (_, base) = wait_listening(&mut server);
    let err = stop_and_read_stderr(server, &base);
    let expected = format!(
        "pinbox: created a new data dir at {}",
        cwd.join("served").display()
    );
    assert!(err.contains(&expected), "{err}");
}

fn spawn_serve(cwd: &Path, args: &[&str], envs: &[(&str, &str)]) -> Child {
    Command::new(BIN)
        .arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .current_dir(cwd)
        .env_remove("PINBOX_DATA_DIR")
        .env_remove("PINBOX_DATABASE_URL")
        .env_remove("NO_COLOR")
        .env("PINBOX_LOG", "info")
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pinbox serve")
}

/// Reads stdout up to the "listening" line; returns every line read and the server's URL.
fn wait_listening(child: &mut Child) -> (Vec<String>, String) {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    loop {
        let line = lines
            .next()
            .expect("pinbox serve exited before listening")
            .unwrap();
        if let Some(url) = line.strip_prefix("pinbox listening on ") {
            return (seen, url.to_string());
        }
        seen.push(line);
    }
}

/// One request, so that the server is surely past start-up and handles SIGTERM itself.
fn ping(base: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let r = reqwest::get(format!("{base}/v5/user_account"))
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    });
}

/// SIGTERM (which logs the shutdown), then everything the server wrote to stderr.
fn stop_and_read_stderr(mut child: Child, base: &str) -> String {
    ping(base);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    child.wait().unwrap();
    err
}

#[test]
fn the_log_has_no_colour_codes_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_serve(dir.path(), &["--ephemeral", "--no-demo"], &[]);
    let (_, base) = wait_listening(&mut server);
    let err = stop_and_read_stderr(server, &base);
    assert!(
        err.contains("shutting down"),
        "the shutdown is logged: {err}"
    );
    assert!(err.contains("INFO"), "{err}");
    assert!(!err.contains('\u{1b}'), "colour codes in a pipe: {err:?}");
}

#[test]
fn a_bad_pinbox_log_is_reported_and_info_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_serve(
        dir.path(),
        &["--ephemeral", "--no-demo"],
        &[("PINBOX_LOG", "pinbox=loud")],
    );
    let (_, base) = wait_listening(&mut server);
    let err = stop_and_read_stderr(server, &base);
    assert!(
        err.contains("PINBOX_LOG=pinbox=loud is not a log filter"),
        "{err}"
    );
    assert!(err.contains("shutting down"), "{err}");
}

/// The demo token `serve` prints on an empty store.
fn demo_token(printed: &[String]) -> String {
    printed
        .iter()
        .flat_map(|l| l.split_whitespace())
        .find(|w| w.starts_with("pina_"))
        .expect("the demo token is printed")
        .to_string()
}

/// Creates boards until one is refused; returns how many were made.
fn boards_until_refused(base: &str, token: &str) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        for made in 0..5 {
            let r = http
                .post(format!("{base}/v5/boards"))
                .bearer_auth(token)
                .json(&serde_json::json!({"name": format!("board {made}")}))
                .send()
                .await
                .unwrap();
            if r.status() != 201 {
                assert!(r.status().is_client_error(), "{}", r.status());
                return made;
            }
        }
        panic!("no board limit applied");
    })
}

#[test]
fn limits_read_variables_named_after_their_flags_and_the_old_names_still_work() {
    let dir = tempfile::tempdir().unwrap();
    for (envs, limit) in [
        (&[("PINBOX_MAX_BOARDS_PER_USER", "2")][..], 2),
        (&[("PINBOX_MAX_BOARDS", "1")][..], 1),
        // Both set: the new name wins.
        (
            &[
                ("PINBOX_MAX_BOARDS", "1"),
                ("PINBOX_MAX_BOARDS_PER_USER", "3"),
            ][..],
            3,
        ),
    ] {
        let mut server = spawn_serve(dir.path(), &["--ephemeral"], envs);
        let (printed, base) = wait_listening(&mut server);
        let made = boards_until_refused(&base, &demo_token(&printed));
        stop_and_read_stderr(server, &base);
        assert_eq!(made, limit, "{envs:?}");
    }
}

#[test]
fn every_flag_with_a_variable_is_in_docs_configuration() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/configuration.md"
    ))
    .unwrap();
    let mut root = pinbox::cli::command();
    root.build();
    let mut missing = Vec::new();
    let mut stack = vec![root];
    while let Some(cmd) = stack.pop() {
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let (Some(long), Some(env)) = (arg.get_long(), arg.get_env()) else {
                continue;
            };
            let env = env.to_string_lossy();
            if !docs.contains(&format!("`--{long}")) || !docs.contains(&format!("`{env}`")) {
                missing.push(format!("--{long} ({env})"));
            }
        }
        stack.extend(cmd.get_subcommands().cloned());
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "docs/configuration.md (Flags and variables) does not list: {}",
        missing.join(", ")
    );
    for var in [
        "PINBOX_LOG",
        "NO_COLOR",
        "PINBOX_MAX_BOARDS`",
        "PINBOX_MAX_PINS`",
    ] {
        assert!(
            docs.contains(var),
            "docs/configuration.md does not mention {var}"
        );
    }
}

#[test]
fn pinbox_no_demo_takes_one_or_zero() {
    let dir = tempfile::tempdir().unwrap();
    for (value, demo) in [("1", false), ("true", false), ("0", true)] {
        let mut server = spawn_serve(dir.path(), &["--ephemeral"], &[("PINBOX_NO_DEMO", value)]);
        let (printed, base) = wait_listening(&mut server);
        stop_and_read_stderr(server, &base);
        assert_eq!(
            printed.iter().any(|l| l.contains("here is a demo account")),
            demo,
            "PINBOX_NO_DEMO={value}: {printed:?}"
        );
    }
}

#[test]
fn clock_start_sets_the_instant_pinbox_runs_from_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_serve(
        dir.path(),
        &["--ephemeral", "--clock-start", "2030-06-01T00:00:00Z"],
        &[],
    );
    let (printed, base) = wait_listening(&mut server);
    let token = demo_token(&printed);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let created = rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{base}/v5/boards"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"name": "dated"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        r.json::<serde_json::Value>().await.unwrap()["created_at"]
            .as_str()
            .unwrap()
            .to_string()
    });
    let err = stop_and_read_stderr(server, &base);
    assert!(created.starts_with("2030-06-01T00:0"), "{created}");
    assert!(
        err.contains("the clock starts at 2030-06-01T00:00:00Z"),
        "{err}"
    );

    let refused = pinbox_in(
        dir.path(),
        &["serve", "--ephemeral", "--clock-start", "June"],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("'June' is not an RFC 3339 instant"),
        "{}",
        stderr(&refused)
    );
}
