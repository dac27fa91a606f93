//! Ads entities: campaigns, ad groups and ads under an ad account, each kind a declaration
//! ([`Kind`]) read by one service. Creates and updates take batches and answer per item, as
//! Pinterest does: one bad item is refused with its own exception and the rest go on.

mod ad;
mod ad_group;
mod audience;
mod campaign;
mod conversion_tag;
mod customer_list;
mod customer_list_upload;
mod entity;
mod fields;
mod ids;
mod keyword;
mod kind;
mod label;
mod processing;
mod reads;
mod refusal;
mod status;
mod store;
mod targeting;
mod targeting_template;

pub use ad::AD;
pub use ad_group::AD_GROUP;
pub use audience::AUDIENCE;
pub use campaign::{CAMPAIGN, OBJECTIVE_TYPES};
pub use conversion_tag::CONVERSION_TAG;
pub use customer_list::CUSTOMER_LIST;
pub use customer_list_upload::CUSTOMER_LIST_UPLOAD;
pub use entity::{Entity, EntityChange, EntityQuery, NewEntity};
pub use fields::echo;
pub use keyword::{KEYWORD, MATCH_TYPES};
pub use kind::{
    Action, Body, Exceptions, Filter, Kind, KindId, Lineage, ListParam, ListShape, View, ViewShape,
};
pub use label::LABEL;
pub use reads::AccountEntities;
pub use refusal::Refusal;
pub use store::AdsEntityStore;
pub use targeting::check_targeting_spec;
pub use targeting_template::TARGETING_TEMPLATE;

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::clock::{Clock, Timestamp};
use crate::domain::ad_accounts::{AdAccount, AdAccounts};
use crate::domain::ads::fields::parse_id;
use crate::domain::ads::kind::{Prepare, PromotedPin, RuleInput};
use crate::domain::ads::status::{ENTITY_STATUSES, LISTED_BY_DEFAULT, check_transition};
use crate::domain::boards::Privacy;
use crate::domain::caller::Caller;
use crate::domain::ids::{AdAccountId, PinId};
use crate::domain::page::{Cursor, ListKind, Pages};
use crate::domain::pins::Pins;
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, Result};

/// Every kind, for routing and lookups by id.
pub static KINDS: &[&Kind] = &[
    &CAMPAIGN,
    &AD_GROUP,
    &AD,
    // audiences, customer lists, targeting templates, conversion tags
    &AUDIENCE,
    &CUSTOMER_LIST,
    &CUSTOMER_LIST_UPLOAD,
    &TARGETING_TEMPLATE,
    &CONVERSION_TAG,
    // keywords and labels
    &KEYWORD,
    &LABEL,
];

/// The most entities a list without paging (`ListShape::All`) or a view by account answers.
pub const MAX_UNPAGED: u32 = 1_000;

/// The spec's `maxItems` of every create and update batch.
pub const MAX_BATCH: usize = 30;

/// The fields of a kind's entities under each parent, with the ids of those stored, for the
/// rules of kinds that see siblings.
type Siblings = HashMap<i64, Vec<(Option<i64>, Fields)>>;

/// A parent as an item names it: its id and, when the wire's prefix says, its kind.
type ParentRef = (i64, Option<KindId>);

/// A create item's fields and the parent it names.
type Prepared = (Fields, Option<ParentRef>);

/// An update item and the id it names.
type Target<'a> = (i64, &'a Fields);

/// One item's outcome in a batch.
pub type ItemResult = Checked<Entity>;

/// What an item comes to, or why it was refused.
type Checked<T> = std::result::Result<T, Refusal>;

/// An entity's declared fields, by name.
type Fields = Map<String, Value>;

/// What a list asks for, as the client sent it: each of the kind's id filters with its values,
/// the statuses and the order.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub filters: Vec<(&'static Filter, Vec<String>)>,
    pub statuses: Vec<String>,
    pub ascending: bool,
}

