//! `pinbox compat` reports on the whole spec from the binary alone, and docs/operations.md is
//! the report it prints: it must be current.

use pinbox_testkit::openapi;

mod common;
use common::cli;

use std::process::{Command, Output};

use pinbox::cli::compat;

fn spec_json() -> Option<serde_json::Value> {
    openapi::Spec::get()?;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/pinterest-openapi/openapi.json"
    );
    let spec_path = std::env::var("PINBOX_SPEC").unwrap_or_else(|_| path.to_string());
    Some(serde_json::from_str(&std::fs::read_to_string(spec_path).unwrap()).unwrap())
}

/// `pinbox compat ARGS` run in a directory with no `../shared` beside it.
fn compat_in_empty_dir(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("elsewhere");
    std::fs::create_dir(&cwd).unwrap();
    Command::new(cli::BIN)
        .arg("compat")
        .args(args)
        .current_dir(&cwd)
        .env_remove("PINBOX_SPEC")
        .output()
        .expect("run pinbox compat")
}

#[test]
fn the_committed_operations_table_matches_the_catalog_and_the_spec() {
    let rows = compat::index_rows();
    assert_eq!(
        rows.iter().filter(|r| r.served).count(),
        pinbox::catalog::OPERATIONS.len()
    );
    let expected = compat::markdown(&rows);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/operations.md"))
            .unwrap();
    assert!(
        committed == expected,
        "docs/operations.md is stale: run `cargo run -- compat --write docs/operations.md`"
    );
}

#[test]
fn the_built_in_index_says_what_the_spec_says_of_every_operation() {
    let Some(spec) = spec_json() else { return };
    let from_spec = compat::rows(&spec);
    assert_eq!(from_spec.len(), 231);
    let index = compat::index_rows();
    assert_eq!(index.len(), from_spec.len());
    for (ours, theirs) in index.iter().zip(&from_spec) {
        assert_eq!(
            ours, theirs,
            "src/catalog/spec_index.rs is stale: run scripts/gen-spec-index.py"
        );
    }
    assert_eq!(compat::differences(&from_spec, &compat::index_rows()), None);
}

#[test]
fn compat_works_from_the_binary_alone() {
    let total = pinbox::catalog::SPEC_OPERATIONS.len();
    let served = pinbox::catalog::OPERATIONS.len();

    let text = compat_in_empty_dir(&[]);
    let out = cli::stdout(&text);
    assert!(
        out.ends_with(&format!(
            "served {served} of the {total} operations in the spec\n"
        )),
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("yes ")).count(),
        served
    );
    assert!(
        text.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );

    let json: serde_json::Value =
        serde_json::from_str(&cli::stdout(&compat_in_empty_dir(&["--json"]))).unwrap();
    assert_eq!(json["total"], total);
    assert_eq!(json["served"], served);
    let create = json["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation_id"] == "pins/create")
        .unwrap();
    assert_eq!(
        create["scopes"],
        serde_json::json!(["boards:read", "boards:write", "pins:read", "pins:write"])
    );
    assert_eq!(create["category"], "org_write");
    assert_eq!(create["sandbox"], "enabled");

    let markdown = cli::stdout(&compat_in_empty_dir(&["--markdown"]));
    assert_eq!(
        markdown,
        compat::markdown(&compat::index_rows()),
        "the Markdown report is docs/operations.md"
    );
}

#[test]
fn a_spec_file_that_differs_from_the_built_in_one_is_reported() {
    let Some(mut spec) = spec_json() else { return };
    let paths = spec["paths"].as_object_mut().unwrap();
    paths.remove("/boards/{board_id}/sections/{section_id}");
    paths["/pins"]["post"]["x-ratelimit-category"] = "org_read".into();
    paths.insert(
        "/brand_new".into(),
        serde_json::json!({"get": {"operationId": "brand_new/get", "x-sandbox": "enabled"}}),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_string(&spec).unwrap()).unwrap();

    let out = compat_in_empty_dir(&["--spec", file.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_str(&cli::stdout(&out)).unwrap();
    assert_eq!(report["total"], 231 - 2 + 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("only in this spec (1): brand_new/get"),
        "{err}"
    );
    assert!(
        err.contains("only in pinbox's index (2): board_sections/update, board_sections/delete"),
        "{err}"
    );
    assert!(
        err.contains("described differently (1): pins/create"),
        "{err}"
    );

    let missing = compat_in_empty_dir(&["--spec", "no-such-file.json"]);
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("cannot read the spec at no-such-file.json"),
        "{err}"
    );
}
