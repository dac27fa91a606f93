//! How an ads entity kind is declared: its wire name, its operations, its parent, the fields
//! clients may send (with their types, defaults and whether they change after creation), the
//! filters of its list and the rules that are Pinterest's behaviour rather than a field's type.
//! Campaigns, ad groups and ads are each one [`Kind`] value (`campaign.rs`, `ad_group.rs`,
//! `ad.rs`); the service, both engines and the HTTP handlers work from the declaration alone.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
pub use crate::domain::ads::entity::{Entity, KindId, Lineage};
use crate::domain::ads::refusal::Refusal;

/// The declaration of one kind of ads entity.
pub struct Kind {
    pub id: KindId,
    /// The wire's `type` ("campaign", "adgroup", "pinpromotion").
    pub wire_type: &'static str,
    /// How messages name one ("Campaign", "Ad group").
    pub label: &'static str,
    /// The spec's operationIds.
    pub ops: Ops,
    /// The path parameter naming one (`campaign_id`).
    pub path_id: &'static str,
    /// The entity above it, named by a field of its body; `None` for children of the ad account.
    pub parent: Option<Parent>,
    /// Every field a client may send, in the order answers show them.
    pub fields: &'static [Field],
    /// The list's id filters (`campaign_ids`, ...), each on one of the entity's ids.
    pub filters: &'static [Filter],
    /// Pinterest's rules across fields, the parent and the Pin, run after every field has its
    /// type.
    pub rules: fn(&RuleInput<'_>) -> Result<(), Refusal>,
    /// Fields computed on each read (`summary_status`, ...), added to the stored ones.
    pub derived: fn(&Entity, Timestamp, &mut Map<String, Value>),
    /// The field naming a Pin the entity promotes, checked against the ad account's owner.
    pub pin_field: Option<&'static str>,
    /// What kinds beyond the first three need: other entities their fields name, input that
    /// is not stored as sent, other answer shapes; [`Extras::NONE`] for none of it.
    pub extras: &'static Extras,
}

/// A kind's [`Extras::prepare`].
pub type PrepareFn = fn(&Prepare<'_>, &mut Map<String, Value>) -> Result<(), Refusal>;

/// The optional parts of a kind's declaration.
pub struct Extras {
    /// Fields naming other entities of the ad account, looked up before [`Extras::prepare`].
    pub refs: &'static [Ref],
    /// Turns what a create or update sends beyond the declared fields (a customer list's
    /// records, an `operation_type`) into stored fields, and checks what the declared types
    /// cannot; runs after the declared fields are checked and before the rules.
    pub prepare: Option<PrepareFn>,
    /// How the list answers.
    pub list: ListShape,
    /// The wire names of the creation and update times, where the kind shows them.
    pub created_field: Option<&'static str>,
    pub updated_field: Option<&'static str>,
    /// Wraps the created entity's answer (an upload answered with its upload URLs).
    pub created_answer: Option<fn(&Entity, Value) -> Value>,
    /// An operation on one entity named in the path that takes no body (`.../{id}/run`): the
    /// fields it stores.
    pub action: Option<Action>,
    /// Reads of the kind's entities in another shape (`conversion_tags/page_visit`).
    pub views: &'static [View],
    /// Query parameters of the list that the spec types but pinbox does not filter on, checked
    /// so that a value outside the spec's type is refused.
    pub list_params: &'static [ListParam],
    /// Further kinds the parent may be, each with its wire prefix, beside `parent.kind`
    /// (keywords sit on ad groups or on campaigns). Ids are unique across kinds, so an
    /// unprefixed id finds its parent whatever its kind.
    pub other_parents: &'static [(KindId, &'static str)],
    /// Whether the rules see the entity's siblings (same kind, same parent), for limits and
    /// duplicates per parent; they cost one query per batch.
    pub siblings: bool,
    /// The most items one create or update takes.
    pub max_batch: usize,
}

impl Extras {
    pub const NONE: Extras = Extras {
        refs: &[],
        prepare: None,
        list: ListShape::Paged,
        created_field: Some("created_time"),
        updated_field: Some("updated_time"),
        created_answer: None,
        action: None,
        views: &[],
        list_params: &[],
        other_parents: &[],
        siblings: false,
        max_batch: 30,
    };
}