#[derive(Clone)]
pub struct AdsEntities {
    store: Arc<dyn AdsEntityStore>,
    ad_accounts: AdAccounts,
    pins: Pins,
    clock: Clock,
    pages: Pages,
}

fn kind_of(id: KindId) -> &'static Kind {
    KINDS
        .iter()
        .find(|k| k.id == id)
        .expect("every kind is in KINDS")
}

impl AdsEntities {
    pub fn new(
        store: Arc<dyn AdsEntityStore>,
        ad_accounts: AdAccounts,
        pins: Pins,
        clock: Clock,
        pages: Pages,
    ) -> AdsEntities {
        AdsEntities {
            store,
            ad_accounts,
            pins,
            clock,
            pages,
        }
    }

    /// Creates a batch of entities of one kind in the caller's ad account; one outcome per
    /// item, in order.
    pub async fn create(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        items: Vec<Value>,
    ) -> Result<Vec<ItemResult>> {
        let account = self.ad_accounts.get(caller, account).await?;
        check_batch(kind, items.len())?;
        let now = self.clock.now();

        let mut checked: Vec<Checked<Prepared>> = items
            .iter()
            .map(|item| prepare_create(kind, &account, item, now))
            .collect();
        let parents = self
            .parents(
                kind,
                &account,
                checked
                    .iter()
                    .filter_map(|c| Some(c.as_ref().ok()?.1?.0))
                    .collect(),
            )
            .await?;
        let mut siblings = self
            .siblings(kind, &account, parents.keys().copied().collect())
            .await?;

        let mut outcomes: Vec<Option<Refusal>> = Vec::with_capacity(items.len());
        let mut new = Vec::new();
        for (c, item) in checked.drain(..).zip(&items) {
            let made = match c {
                Err(refusal) => Err(refusal),
                Ok((fields, parent)) => {
                    let around = parent
                        .and_then(|(id, _)| siblings.get(&id))
                        .map(Vec::as_slice)
                        .unwrap_or(&[]);
                    self.new_entity(
                        caller, kind, &account, item, fields, parent, &parents, around, now,
                    )
                    .await?
                }
            };
            match made {
                Ok(entity) => {
                    if kind.extras.siblings
                        && let Some(p) = entity.parent_id
                    {
                        siblings
                            .entry(p)
                            .or_default()
                            .push((None, entity.fields.clone()));
                    }
                    outcomes.push(None);
                    new.push(entity);
                }
                Err(refusal) => outcomes.push(Some(refusal)),
            }
        }
        refuse_malformed(kind, outcomes.iter().map(Option::as_ref))?;
        let mut stored = self.store.insert_entities(new).await?.into_iter();
        Ok(outcomes
            .into_iter()
            .map(|o| match o {
                Some(refusal) => Err(refusal),
                None => Ok(stored.next().expect("one stored entity per accepted item")),
            })
            .collect())
    }

