//! The storage port of agents and their audit log: what the domain asks of every engine.

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::agents::{Agent, AuditFilter, AuditLine};
use crate::domain::ids::AgentId;
use crate::domain::secrets::TokenHash;
use crate::domain::storage::StoreResult;

/// Agents by id and by the hash of their key.
#[async_trait]
pub trait AgentStore: Send + Sync {
    async fn create_agent(&self, agent: Agent, key_hash: TokenHash) -> StoreResult<()>;

    /// Never answered from memory: a revoked key must stop working at once everywhere.
    async fn agent_by_key(&self, hash: &TokenHash) -> StoreResult<Option<Agent>>;

    async fn agent(&self, id: AgentId) -> StoreResult<Option<Agent>>;

    /// Every agent, oldest first.
    async fn agents(&self) -> StoreResult<Vec<Agent>>;

    /// Replaces the agent's grants (`NotFound` when there is no such agent).
    async fn set_agent_grants(&self, agent: &Agent) -> StoreResult<()>;

    /// Marks the agent revoked at `at` unless it already is.
    async fn revoke_agent(&self, id: AgentId, at: Timestamp) -> StoreResult<()>;
}

/// The audit log: appended in batches, read newest first.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, lines: Vec<AuditLine>) -> StoreResult<()>;

    /// Lines matching `filter`, newest first, at most `filter.limit`.
    async fn audit(&self, filter: AuditFilter) -> StoreResult<Vec<AuditLine>>;

    /// Deletes the lines written before `before`; returns how many.
    async fn prune_audit(&self, before: Timestamp) -> StoreResult<u64>;
}
