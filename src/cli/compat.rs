//! `pinbox compat`: every operation of Pinterest's spec with whether pinbox serves it, its
//! scopes, rate-limit category and Sandbox availability. The binary carries the spec's index
//! (`catalog::SPEC_OPERATIONS`), so the report needs no file; `--spec` reports on a spec file
//! instead and says where it differs from the one pinbox was built from.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde_json::Value;

use crate::catalog::area;
use crate::catalog::{self, SPEC_OPERATIONS, SPEC_VERSION, SpecOperation};

#[derive(Args)]
pub struct CompatArgs {
    /// Report on this copy of Pinterest's OpenAPI description (JSON) instead of the one built
    /// into pinbox, and say where the two differ.
    #[arg(long, env = "PINBOX_SPEC", value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Print Markdown (the table in docs/operations.md) instead of plain text.
    #[arg(long, conflicts_with = "json")]
    markdown: bool,
    /// Print JSON, for scripts (the conformance run reads it).
    #[arg(long)]
    json: bool,
    /// Write the Markdown table to this file instead of printing it.
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
}

/// One operation of the spec as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub method: String,
    pub path: String,
    pub served: bool,
    pub scopes: Vec<String>,
    pub client_credentials: bool,
    /// `client_basic` for the OAuth token endpoints (HTTP Basic with the app id and secret),
    /// `bearer` for everything else.
    pub auth: &'static str,
    pub category: String,
    pub sandbox: String,
    /// The agents' area and level the operation needs (`-` for the OAuth client operations).
    pub agent_area: String,
}

/// What an agent needs for the operation, from its id, path and scopes as the report has them.
fn agent_area(id: &str, method: &str, path: &str, scopes: &[String], client_basic: bool) -> String {
    if client_basic {
        return "-".into();
    }
    let writes = area::writes(scopes.iter().map(String::as_str), method);
    let need = area::need_of(id, path, writes);
    format!("{} {}", need.area, need.level)
}

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// Every operation of the spec pinbox was built from, in the spec's order, marked served or not.
pub fn index_rows() -> Vec<Row> {
    SPEC_OPERATIONS.iter().map(index_row).collect()
}

fn index_row(op: &SpecOperation) -> Row {
    let mut scopes: Vec<String> = op.scopes.iter().map(|s| s.to_string()).collect();
    if op.client_basic && scopes.is_empty() {
        scopes.push("(app id and secret)".into());
    }
    Row {
        id: op.id.to_string(),
        method: op.method.as_str().to_string(),
        path: op.path.to_string(),
        served: catalog::by_id(op.id).is_some(),
        scopes,
        client_credentials: op.client_credentials,
        auth: if op.client_basic {
            "client_basic"
        } else {
            "bearer"
        },
        category: op.category.unwrap_or("-").to_string(),
        sandbox: op.sandbox.unwrap_or("-").to_string(),
        agent_area: agent_area(
            op.id,
            op.method.as_str(),
            op.path,
            &scopes_of(op),
            op.client_basic,
        ),
    }
}

fn scopes_of(op: &SpecOperation) -> Vec<String> {
    op.scopes.iter().map(|s| s.to_string()).collect()
}

/// Every operation of a spec file, in the spec's order, marked served or not.
pub fn rows(spec: &Value) -> Vec<Row> {
    let mut out = Vec::new();
    let Some(paths) = spec["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        for &method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            let mut scopes = Vec::new();
            let mut client_credentials = false;
            let mut auth = "bearer";
            for req in op["security"].as_array().into_iter().flatten() {
                for (scheme, list) in req.as_object().into_iter().flatten() {
                    match scheme.as_str() {
                        "pinterest_oauth2" => {
                            scopes = list
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|s| s.as_str().map(str::to_string))
                                .collect()
                        }
                        "client_credentials" => client_credentials = true,
                        "basic" => {
                            auth = "client_basic";
                            if scopes.is_empty() {
                                scopes = vec!["(app id and secret)".into()];
                            }
                        }
                        _ => {}
                    }
                }
            }
            let scopes_for_area: Vec<String> = scopes
                .iter()
                .filter(|s| !s.starts_with('('))
                .cloned()
                .collect();
            out.push(Row {
                agent_area: agent_area(&id, method, path, &scopes_for_area, auth == "client_basic"),
                served: catalog::by_id(&id).is_some(),
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                scopes,
                client_credentials,
                auth,
                category: op["x-ratelimit-category"]
                    .as_str()
                    .unwrap_or("-")
                    .to_string(),
                sandbox: op["x-sandbox"].as_str().unwrap_or("-").to_string(),
            });
        }
    }
    out
}