    #[allow(clippy::too_many_arguments)]
    async fn new_entity(
        &self,
        caller: &Caller,
        kind: &'static Kind,
        account: &AdAccount,
        original: &Value,
        mut fields: Fields,
        parent_ref: Option<ParentRef>,
        parents: &HashMap<i64, Entity>,
        siblings: &[(Option<i64>, Map<String, Value>)],
        now: Timestamp,
    ) -> Result<Checked<NewEntity>> {
        let parent = match (kind.parent.as_ref(), parent_ref) {
            (Some(p), Some((id, hint))) => match parents
                .get(&id)
                .filter(|e| hint.is_none_or(|k| e.kind == k))
            {
                Some(parent) if parent.status == "ARCHIVED" => {
                    return Ok(Err(Refusal::invalid(format!(
                        "Invalid {} parameters: its {} {id} is archived; nothing new can be \
                         added under it.",
                        kind.label.to_lowercase(),
                        kind_of(parent.kind).label.to_lowercase()
                    ))));
                }
                Some(parent) => {
                    fields.insert(p.field.to_string(), Value::from(id.to_string()));
                    Some(parent)
                }
                None => return Ok(Err(parent_not_found(kind, id))),
            },
            _ => None,
        };
        let pin = match self.promoted_pin(caller, kind, &fields, now).await? {
            Ok(pin) => pin,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if let Err(refusal) = self
            .prepare(kind, account, item_of(original), None, &mut fields, now)
            .await?
        {
            return Ok(Err(refusal));
        }
        let status = fields
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("ACTIVE")
            .to_string();
        let siblings: Vec<&Map<String, Value>> = siblings.iter().map(|(_, f)| f).collect();
        if let Err(refusal) = (kind.rules)(&RuleInput {
            fields: &fields,
            before: None,
            parent,
            pin: pin.as_ref(),
            now,
            siblings: &siblings,
        }) {
            return Ok(Err(refusal));
        }
        Ok(Ok(NewEntity {
            kind: kind.id,
            ad_account_id: account.id,
            env: account.env,
            parent_id: parent.map(|p| p.id),
            root_id: parent.map(|p| p.root_id.unwrap_or(p.id)),
            status,
            fields,
            created_at: now,
        }))
    }

    /// Updates a batch of entities of one kind in the caller's ad account; one outcome per item.
    pub async fn update(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        items: Vec<Value>,
    ) -> Result<Vec<ItemResult>> {
        let account = self.ad_accounts.get(caller, account).await?;
        check_batch(kind, items.len())?;
        let now = self.clock.now();

        let targets: Vec<Checked<Target<'_>>> = items
            .iter()
            .map(|item| {
                let item = as_item(kind, item)?;
                let raw = item.get("id").and_then(Value::as_str).unwrap_or("");
                if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Refusal::malformed(format!(
                        "Invalid {} parameters: 'id' is required, as a string of digits.",
                        kind.label.to_lowercase()
                    )));
                }
                // The spec's shape first: a malformed item refuses the request whatever else
                // is wrong with it.
                fields::check_sent(kind, item)?;
                check_account_field(kind, &account, item)?;
                // Digits too many for an id name no entity.
                Ok((parse_id(raw, "").unwrap_or(-1), item))
            })
            .collect();
        let mut query = EntityQuery::new(kind.id, account.id);
        query.ids = targets
            .iter()
            .filter_map(|t| Some(t.as_ref().ok()?.0))
            .collect();
        let current = self.by_id(query).await?;
        let parents = self
            .parents(
                kind,
                &account,
                current.values().filter_map(|e| e.parent_id).collect(),
            )
            .await?;
        let mut siblings = self
            .siblings(kind, &account, parents.keys().copied().collect())
            .await?;

