//! Ads entity kinds whose bodies wrap their items in an object (`Body::Wrapped`: keywords,
//! labels): `{<key>: [...], parent_id}` to create, `{<key>: [...]}` to update, both answered
//! `{<key>: [...], errors: [{data, error_messages}]}`, and a list on the same path with the
//! kind's own filters.

use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::domain::ads::{Entity, ItemResult, KEYWORD, Kind, LABEL, ListParams, MATCH_TYPES, echo};
use crate::domain::caller::Caller;
use crate::domain::ids::AdAccountId;
use crate::error::{Error, Result};
use crate::http::ads_render::render;
use crate::http::extract::{JsonBody, PathParams, QueryParams, truncate};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::{Endpoint, endpoint};

pub fn endpoints(kind: &'static Kind, key: &'static str) -> Vec<Endpoint> {
    let mut out = Vec::new();
    if let Some(id) = kind.ops.create {
        out.push(endpoint(
            id,
            move |State(app): State<AppState>,
                  caller: Caller,
                  path: PathParams,
                  JsonBody(body): JsonBody<Map<String, Value>>| async move {
                let account = account_id(&path)?;
                let sent = items(&body, key)?;
                let items = with_parent(kind, &body, &sent)?;
                let outcomes = app.pinbox.ads.create(&caller, account, kind, items).await?;
                Ok::<_, Error>(Json(answer(&app, kind, key, &sent, outcomes)))
            },
        ));
    }
    if let Some(id) = kind.ops.update {
        out.push(endpoint(
            id,
            move |State(app): State<AppState>,
                  caller: Caller,
                  path: PathParams,
                  JsonBody(body): JsonBody<Map<String, Value>>| async move {
                let account = account_id(&path)?;
                let sent = items(&body, key)?;
                let outcomes = app
                    .pinbox
                    .ads
                    .update(&caller, account, kind, sent.clone())
                    .await?;
                Ok::<_, Error>(Json(answer(&app, kind, key, &sent, outcomes)))
            },
        ));
    }
    if let Some(id) = kind.ops.list {
        out.push(endpoint(
            id,
            move |State(app): State<AppState>,
                  caller: Caller,
                  path: PathParams,
                  query: QueryParams| async move {
                list(app, caller, path, query, kind).await
            },
        ));
    }
    out
}

fn account_id(path: &PathParams) -> Result<AdAccountId> {
    Ok(AdAccountId(path.id("ad_account_id")?))
}

/// The body's array of items.
fn items(body: &Map<String, Value>, key: &str) -> Result<Vec<Value>> {
    match body.get(key) {
        Some(Value::Array(items)) => Ok(items.clone()),
        Some(_) => Err(Error::invalid(format!(
            "Invalid request body: '{key}' must be an array of objects."
        ))),
        None => Err(Error::invalid(format!(
            "Invalid request body: '{key}' is required: an array of objects."
        ))),
    }
}

/// The items with the body's parent field given to each, as the service reads it per item.
fn with_parent(kind: &Kind, body: &Map<String, Value>, items: &[Value]) -> Result<Vec<Value>> {
    let Some(parent) = &kind.parent else {
        return Ok(items.to_vec());
    };
    let id = match body.get(parent.field) {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(Error::invalid(format!(
                "Invalid request body: '{}' must be a string (an id).",
                parent.field
            )));
        }
        None => {
            return Err(Error::invalid(format!(
                "Invalid request body: '{}' is required.",
                parent.field
            )));
        }
    };
    Ok(items
        .iter()
        .map(|item| match item {
            Value::Object(fields) => {
                let mut fields = fields.clone();
                fields.insert(parent.field.to_string(), Value::from(id.clone()));
                Value::Object(fields)
            }
            other => other.clone(),
        })
        .collect())
}

/// The accepted items as entities, and the refused ones as sent with their reasons.
fn answer(
    app: &AppState,
    kind: &Kind,
    key: &str,
    sent: &[Value],
    outcomes: Vec<ItemResult>,
) -> Value {
    let mut done = Vec::new();
    let mut errors = Vec::new();
    for (item, outcome) in sent.iter().zip(outcomes) {
        match outcome {
            Ok(entity) => done.push(render(app, kind, &entity)),
            Err(refusal) => {
                let mut data = echo(kind, item);
                data.insert("type".into(), kind.wire_type.into());
                errors.push(json!({"data": data, "error_messages": [refusal.message]}));
            }
        }
    }
    json!({ key: done, "errors": errors })
}

/// Each value of a list parameter, which must be one of `allowed`.
fn one_of(query: &QueryParams, name: &str, allowed: &[&str]) -> Result<Vec<String>> {
    query
        .list(name)
        .into_iter()
        .map(|v| {
            if allowed.contains(&v) {
                Ok(v.to_string())
            } else {
                Err(Error::invalid(format!(
                    "Parameter '{name}' has an unknown value '{}'; use one of: {}.",
                    truncate(v, 64),
                    allowed.join(", ")
                )))
            }
        })
        .collect()
}

async fn list(
    app: AppState,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
    kind: &'static Kind,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let mut params = ListParams {
        ascending: true,
        ..ListParams::default()
    };
    for f in kind.filters {
        let values: Vec<String> = query
            .list(f.param)
            .into_iter()
            .map(str::to_string)
            .collect();
        if !values.is_empty() {
            params.filters.push((f, values));
        }
    }
    let keep: Box<dyn Fn(&Entity) -> bool + Send + Sync> = if std::ptr::eq(kind, &KEYWORD) {
        let types = one_of(&query, "match_types", MATCH_TYPES)?;
        if types.len() > MATCH_TYPES.len() {
            return Err(Error::invalid(
                "Parameter 'match_types' takes at most 5 values.",
            ));
        }
        // Archived keywords leave their parent's list, as Pinterest documents.
        Box::new(move |e: &Entity| {
            e.fields.get("archived") != Some(&Value::Bool(true))
                && (types.is_empty()
                    || e.str("match_type")
                        .is_some_and(|m| types.iter().any(|t| t == m)))
        })
    } else if std::ptr::eq(kind, &LABEL) {
        let statuses = one_of(&query, "entity_statuses", &["ACTIVE", "ARCHIVED"])?;
        params.statuses = if statuses.is_empty() {
            vec!["ACTIVE".into()]
        } else {
            statuses
        };
        let types = one_of(&query, "label_types", &["BRAND", "CUSTOM"])?;
        Box::new(move |e: &Entity| {
            types.is_empty()
                || e.str("label_type")
                    .is_some_and(|m| types.iter().any(|t| t == m))
        })
    } else {
        Box::new(|_: &Entity| true)
    };
    let listing = app
        .pinbox
        .ads
        .list_where(&caller, account, kind, params, query.page()?, keep)
        .await?;
    let items: Vec<Value> = listing
        .items
        .iter()
        .map(|e| render(&app, kind, e))
        .collect();
    Ok(Json(json!({"items": items, "bookmark": listing.bookmark})))
}