/// A field (or a field of an object field: `rule.customer_list_id`) holding the id, or ids,
/// of entities of `kind` in the same ad account.
pub struct Ref {
    pub path: &'static [&'static str],
    pub kind: KindId,
}

impl Ref {
    pub fn name(&self) -> String {
        self.path.join(".")
    }
}

/// What [`Extras::prepare`] sees: the item as sent, the entity before an update, the entities
/// its references name (in the order of [`Extras::refs`], each found), and the time.
pub struct Prepare<'a> {
    pub item: &'a Map<String, Value>,
    pub before: Option<&'a Entity>,
    pub refs: &'a [Entity],
    pub now: Timestamp,
}

/// A list query parameter, by the spec's type.
pub enum ListParam {
    Bool(&'static str),
    Enum(&'static str, &'static [&'static str]),
}

/// How a kind's list answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListShape {
    /// A page and its bookmark.
    Paged,
    /// Every entity at once, with no bookmark (the spec's list has no paging).
    All,
}

/// A body-less operation on one entity.
pub struct Action {
    pub op: &'static str,
    pub apply: ActionFn,
}

/// What an [`Action`] does: the entity's fields after it, or why it cannot run.
pub type ActionFn = fn(&Entity, Timestamp) -> Result<Map<String, Value>, Refusal>;

/// A read of the kind's entities shown as other items.
pub struct View {
    pub op: &'static str,
    pub shape: ViewShape,
    pub item: fn(&Entity) -> Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewShape {
    /// A bookmark-paged list of the items.
    Paged,
    /// One object whose only key is the ad account's id, holding every item.
    ByAccount,
}

/// The spec's operationIds of a kind, those it has, and how its create and update take bodies.
pub struct Ops {
    pub list: Option<&'static str>,
    pub create: Option<&'static str>,
    pub update: Option<&'static str>,
    pub get: Option<&'static str>,
    pub body: Body,
    /// How a batch answer shows an item's refusal.
    pub exceptions: Exceptions,
}

impl Ops {
    /// The four operations, with batch bodies (campaigns, ad groups, ads).
    pub const fn batch(
        list: &'static str,
        create: &'static str,
        update: &'static str,
        get: &'static str,
    ) -> Ops {
        Ops {
            list: Some(list),
            create: Some(create),
            update: Some(update),
            get: Some(get),
            body: Body::Batch,
            exceptions: Exceptions::List,
        }
    }

    /// The same, with the refusal of an item as one object rather than a list.
    pub const fn one_exception(mut self) -> Ops {
        self.exceptions = Exceptions::One;
        self
    }
}

/// The spec's shape of an item's `exceptions`: a list for campaigns and ad groups, one object
/// for ads (`AdArrayResponseElement`), absent when the item succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceptions {
    List,
    One,
}

/// How a kind's create and update take their bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// An array of up to 30 items, answered per item (`{items: [{data, exceptions}]}`); an
    /// update item names its entity by `id`.
    Batch,
    /// One object, answered with the entity or an error; an update names its entity in the
    /// path (`PATCH .../{path_id}`).
    Single,
    /// One object; a create is answered with the entity, an update names its entity by the
    /// body's `id` (`PATCH` on the collection) and is answered 200 with no body, as the spec
    /// documents it (targeting templates).
    SingleIdInBody,
    /// The array under a key of an object (`{keywords: [...], parent_id}` to create,
    /// `{keywords: [...]}` to update; the parent's field is given once for every item), answered
    /// `{<key>: [entities], errors: [{data, error_messages}]}`: the accepted items and, apart,
    /// the refused ones as sent with their reasons. Create, update and list share one path.
    Wrapped { key: &'static str },
}

/// A parent entity, named in the body by `field`, which the wire may prefix (`C123` for a
/// campaign, `AG123` for an ad group).
pub struct Parent {
    pub field: &'static str,
    pub kind: KindId,
    pub prefix: &'static str,
}

/// An id filter of a list: the query parameter and which of the entity's ids it matches.
#[derive(Debug)]
pub struct Filter {
    pub param: &'static str,
    pub on: Lineage,
    /// The spec's `maxLength` of each value, where it sets one.
    pub max_len: Option<usize>,
}

/// What a field's value must be.
#[derive(Debug, Clone, Copy)]
pub enum Type {
    /// A string of at most this many characters (Pinterest's rule: a longer one refuses its
    /// item).
    Text(usize),
    /// A string of at most this many characters, the spec's own `maxLength` (a longer one is
    /// malformed).
    SpecText(usize),
    /// An integer in a range (micro-currency amounts, Unix times, caps).
    Int {
        min: i64,
        max: i64,
    },
    /// A number in a range.
    Number {
        min: f64,
        max: f64,
    },
    Bool,
    /// One of the listed strings.
    Enum(&'static [&'static str]),
    /// A string of digits (an id).
    Digits,
    /// A string of digits, optionally after this prefix (`AG123`).
    PrefixedDigits(&'static str),
    /// An array of strings, each of at most this many characters.
    Texts(usize),
    /// An array of digit strings (ids).
    DigitsList,
    /// A JSON object, checked by the kind's rules if at all.
    Object,
    /// The spec's `TrackingUrls`: arrays of URLs by event.
    TrackingUrls,
    /// An ad group's targeting spec (the spec's `TargetingSpec`).
    Targeting,
}

/// A literal default, written in a declaration.
#[derive(Debug, Clone, Copy)]
pub enum Lit {
    Null,
    /// The time of the create, in Unix seconds (Pinterest's default start time).
    Now,
    Bool(bool),
    Int(i64),
    Str(&'static str),
}

impl Lit {
    pub fn value(self, now: Timestamp) -> Value {
        match self {
            Lit::Null => Value::Null,
            Lit::Now => Value::from(now.seconds()),
            Lit::Bool(b) => Value::Bool(b),
            Lit::Int(n) => Value::from(n),
            Lit::Str(s) => Value::from(s),
        }
    }
}

/// What a create does when the field is absent.
#[derive(Debug, Clone, Copy)]
pub enum OnCreate {
    Required,
    /// Stays absent (answers show `null` when the field is nullable).
    Optional,
    Default(Lit),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    pub nullable: bool,
    pub on_create: OnCreate,
    /// Whether an update may change it; a read-only field sent unchanged is accepted.
    pub updatable: bool,
    /// Whether an update may send `null` for it, meaning "unchanged" (the spec's update
    /// request makes some required fields nullable).
    pub null_on_update: bool,
}

/// A field, optional and updatable, not nullable; the builder methods below change that.
pub const fn field(name: &'static str, ty: Type) -> Field {
    Field {
        name,
        ty,
        nullable: false,
        on_create: OnCreate::Optional,
        updatable: true,
        null_on_update: false,
    }
}

impl Field {
    pub const fn nullable(mut self) -> Field {
        self.nullable = true;
        self
    }

    pub const fn required(mut self) -> Field {
        self.on_create = OnCreate::Required;
        self
    }

    pub const fn default(mut self, lit: Lit) -> Field {
        self.on_create = OnCreate::Default(lit);
        self
    }

    pub const fn fixed(mut self) -> Field {
        self.updatable = false;
        self
    }

    pub const fn null_on_update(mut self) -> Field {
        self.null_on_update = true;
        self
    }
}

/// What a kind's rules see: the entity's fields as they will be stored, what it was before (on
/// an update), its parent, the Pin it promotes, and the time.
pub struct RuleInput<'a> {
    pub fields: &'a Map<String, Value>,
    pub before: Option<&'a Entity>,
    pub parent: Option<&'a Entity>,
    pub pin: Option<&'a PromotedPin>,
    pub now: Timestamp,
    /// The fields of the other entities of its kind under its parent, those of the same batch
    /// accepted before it included; empty unless the kind's `extra.siblings` asks for them.
    pub siblings: &'a [&'a Map<String, Value>],
}

impl RuleInput<'_> {
    pub fn int(&self, name: &str) -> Option<i64> {
        self.fields.get(name).and_then(Value::as_i64)
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }

    pub fn bool(&self, name: &str) -> bool {
        self.fields
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Whether an update sends `name` with a value other than the stored one.
    pub fn changes(&self, name: &str) -> bool {
        self.before
            .is_some_and(|b| b.fields.get(name) != self.fields.get(name))
    }
}

/// What the rules know of the Pin an ad promotes.
#[derive(Debug, Clone)]
pub struct PromotedPin {
    /// REGULAR, VIDEO or CAROUSEL, as the Pin reads now.
    pub creative_type: &'static str,
    pub on_secret_board: bool,
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}