/// The Markdown report: a table of every operation, served ones first, and the totals.
pub fn markdown(rows: &[Row]) -> String {
    let served = rows.iter().filter(|r| r.served).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Operations of Pinterest's API v5 and what pinbox serves\n\n\
         Generated by `pinbox compat --write docs/operations.md` from the operation catalog and\n\
         Pinterest's OpenAPI {SPEC_VERSION}; `tests/compat_report.rs` fails when it is stale. Behaviour and\n\
         differences are in [compatibility.md](compatibility.md).\n\n\
         | operationId | method and path | served | scopes | client credentials | rate-limit category | Sandbox | agent area |\n\
         |---|---|---|---|---|---|---|---|"
    );
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by_key(|r| !r.served);
    for r in sorted {
        let _ = writeln!(
            out,
            "| `{}` | `{} /v5{}` | {} | {} | {} | {} | {} | {} |",
            r.id,
            r.method,
            r.path,
            if r.served { "yes" } else { "no" },
            if r.scopes.is_empty() {
                "-".to_string()
            } else {
                r.scopes.join(", ")
            },
            if r.client_credentials { "yes" } else { "no" },
            r.category,
            r.sandbox,
            r.agent_area
        );
    }
    let _ = writeln!(
        out,
        "\n**Served: {served} of {} operations in the spec.**",
        rows.len()
    );
    out
}

fn json(rows: &[Row]) -> Value {
    serde_json::json!({
        "operations": rows.iter().map(|r| serde_json::json!({
            "operation_id": r.id,
            "method": r.method,
            "path": r.path,
            "served": r.served,
            "scopes": r.scopes,
            "client_credentials": r.client_credentials,
            "auth": r.auth,
            "category": r.category,
            "sandbox": r.sandbox,
            "agent_area": r.agent_area,
        })).collect::<Vec<_>>(),
        "served": rows.iter().filter(|r| r.served).count(),
        "total": rows.len(),
    })
}

fn text(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        let _ = writeln!(
            out,
            "{:<4} {:<48} {:<7} {:<62} {:<14} {}",
            if r.served { "yes" } else { "-" },
            r.id,
            r.method,
            r.path,
            r.category,
            r.sandbox
        );
    }
    let served = rows.iter().filter(|r| r.served).count();
    let _ = writeln!(
        out,
        "\nserved {served} of the {} operations in the spec",
        rows.len()
    );
    out
}

/// How a spec file differs from the index pinbox was built from, or `None` when it does not.
pub fn differences(from_file: &[Row], built_in: &[Row]) -> Option<String> {
    let ids = |rows: &[Row]| -> Vec<String> { rows.iter().map(|r| r.id.clone()).collect() };
    let (file_ids, index_ids) = (ids(from_file), ids(built_in));
    let added: Vec<&String> = file_ids
        .iter()
        .filter(|id| !index_ids.contains(id))
        .collect();
    let removed: Vec<&String> = index_ids
        .iter()
        .filter(|id| !file_ids.contains(id))
        .collect();
    let changed: Vec<&String> = from_file
        .iter()
        .filter(|r| built_in.iter().any(|b| b.id == r.id && b != *r))
        .map(|r| &r.id)
        .collect();
    if added.is_empty() && removed.is_empty() && changed.is_empty() {
        return None;
    }
    let list = |what: &str, ids: &[&String]| -> String {
        if ids.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
            format!("\n  {what} ({}): {}", ids.len(), names.join(", "))
        }
    };
    Some(format!(
        "this spec differs from Pinterest's OpenAPI {SPEC_VERSION}, which pinbox was built from:{}{}{}",
        list("only in this spec", &added),
        list("only in pinbox's index", &removed),
        list("described differently", &changed),
    ))
}

pub fn run(args: CompatArgs) -> anyhow::Result<()> {
    let rows = match &args.spec {
        None => index_rows(),
        Some(path) => {
            let text_in = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!(
                    "cannot read the spec at {} (--spec or PINBOX_SPEC): {e}; without either, \
                     pinbox reports on the spec it was built from",
                    path.display()
                )
            })?;
            let spec: Value = serde_json::from_str(&text_in).map_err(|e| {
                anyhow::anyhow!("{} is not Pinterest's OpenAPI JSON: {e}", path.display())
            })?;
            let from_file = rows(&spec);
            if from_file.is_empty() {
                anyhow::bail!(
                    "{} has no operations under \"paths\": is it Pinterest's OpenAPI description?",
                    path.display()
                );
            }
            if let Some(note) = differences(&from_file, &index_rows()) {
                eprintln!("pinbox compat: {note}");
            }
            from_file
        }
    };
    if let Some(path) = args.write {
        std::fs::write(&path, markdown(&rows))?;
        eprintln!("wrote {}", path.display());
    } else if args.json {
        println!("{}", serde_json::to_string_pretty(&json(&rows))?);
    } else if args.markdown {
        print!("{}", markdown(&rows));
    } else {
        print!("{}", text(&rows));
    }
    Ok(())
}
