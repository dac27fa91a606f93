//! An ads entity as the spec's response schemas show it: its ids, its declared and derived
//! fields, its type and times. Every ads handler answers through it.

use serde_json::{Map, Value};

use crate::domain::ads::{Entity, Kind};
use crate::http::state::AppState;

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
    if !kind.wire_type.is_empty() {
        out.insert("type".into(), kind.wire_type.into());
    }
    if let Some(name) = kind.extras.created_field {
        out.insert(name.into(), entity.created_at.seconds().into());
    }
    if let Some(name) = kind.extras.updated_field {
        out.insert(name.into(), entity.updated_at.seconds().into());
    }
    Value::Object(out)
}
