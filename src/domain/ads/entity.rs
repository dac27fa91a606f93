//! An ads entity as stored: its ids and lineage, its status (kept apart from the other fields
//! because lists filter on it) and the declared fields of its kind as JSON.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::AdAccountId;

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// The public id. Ads ids grow with creation, as Pinterest's do, so ordering by id is
    /// ordering by age; bookmarks carry it.
    pub id: i64,
    pub kind: KindId,
    pub ad_account_id: AdAccountId,
    pub env: Env,
    pub parent_id: Option<i64>,
    pub root_id: Option<i64>,
    pub status: String,
    /// The kind's declared fields, as the client sent them or they defaulted.
    pub fields: Map<String, Value>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Entity {
    pub fn lineage(&self, which: Lineage) -> Option<i64> {
        match which {
            Lineage::Own => Some(self.id),
            Lineage::Parent => self.parent_id,
            Lineage::Root => self.root_id,
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.fields.get(name).and_then(Value::as_i64)
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}

/// An entity to insert; the store gives it its id.
#[derive(Debug, Clone)]
pub struct NewEntity {
    pub kind: KindId,
    pub ad_account_id: AdAccountId,
    pub env: Env,
    pub parent_id: Option<i64>,
    pub root_id: Option<i64>,
    pub status: String,
    pub fields: Map<String, Value>,
    pub created_at: Timestamp,
}

/// New fields and status for an existing entity.
#[derive(Debug, Clone)]
pub struct EntityChange {
    pub id: i64,
    pub status: String,
    pub fields: Map<String, Value>,
    pub updated_at: Timestamp,
}

/// Which entities of one kind in one ad account a list or lookup wants; empty lists filter
/// nothing.
#[derive(Debug, Clone)]
pub struct EntityQuery {
    pub kind: KindId,
    pub ad_account_id: AdAccountId,
    pub ids: Vec<i64>,
    pub parent_ids: Vec<i64>,
    pub root_ids: Vec<i64>,
    pub statuses: Vec<String>,
    pub ascending: bool,
}

impl EntityQuery {
    pub fn new(kind: KindId, ad_account_id: AdAccountId) -> EntityQuery {
        EntityQuery {
            kind,
            ad_account_id,
            ids: Vec::new(),
            parent_ids: Vec::new(),
            root_ids: Vec::new(),
            statuses: Vec::new(),
            ascending: false,
        }
    }

    pub fn ids_on(&mut self, which: Lineage) -> &mut Vec<i64> {
        match which {
            Lineage::Own => &mut self.ids,
            Lineage::Parent => &mut self.parent_ids,
            Lineage::Root => &mut self.root_ids,
        }
    }
}

/// Which kind an entity is; the number is what the engines store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KindId {
    Campaign = 1,
    AdGroup = 2,
    Ad = 3,
    Audience = 10,
    CustomerList = 11,
    CustomerListUpload = 12,
    TargetingTemplate = 13,
    ConversionTag = 14,
    Keyword = 20,
    Label = 21,
}

impl KindId {
    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<KindId> {
        match code {
            1 => Some(KindId::Campaign),
            2 => Some(KindId::AdGroup),
            3 => Some(KindId::Ad),
            10 => Some(KindId::Audience),
            11 => Some(KindId::CustomerList),
            12 => Some(KindId::CustomerListUpload),
            13 => Some(KindId::TargetingTemplate),
            14 => Some(KindId::ConversionTag),
            20 => Some(KindId::Keyword),
            21 => Some(KindId::Label),
            _ => None,
        }
    }
}

/// One of the ids an entity carries: its own, its parent's, or its top ancestor's (the
/// campaign of an ad group or an ad).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lineage {
    Own,
    Parent,
    Root,
}
