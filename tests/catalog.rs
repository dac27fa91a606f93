//! The operation catalog checked against Pinterest's spec, so the two cannot drift.

use pinbox_testkit::openapi;

use std::collections::{BTreeSet, HashSet};

use pinbox::catalog::scope::Scope;
use pinbox::catalog::{self, Auth, SPEC_OPERATIONS};

fn spec() -> Option<&'static openapi::Spec> {
    openapi::Spec::get()
}

#[test]
fn every_served_operation_matches_the_spec() {
    let Some(spec) = spec() else { return };
    for op in catalog::OPERATIONS {
        let s = spec
            .operation(op.id)
            .unwrap_or_else(|| panic!("{} is not an operation of the spec", op.id));
        assert_eq!(
            s.method,
            op.method.as_str().to_lowercase(),
            "{} method",
            op.id
        );
        assert_eq!(s.path, op.path, "{} path", op.id);
        assert_eq!(
            s.ratelimit_category.as_deref(),
            Some(op.category.as_str()),
            "{} rate-limit category",
            op.id
        );
        assert_eq!(
            s.sandbox.as_deref(),
            Some(op.sandbox.as_str()),
            "{} x-sandbox",
            op.id
        );
        match op.auth {
            Auth::Bearer => {
                let oauth: BTreeSet<String> = s
                    .security
                    .iter()
                    .find(|(scheme, _)| scheme == "pinterest_oauth2")
                    .map(|(_, scopes)| scopes.iter().cloned().collect())
                    .unwrap_or_else(|| panic!("{} has no pinterest_oauth2 requirement", op.id));
                let ours: BTreeSet<String> =
                    op.scopes.iter().map(|s| s.as_str().to_string()).collect();
                assert_eq!(ours, oauth, "{} scopes", op.id);
                let cc = s
                    .security
                    .iter()
                    .find(|(scheme, _)| scheme == "client_credentials");
                assert_eq!(
                    op.client_credentials,
                    cc.is_some(),
                    "{} client_credentials",
                    op.id
                );
                // An app token is checked against `op.scopes` too: that holds only while the spec
                // lists the same scopes for both schemes.
                if let Some((_, cc_scopes)) = cc {
                    let cc_scopes: BTreeSet<String> = cc_scopes.iter().cloned().collect();
                    assert_eq!(cc_scopes, oauth, "{} client_credentials scopes", op.id);
                }
            }
            Auth::ClientBasic => {
                assert!(
                    s.security.iter().any(|(scheme, _)| scheme == "basic"),
                    "{}",
                    op.id
                );
            }
        }
    }
}

#[test]
fn the_catalog_has_no_duplicates() {
    let mut ids = HashSet::new();
    let mut routes = HashSet::new();
    for op in catalog::OPERATIONS {
        assert!(ids.insert(op.id), "{} listed twice", op.id);
        assert!(
            routes.insert((op.method, op.path)),
            "{} {} listed twice",
            op.method.as_str(),
            op.path
        );
    }
}

#[test]
fn the_spec_index_lists_exactly_the_specs_operations() {
    let Some(spec) = spec() else { return };
    let ours: BTreeSet<(String, String, String)> = SPEC_OPERATIONS
        .iter()
        .map(|o| {
            (
                o.method.as_str().to_lowercase(),
                o.path.to_string(),
                o.id.to_string(),
            )
        })
        .collect();
    let theirs: BTreeSet<(String, String, String)> = spec
        .operations()
        .into_iter()
        .map(|o| (o.method, o.path, o.operation_id))
        .collect();
    assert_eq!(
        ours, theirs,
        "src/catalog/spec_index.rs is stale: run scripts/gen-spec-index.py"
    );
}

#[test]
fn scope_names_and_descriptions_match_the_spec() {
    let Some(spec) = spec() else { return };
    let theirs = spec.oauth_scopes();
    assert_eq!(theirs.len(), Scope::ALL.len());
    for (name, description) in theirs {
        let ours = Scope::parse(&name).unwrap_or_else(|| panic!("scope {name} unknown to pinbox"));
        assert_eq!(ours.description(), description, "{name}");
    }
}

#[test]
fn the_router_covers_the_catalog_exactly() {
    // Building the router panics if a served operation lacks a handler or has two.
    let names: HashSet<_> = pinbox::http::endpoints().iter().map(|e| e.op.id).collect();
    let catalog: HashSet<_> = catalog::OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(names, catalog);
}

/// Whether a spec operation writes, by its scopes: what decides Read or Full for agents.
fn writes(op: &catalog::SpecOperation) -> bool {
    op.scopes.iter().any(|s| s.contains(":write"))
        || (op.scopes.is_empty() && op.method != catalog::Method::Get)
}

#[test]
fn every_operation_needs_one_area_at_read_or_full_and_client_operations_none() {
    use pinbox::catalog::area::{self, Area, Level};
    for op in catalog::OPERATIONS {
        let need = area::need(op);
        if op.auth == Auth::ClientBasic {
            assert_eq!(
                need, None,
                "{}: agents never call the OAuth client operations",
                op.id
            );
            continue;
        }
        let need = need.unwrap_or_else(|| panic!("{} maps to no area", op.id));
        let spec = SPEC_OPERATIONS.iter().find(|s| s.id == op.id).unwrap();
        let expected = if writes(spec) {
            Level::Full
        } else {
            Level::Read
        };
        assert_eq!(
            need.level, expected,
            "{}: reads need read, writes full",
            op.id
        );
        assert_eq!(
            need,
            area::need_of(op.id, op.path, writes(spec)),
            "{}",
            op.id
        );
        if op.id == "pins/delete" {
            assert_eq!(need.area, Area::DeletePins);
        }
        if op.id == "boards/delete" {
            assert_eq!(need.area, Area::DeleteBoards);
        }
        if op.id == "pins/create" {
            assert_eq!(need.area, Area::CreatePins);
        }
    }
}

#[test]
fn every_area_is_needed_by_some_operation_of_the_spec_and_the_seeds_five_exist() {
    use pinbox::catalog::area::{self, Area};
    let reached: BTreeSet<Area> = SPEC_OPERATIONS
        .iter()
        .filter(|op| !op.client_basic)
        .map(|op| area::need_of(op.id, op.path, writes(op)).area)
        .collect();
    for a in Area::ALL {
        // Secret content is not an operation's area: it widens what the others see.
        if *a != Area::SecretContent {
            assert!(reached.contains(a), "no operation of the spec needs '{a}'");
        }
    }
    for name in [
        "pins",
        "create_pins",
        "boards",
        "delete_boards",
        "account_analytics",
    ] {
        assert!(
            Area::parse(name).is_some(),
            "the agent seed's area '{name}'"
        );
    }
}