        let mut outcomes: Vec<Checked<i64>> = Vec::new();
        let mut changes = Vec::new();
        for t in targets {
            let change = match t {
                Err(refusal) => Err(refusal),
                Ok((id, item)) => match current.get(&id) {
                    None => Err(Refusal::not_found(format!(
                        "{} {id} not found in ad account {}.",
                        kind.label, account.id
                    ))),
                    Some(before) => {
                        let parent = before.parent_id.and_then(|p| parents.get(&p));
                        let around: Vec<&Fields> = before
                            .parent_id
                            .and_then(|p| siblings.get(&p))
                            .into_iter()
                            .flatten()
                            .filter(|(id, _)| *id != Some(before.id))
                            .map(|(_, f)| f)
                            .collect();
                        self.change(caller, kind, &account, item, before, parent, &around, now)
                            .await?
                    }
                },
            };
            match change {
                Ok(change) => {
                    if let Some(entry) = current
                        .get(&change.id)
                        .and_then(|b| siblings.get_mut(&b.parent_id?))
                        .and_then(|s| s.iter_mut().find(|(id, _)| *id == Some(change.id)))
                    {
                        entry.1 = change.fields.clone();
                    }
                    outcomes.push(Ok(change.id));
                    changes.push(change);
                }
                Err(refusal) => outcomes.push(Err(refusal)),
            }
        }
        refuse_malformed(kind, outcomes.iter().map(|o| o.as_ref().err()))?;
        let stored: HashMap<i64, Entity> = self
            .store
            .update_entities(changes)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        Ok(outcomes
            .into_iter()
            .map(|o| {
                let id = o?;
                stored
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| Refusal::not_found(format!("{} {id} not found.", kind.label)))
            })
            .collect())
    }

    #[allow(clippy::too_many_arguments)]
    async fn change(
        &self,
        caller: &Caller,
        kind: &'static Kind,
        account: &AdAccount,
        item: &Fields,
        before: &Entity,
        parent: Option<&Entity>,
        siblings: &[&Map<String, Value>],
        now: Timestamp,
    ) -> Result<Checked<EntityChange>> {
        let mut fields = match fields::for_update(kind, item, before) {
            Ok(fields) => fields,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if let Err(refusal) = self
            .prepare(kind, account, item, Some(before), &mut fields, now)
            .await?
        {
            return Ok(Err(refusal));
        }
        let status = fields
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or(&before.status)
            .to_string();
        if let Err(refusal) = check_transition(kind.label, &before.status, &status) {
            return Ok(Err(refusal));
        }
        // A Pin deleted since the ad was made leaves the ad editable; its checks were made then.
        let pin = self
            .promoted_pin(caller, kind, &fields, now)
            .await?
            .ok()
            .flatten();
        let verdict = match (kind.parent.is_some(), parent) {
            (true, None) => Err(Refusal::not_found(format!(
                "Invalid {} parameters: its parent no longer exists.",
                kind.label.to_lowercase()
            ))),
            _ => (kind.rules)(&RuleInput {
                fields: &fields,
                before: Some(before),
                parent,
                pin: pin.as_ref(),
                now,
                siblings,
            }),
        };
        Ok(verdict.map(|()| EntityChange {
            id: before.id,
            status,
            fields,
            updated_at: now,
        }))
    }

    /// Creates one entity (kinds whose create takes one object): the entity, or the item's
    /// refusal as the request's error.
    pub async fn create_one(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        item: Value,
    ) -> Result<Entity> {
        single(self.create(caller, account, kind, vec![item]).await?)
    }

    /// Updates the entity `id` with one object's fields (kinds whose update names the entity
    /// in the path).
    pub async fn update_one(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        id: i64,
        item: Value,
    ) -> Result<Entity> {
        let Value::Object(mut item) = item else {
            return Err(Error::invalid(
                "Invalid request body: expected a JSON object ({...}).",
            ));
        };
        item.insert("id".into(), Value::from(id.to_string()));
        single(
            self.update(caller, account, kind, vec![Value::Object(item)])
                .await?,
        )
    }

    /// Updates the entity the object's `id` names (kinds whose update is a `PATCH` on the
    /// collection with one object).
    pub async fn update_named(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        item: Value,
    ) -> Result<Entity> {
        single(self.update(caller, account, kind, vec![item]).await?)
    }

    /// One entity of the caller's ad account.
    pub async fn get(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        id: i64,
    ) -> Result<Entity> {
        let account = self.ad_accounts.get(caller, account).await?;
        let mut query = EntityQuery::new(kind.id, account.id);
        query.ids = vec![id];
        self.by_id(query)
            .await?
            .remove(&id)
            .ok_or_else(|| not_found(kind, id, account.id))
    }

    /// A page of the caller's ad account's entities of one kind.
    pub async fn list(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        params: ListParams,
        page: PageRequest,
    ) -> Result<Listing<Entity>> {
        self.list_where(caller, account, kind, params, page, |_| true)
            .await
    }

    /// A page of the entities [`AdsEntities::list`] would show that `keep` keeps, for filters on
    /// fields the store does not index (a keyword's match type, a label's type): pages fill up
    /// from as many of the store's pages as they need.
    pub async fn list_where(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        params: ListParams,
        page: PageRequest,
        keep: impl Fn(&Entity) -> bool,
    ) -> Result<Listing<Entity>> {
        let account = self.ad_accounts.get(caller, account).await?;
        let mut query = EntityQuery::new(kind.id, account.id);
        for (filter, values) in params.filters {
            if values.len() > 250 {
                return Err(Error::invalid(format!(
                    "Parameter '{}' takes at most 250 ids.",
                    filter.param
                )));
            }
            let ids = query.ids_on(filter.on);
            for v in values {
                if filter.max_len.is_some_and(|max| v.len() > max) {
                    return Err(Error::invalid(format!(
                        "Parameter '{}' holds an id longer than {} digits.",
                        filter.param,
                        filter.max_len.unwrap_or_default()
                    )));
                }
                // Digits too many for an id name nothing, so they match nothing.
                if !v.is_empty()
                    && v.bytes().all(|b| b.is_ascii_digit())
                    && parse_id(&v, "").is_none()
                {
                    ids.push(-1);
                    continue;
                }
                let id = parse_id(&v, "").ok_or_else(|| {
                    Error::invalid(format!(
                        "Parameter '{}' holds '{}', which is not an id; give ids as digits.",
                        filter.param,
                        v.chars().take(32).collect::<String>()
                    ))
                })?;
                ids.push(id);
            }
        }
        for s in &params.statuses {
            if !ENTITY_STATUSES.contains(&s.as_str()) {
                return Err(Error::invalid(format!(
                    "Parameter 'entity_statuses' has an unknown value '{}'; use one of: {}.",
                    s.chars().take(32).collect::<String>(),
                    ENTITY_STATUSES.join(", ")
                )));
            }
        }
        query.statuses = if params.statuses.is_empty() {
            LISTED_BY_DEFAULT.iter().map(|s| s.to_string()).collect()
        } else {
            params.statuses
        };
        query.ascending = params.ascending;
        let list = ListKind::AdsEntities {
            kind: kind.id.code() as u8,
            ascending: params.ascending,
        };
        self.pages
            .list(
                &page,
                list,
                account.id.0,
                |cursor| async move {
                    let wanted = cursor.limit as usize + 1;
                    let mut kept = Vec::new();
                    let mut after = cursor.after;
                    loop {
                        let rows = self
                            .store
                            .list_entities(query.clone(), Cursor { after, ..cursor })
                            .await?;
                        let exhausted = rows.len() < wanted;
                        after = rows.last().map(|e| e.id);
                        kept.extend(rows.into_iter().filter(|e| keep(e)));
                        if exhausted || kept.len() >= wanted {
                            break;
                        }
                    }
                    kept.truncate(wanted);
                    Ok(kept)
                },
                |e| e.id,
            )
            .await
    }

    /// The fields a read shows: the stored ones, then the kind's derived ones.
    pub fn present(&self, kind: &Kind, entity: &Entity) -> Fields {
        let mut out = entity.fields.clone();
        // Fields named with a leading underscore are pinbox's own (instants, digests), kept
        // for the derived fields and never shown.
        out.retain(|name, _| !name.starts_with('_'));
        for f in kind.fields {
            if f.nullable {
                out.entry(f.name).or_insert(Value::Null);
            }
        }
        (kind.derived)(entity, self.clock.now(), &mut out);
        out
    }

    /// Every entity of a kind the list shows by default, oldest first, up to [`MAX_UNPAGED`]
    /// (lists the spec does not page, and views by account).
    pub async fn all(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
    ) -> Result<Vec<Entity>> {
        let account = self.ad_accounts.get(caller, account).await?;
        let mut query = EntityQuery::new(kind.id, account.id);
        query.statuses = LISTED_BY_DEFAULT.iter().map(|s| s.to_string()).collect();
        query.ascending = true;
        let cursor = crate::domain::page::Cursor {
            after: None,
            limit: MAX_UNPAGED - 1,
        };
        Ok(self.store.list_entities(query, cursor).await?)
    }

    /// Runs a kind's body-less action on one entity, whose parent, when `parent` names one,
    /// must be that one.
    pub async fn act(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        id: i64,
        parent: Option<i64>,
    ) -> Result<Entity> {
        let action = kind
            .extras
            .action
            .as_ref()
            .expect("only kinds with an action are routed to it");
        let entity = self.get_under(caller, account, kind, id, parent).await?;
        let now = self.clock.now();
        let fields = (action.apply)(&entity, now).map_err(Refusal::into_error)?;
        let change = EntityChange {
            id: entity.id,
            status: entity.status.clone(),
            fields,
            updated_at: now,
        };
        self.store
            .update_entities(vec![change])
            .await?
            .pop()
            .ok_or_else(|| not_found(kind, id, entity.ad_account_id))
    }

    /// One entity, which must be a child of `parent` when that is given (a path naming both).
    pub async fn get_under(
        &self,
        caller: &Caller,
        account: AdAccountId,
        kind: &'static Kind,
        id: i64,
        parent: Option<i64>,
    ) -> Result<Entity> {
        let entity = self.get(caller, account, kind, id).await?;
        match parent {
            Some(p) if entity.parent_id != Some(p) => Err(not_found(kind, id, account)),
            _ => Ok(entity),
        }
    }

    /// The entities an item's references name, or the refusal naming the first field that
    /// names none of the ad account's; then the kind's `prepare`.
    async fn prepare(
        &self,
        kind: &Kind,
        account: &AdAccount,
        item: &Map<String, Value>,
        before: Option<&Entity>,
        fields: &mut Map<String, Value>,
        now: Timestamp,
    ) -> Result<std::result::Result<(), Refusal>> {
        let mut refs = Vec::new();
        for r in kind.extras.refs {
            let mut value = Some(&*fields);
            let mut found: Option<&Value> = None;
            for (i, step) in r.path.iter().enumerate() {
                let v = value.and_then(|m| m.get(*step));
                if i + 1 == r.path.len() {
                    found = v;
                } else {
                    value = v.and_then(Value::as_object);
                }
            }
            let raw: Vec<&Value> = match found {
                None | Some(Value::Null) => continue,
                Some(Value::Array(items)) => items.iter().collect(),
                Some(v) => vec![v],
            };
            let mut ids = Vec::new();
            for v in raw {
                match v.as_str().and_then(|s| parse_id(s, "")) {
                    Some(id) => ids.push(id),
                    None => {
                        return Ok(Err(Refusal::invalid(format!(
                            "Invalid {} parameters: '{}' must hold ids (strings of digits).",
                            kind.label.to_lowercase(),
                            r.name()
                        ))));
                    }
                }
            }
            let mut query = EntityQuery::new(r.kind, account.id);
            query.ids = ids.clone();
            query.ids.sort_unstable();
            query.ids.dedup();
            let mut got = self.by_id(query).await?;
            for id in ids {
                match got.remove(&id) {
                    Some(e) if e.status == "ARCHIVED" => {
                        return Ok(Err(Refusal::invalid(format!(
                            "Invalid {} parameters: '{}' names {} {id}, which was removed;                              name one in use.",
                            kind.label.to_lowercase(),
                            r.name(),
                            kind_of(r.kind).label.to_lowercase()
                        ))));
                    }
                    Some(e) => refs.push(e),
                    None if refs.iter().any(|e: &Entity| e.id == id) => {}
                    None => {
                        return Ok(Err(Refusal::not_found(format!(
                            "{} not found: '{}' {id} names no {} in this ad account.",
                            kind_of(r.kind).label,
                            r.name(),
                            kind_of(r.kind).label.to_lowercase()
                        ))));
                    }
                }
            }
        }
        let Some(prepare) = kind.extras.prepare else {
            return Ok(Ok(()));
        };
        Ok(prepare(
            &Prepare {
                item,
                before,
                refs: &refs,
                now,
            },
            fields,
        ))
    }

    async fn by_id(&self, query: EntityQuery) -> Result<HashMap<i64, Entity>> {
        if query.ids.is_empty() {
            return Ok(HashMap::new());
        }
        let limit = query.ids.len() as u32;
        Ok(self
            .store
            .list_entities(query, Cursor { after: None, limit })
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect())
    }

    /// The parents the items name, by id, from the same ad account.
    async fn parents(
        &self,
        kind: &Kind,
        account: &AdAccount,
        ids: Vec<i64>,
    ) -> Result<HashMap<i64, Entity>> {
        let Some(parent) = &kind.parent else {
            return Ok(HashMap::new());
        };
        let mut ids = ids;
        ids.sort_unstable();
        ids.dedup();
        let mut found = HashMap::new();
        let kinds =
            std::iter::once(parent.kind).chain(kind.extras.other_parents.iter().map(|o| o.0));
        for parent_kind in kinds {
            let mut query = EntityQuery::new(parent_kind, account.id);
            query.ids = ids.clone();
            found.extend(self.by_id(query).await?);
        }
        Ok(found)
    }

    /// Every entity of a kind under the given parents, statuses included, when its rules see
    /// siblings.
    async fn siblings(
        &self,
        kind: &Kind,
        account: &AdAccount,
        parent_ids: Vec<i64>,
    ) -> Result<Siblings> {
        let mut out = Siblings::new();
        if !kind.extras.siblings || parent_ids.is_empty() {
            return Ok(out);
        }
        let mut query = EntityQuery::new(kind.id, account.id);
        query.parent_ids = parent_ids;
        query.ascending = true;
        let rows = self
            .store
            .list_entities(
                query,
                Cursor {
                    after: None,
                    limit: u32::MAX - 1,
                },
            )
            .await?;
        for e in rows {
            if let Some(p) = e.parent_id {
                out.entry(p).or_default().push((Some(e.id), e.fields));
            }
        }
        Ok(out)
    }

    /// The Pin an entity promotes, as its rules see it; a refusal when the ad account's owner
    /// has no such Pin in this environment.
    async fn promoted_pin(
        &self,
        caller: &Caller,
        kind: &Kind,
        fields: &Fields,
        now: Timestamp,
    ) -> Result<Checked<Option<PromotedPin>>> {
        let Some(name) = kind.pin_field else {
            return Ok(Ok(None));
        };
        let raw = fields.get(name).and_then(Value::as_str).unwrap_or("");
        let missing = || {
            Refusal::not_found(format!(
                "Pin not found: '{name}' {} is not a Pin of the ad account's owner in this \
                 environment.",
                raw.chars().take(20).collect::<String>()
            ))
        };
        let Some(id) = parse_id(raw, "") else {
            return Ok(Err(missing()));
        };
        match self.pins.find(caller.env, PinId(id)).await? {
            Some(pin) if pin.owner_id == caller.user_id => Ok(Ok(Some(PromotedPin {
                creative_type: pin.creative_type_at(now).as_str(),
                on_secret_board: pin.board_privacy == Privacy::Secret,
            }))),
            _ => Ok(Err(missing())),
        }
    }
}

