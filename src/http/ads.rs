//! Ads entities over HTTP: every kind's list, batch create, batch update and get, from its
//! declaration (`domain::ads::Kind`). Answers are the kind's declared fields as stored, its
//! derived ones, and the ids and times every kind shows.

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::domain::ads::{
    Body, Exceptions, ItemResult, KINDS, Kind, ListParam, ListParams, ListShape, ViewShape,
};
use crate::domain::caller::Caller;
use crate::domain::ids::AdAccountId;
use crate::error::{Error, Result};
use crate::http::ads_render::render;
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
        // Routed by `ads_wrapped`, above.
        Body::Wrapped { .. } => {}
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
        Body::Single | Body::SingleIdInBody => {
            if let Some(id) = kind.ops.create {
                out.push(endpoint(
                    id,
                    move |State(app): State<AppState>,
                          caller: Caller,
                          path: PathParams,
                          JsonBody(mut item): JsonBody<Map<String, Value>>| async move {
                        let account = account_id(&path)?;
                        // A parent the path names (`.../customer_lists/{customer_list_id}/uploads`)
                        // is the one the entity goes under, whatever the body says.
                        if let Some(p) = &kind.parent
                            && !path.raw(p.field).is_empty()
                        {
                            item.insert(p.field.into(), path.raw(p.field).into());
                        }
                        let entity = app
                            .pinbox
                            .ads
                            .create_one(&caller, account, kind, Value::Object(item))
                            .await?;
                        let answer = render(&app, kind, &entity);
                        Ok::<_, Error>(Json(match kind.extras.created_answer {
                            Some(wrap) => wrap(&entity, answer),
                            None => answer,
                        }))
                    },
                ));
            }
        }
    }
    match kind.ops.body {
        Body::Batch | Body::Wrapped { .. } => {}
        Body::SingleIdInBody => {
            if let Some(id) = kind.ops.update {
                out.push(endpoint(
                    id,
                    move |State(app): State<AppState>,
                          caller: Caller,
                          path: PathParams,
                          JsonBody(item): JsonBody<Map<String, Value>>| async move {
                        let account = account_id(&path)?;
                        app.pinbox
                            .ads
                            .update_named(&caller, account, kind, Value::Object(item))
                            .await?;
                        Ok::<_, Error>(StatusCode::OK)
                    },
                ));
            }
        }
        Body::Single => {
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
    }
    if let Some(id) = kind.ops.get {
        out.push(endpoint(
            id,
            move |State(app): State<AppState>, caller: Caller, path: PathParams| async move {
                let account = account_id(&path)?;
                let id = path.id(kind.path_id)?;
                let entity = app
                    .pinbox
                    .ads
                    .get_under(&caller, account, kind, id, parent_in_path(kind, &path)?)
                    .await?;
                Ok::<_, Error>(Json(render(&app, kind, &entity)))
            },
        ));
    }
    if let Some(action) = &kind.extras.action {
        out.push(endpoint(
            action.op,
            move |State(app): State<AppState>, caller: Caller, path: PathParams| async move {
                let account = account_id(&path)?;
                let id = path.id(kind.path_id)?;
                let parent = parent_in_path(kind, &path)?;
                let entity = app
                    .pinbox
                    .ads
                    .act(&caller, account, kind, id, parent)
                    .await?;
                Ok::<_, Error>(Json(render(&app, kind, &entity)))
            },
        ));
    }
    for view in kind.extras.views {
        out.push(endpoint(
            view.op,
            move |State(app): State<AppState>,
                  caller: Caller,
                  path: PathParams,
                  query: QueryParams| async move {
                let account = account_id(&path)?;
                let answer = match view.shape {
                    ViewShape::Paged => {
                        let listing = app
                            .pinbox
                            .ads
                            .list(
                                &caller,
                                account,
                                kind,
                                ListParams {
                                    ascending: order(&query)?,
                                    ..ListParams::default()
                                },
                                query.page()?,
                            )
                            .await?;
                        let items: Vec<Value> = listing.items.iter().map(view.item).collect();
                        json!({"items": items, "bookmark": listing.bookmark})
                    }
                    ViewShape::ByAccount => {
                        let all = app.pinbox.ads.all(&caller, account, kind).await?;
                        let items: Vec<Value> = all.iter().map(view.item).collect();
                        json!({ account.to_string(): items })
                    }
                };
                Ok::<_, Error>(Json(answer))
            },
        ));
    }
    out
}

/// The parent id a path names beside the entity's own, for kinds whose path holds both.
fn parent_in_path(kind: &Kind, path: &PathParams) -> Result<Option<i64>> {
    match &kind.parent {
        Some(p) if !path.raw(p.field).is_empty() => Ok(Some(path.id(p.field)?)),
        _ => Ok(None),
    }
}

fn order(query: &QueryParams) -> Result<bool> {
    Ok(query
        .enumerated("order", &["ASCENDING", "DESCENDING"], |o| match o {
            "ASCENDING" => Some(true),
            "DESCENDING" => Some(false),
            _ => None,
        })?
        .unwrap_or(false))
}

fn account_id(path: &PathParams) -> Result<AdAccountId> {
    Ok(AdAccountId(path.id("ad_account_id")?))
}

/// `{items: [{data, exceptions}]}`: each item's entity, or its refusal with no data.
fn answer(app: &AppState, kind: &Kind, items: Vec<ItemResult>) -> Value {
    let items: Vec<Value> = items
        .into_iter()
        .map(|item| match (item, kind.ops.exceptions) {
            (Ok(entity), Exceptions::List) => {
                json!({"data": render(app, kind, &entity), "exceptions": []})
            }
            (Ok(entity), Exceptions::One) => json!({"data": render(app, kind, &entity)}),
            (Err(refusal), Exceptions::List) => json!({
                "exceptions": [{"code": refusal.code, "message": refusal.message}]
            }),
            (Err(refusal), Exceptions::One) => json!({
                "exceptions": {"code": refusal.code, "message": refusal.message}
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
    for param in kind.extras.list_params {
        match param {
            ListParam::Bool(name) => {
                query.boolean(name)?;
            }
            ListParam::Enum(name, values) => {
                query.enumerated(name, values, |v| values.contains(&v).then_some(()))?;
            }
        }
    }
    if kind.extras.list == ListShape::All {
        let all = app.pinbox.ads.all(&caller, account, kind).await?;
        let items: Vec<Value> = all.iter().map(|e| render(&app, kind, e)).collect();
        return Ok(Json(json!({ "items": items })));
    }
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
        ascending: order(&query)?,
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
