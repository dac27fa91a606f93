//! Ads entities over HTTP: every kind's list, batch create, batch update and get, from its
//! declaration (`domain::ads::Kind`). Answers are the kind's declared fields as stored, its
//! derived ones, and the ids and times every kind shows.

use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::domain::ads::{Body, Entity, ItemResult, KINDS, Kind, ListParams};
use crate::domain::caller::Caller;
use crate::domain::ids::AdAccountId;
use crate::error::{Error, Result};
use crate::http::extract::{JsonArray, JsonBody, PathParams, QueryParams};
use crate::http::respond::Json;
use crate::http::state::AppState;
use crate::http::{Endpoint, ads_wrapped, endpoint};

pub fn endpoints() -> Vec<Endpoint> {
    KINDS.iter().flat_map(|kind| kind_endpoints(kind)).collect()
}

fn kind_endpoints(kind: &'static Kind) -> Vec<Endpoint> {
    if let Body::Wrapped { key } = kind.ops.body {
        return ads_wrapped::endpoints(kind, key);
    }
    let mut out = Vec::new();
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
    match kind.ops.body {
        Body::Batch => {
            if let Some(id) = kind.ops.create {
                out.push(endpoint(
                    id,
                    move |State(app): State<AppState>,
                          caller: Caller,
                          path: PathParams,
                          JsonArray(items): JsonArray| async move {
                        let account = account_id(&path)?;
                        let items = app.pinbox.ads.create(&caller, account, kind, items).await?;
                        Ok::<_, Error>(Json(answer(&app, kind, items)))
                    },
                ));
            }
            if let Some(id) = kind.ops.update {
                out.push(endpoint(
                    id,
                    move |State(app): State<AppState>,
                          caller: Caller,
                          path: PathParams,
                          JsonArray(items): JsonArray| async move {
                        let account = account_id(&path)?;
                        let items = app.pinbox.ads.update(&caller, account, kind, items).await?;
                        Ok::<_, Error>(Json(answer(&app, kind, items)))
                    },
                ));
            }
        }
        Body::Single => {
            if let Some(id) = kind.ops.create {
                out.push(endpoint(
                    id,
                    move |State(app): State<AppState>,
                          caller: Caller,
                          path: PathParams,
                          JsonBody(item): JsonBody<Map<String, Value>>| async move {
                        let account = account_id(&path)?;
                        let entity = app
                            .pinbox
                            .ads
                            .create_one(&caller, account, kind, Value::Object(item))
                            .await?;
                        Ok::<_, Error>(Json(render(&app, kind, &entity)))
                    },
                ));
            }
            if let Some(id) = kind.ops.update {
                out.push(endpoint(
                    id,
                    move |State(app): State<AppState>,
                          caller: Caller,
                          path: PathParams,
                          JsonBody(item): JsonBody<Map<String, Value>>| async move {
                        let account = account_id(&path)?;
                        let id = path.id(kind.path_id)?;
                        let entity = app
                            .pinbox
                            .ads
                            .update_one(&caller, account, kind, id, Value::Object(item))
                            .await?;
                        Ok::<_, Error>(Json(render(&app, kind, &entity)))
                    },
                ));
            }
        }
        // Routed by `ads_wrapped`, above.
        Body::Wrapped { .. } => {}
    }
    if let Some(id) = kind.ops.get {
        out.push(endpoint(
            id,
            move |State(app): State<AppState>, caller: Caller, path: PathParams| async move {
                let account = account_id(&path)?;
                let id = path.id(kind.path_id)?;
                let entity = app.pinbox.ads.get(&caller, account, kind, id).await?;
                Ok::<_, Error>(Json(render(&app, kind, &entity)))
            },
        ));
    }
    out
}

fn account_id(path: &PathParams) -> Result<AdAccountId> {
    Ok(AdAccountId(path.id("ad_account_id")?))
}

/// `{items: [{data, exceptions}]}`: each item's entity, or its refusal with no data.
fn answer(app: &AppState, kind: &Kind, items: Vec<ItemResult>) -> Value {
    let items: Vec<Value> = items
        .into_iter()
        .map(|item| match item {
            Ok(entity) => json!({"data": render(app, kind, &entity), "exceptions": []}),
            Err(refusal) => json!({
                "exceptions": [{"code": refusal.code, "message": refusal.message}]
            }),
        })
        .collect();
    json!({ "items": items })
}

async fn list(
    app: AppState,
    caller: Caller,
    path: PathParams,
    query: QueryParams,
    kind: &'static Kind,
) -> Result<Json<Value>> {
    let account = account_id(&path)?;
    let params = ListParams {
        filters: kind
            .filters
            .iter()
            .map(|f| {
                (
                    f,
                    query
                        .list(f.param)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                )
            })
            .filter(|(_, values): &(_, Vec<String>)| !values.is_empty())
            .collect(),
        statuses: query
            .list("entity_statuses")
            .into_iter()
            .map(str::to_string)
            .collect(),
        ascending: query
            .enumerated("order", &["ASCENDING", "DESCENDING"], |o| match o {
                "ASCENDING" => Some(true),
                "DESCENDING" => Some(false),
                _ => None,
            })?
            .unwrap_or(false),
    };
    // Interests are kept as sent (ids); there is no name catalogue to translate them into.
    query.boolean("translate_interests_to_names")?;
    let listing = app
        .pinbox
        .ads
        .list(&caller, account, kind, params, query.page()?)
        .await?;
    let items: Vec<Value> = listing
        .items
        .iter()
        .map(|e| render(&app, kind, e))
        .collect();
    Ok(Json(json!({"items": items, "bookmark": listing.bookmark})))
}

/// One entity as the spec's response schema shows it.
pub fn render(app: &AppState, kind: &Kind, entity: &Entity) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), entity.id.to_string().into());
    out.insert(
        "ad_account_id".into(),
        entity.ad_account_id.to_string().into(),
    );
    for (name, value) in app.pinbox.ads.present(kind, entity) {
        out.insert(name, value);
    }
    for f in kind.fields {
        if f.nullable {
            out.entry(f.name).or_insert(Value::Null);
        }
    }
    out.insert("type".into(), kind.wire_type.into());
    out.insert("created_time".into(), entity.created_at.seconds().into());
    out.insert("updated_time".into(), entity.updated_at.seconds().into());
    Value::Object(out)
}