/// A batch with an item the spec's schema refuses is refused whole, naming the first such
/// item (counted from 0) and what is wrong with it.
fn refuse_malformed<'a>(
    kind: &Kind,
    refusals: impl Iterator<Item = Option<&'a Refusal>>,
) -> Result<()> {
    for (i, refusal) in refusals.enumerate() {
        if let Some(r) = refusal
            && r.malformed
        {
            return Err(Error::invalid(format!(
                "Invalid {} request: item {i}: {}",
                kind.label.to_lowercase(),
                r.message
            )));
        }
    }
    Ok(())
}

fn not_found(kind: &Kind, id: i64, account: AdAccountId) -> Error {
    Error::not_found(
        2,
        format!(
            "{} not found: no {} {id} in ad account {account}.",
            kind.label,
            kind.label.to_lowercase(),
        ),
    )
}

/// The item an outcome was made from, as an object (a create item that is not one was refused
/// before this is asked).
fn item_of(item: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    item.as_object()
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// The one outcome of a one-item batch, a refusal becoming the request's error.
fn single(mut outcomes: Vec<ItemResult>) -> Result<Entity> {
    match outcomes.pop() {
        Some(Ok(entity)) => Ok(entity),
        Some(Err(refusal)) => Err(refusal.into_error()),
        None => Err(Error::invalid("Invalid request: nothing to do.")),
    }
}

/// An id given in a query parameter: digits that fit an id.
pub fn parse_id_param(raw: &str) -> Option<i64> {
    parse_id(raw, "")
}

fn check_batch(kind: &Kind, n: usize) -> Result<()> {
    let max = kind.extras.max_batch;
    if n == 0 || n > max {
        return Err(Error::invalid(format!(
            "Invalid request: send from 1 to {max} {}s in one request (got {n}).",
            kind.label.to_lowercase()
        )));
    }
    Ok(())
}

fn as_item<'a>(kind: &Kind, item: &'a Value) -> Checked<&'a Fields> {
    item.as_object().ok_or_else(|| {
        Refusal::malformed(format!(
            "Invalid {} parameters: each item must be an object.",
            kind.label.to_lowercase()
        ))
    })
}

