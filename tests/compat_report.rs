//! docs/operations.md is the compatibility report `pinbox compat` prints: it must be current.

#[path = "support/openapi.rs"]
mod openapi;

#[test]
fn the_committed_operations_table_matches_the_catalog_and_the_spec() {
    if openapi::Spec::get().is_none() {
        return;
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/pinterest-openapi/openapi.json"
    );
    let spec_path = std::env::var("PINBOX_SPEC").unwrap_or_else(|_| path.to_string());
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(spec_path).unwrap()).unwrap();
    let rows = pinbox::cli::compat::rows(&spec);
    assert_eq!(rows.len(), 231);
    assert_eq!(
        rows.iter().filter(|r| r.served).count(),
        pinbox::catalog::OPERATIONS.len()
    );
    let expected = pinbox::cli::compat::markdown(&rows);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/operations.md"))
            .unwrap();
    assert!(
        committed == expected,
        "docs/operations.md is stale: run `cargo run -- compat --write docs/operations.md`"
    );
}