/// The body's `ad_account_id`, when given, must be the path's.
fn check_account_field(kind: &Kind, account: &AdAccount, item: &Fields) -> Checked<()> {
    match item.get("ad_account_id") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if parse_id(s, "") == Some(account.id.0) => Ok(()),
        Some(Value::String(s))
            if fields::is_digits(s) || s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() =>
        {
            Err(Refusal::invalid(format!(
                "Invalid {} parameters: 'ad_account_id' must be the ad account of the path ({}).",
                kind.label.to_lowercase(),
                account.id
            )))
        }
        Some(_) => Err(Refusal::malformed(format!(
            "Invalid {} parameters: 'ad_account_id' must be the ad account of the path ({}).",
            kind.label.to_lowercase(),
            account.id
        ))),
    }
}

/// A create item's fields and the parent it names.
fn prepare_create(
    kind: &Kind,
    account: &AdAccount,
    item: &Value,
    now: Timestamp,
) -> Checked<Prepared> {
    let item = as_item(kind, item)?;
    // The spec's shape first: a malformed item refuses the request whatever else is wrong.
    let fields = fields::for_create(kind, item, now)?;
    check_account_field(kind, account, item)?;
    let parent = match &kind.parent {
        None => None,
        Some(p) => {
            let raw = fields.get(p.field).and_then(Value::as_str).unwrap_or("");
            let prefixes: Vec<(KindId, &str)> = std::iter::once((p.kind, p.prefix))
                .chain(kind.extras.other_parents.iter().copied())
                .collect();
            let parsed = prefixes.iter().find_map(|&(k, prefix)| {
                let hint = (!prefix.is_empty() && raw.starts_with(prefix)).then_some(k);
                let digits = raw.strip_prefix(prefix).unwrap_or(raw);
                match parse_id(raw, prefix) {
                    Some(id) => Some((id, hint)),
                    // Digits too many for an id match the spec's pattern and name nothing.
                    None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                        Some((-1, hint))
                    }
                    None => None,
                }
            });
            Some(parsed.ok_or_else(|| {
                Refusal::malformed(format!(
                    "Invalid {} parameters: '{}' must be an id (digits, optionally prefixed \
                     {}).",
                    kind.label.to_lowercase(),
                    p.field,
                    prefixes
                        .iter()
                        .map(|(_, prefix)| format!("'{prefix}'"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ))
            })?)
        }
    };
    Ok((fields, parent))
}

fn parent_not_found(kind: &Kind, id: i64) -> Refusal {
    let parent = kind
        .parent
        .as_ref()
        .expect("only kinds with parents look one up");
    let names: Vec<String> = std::iter::once(parent.kind)
        .chain(kind.extras.other_parents.iter().map(|o| o.0))
        .map(|k| kind_of(k).label.to_lowercase())
        .collect();
    Refusal::not_found(format!(
        "{} not found: '{}' {id} names no {} in this ad account.",
        kind_of(parent.kind).label,
        parent.field,
        names.join(" or ")
    ))
}
