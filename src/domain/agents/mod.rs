//! AI agents: keys that call the API as their user, limited to the areas they are granted
//! (Off, Read or Full each; Off until granted), and the audit log of every call they make,
//! allowed or denied, in plain English.

mod audit_writer;
mod describe;
pub mod grants;
mod store;

pub use audit_writer::AuditWriter;
pub use describe::{Outcome, Touched, describe};
pub use grants::Grants;
pub use store::{AgentStore, AuditStore};

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;

use crate::catalog::Operation;
use crate::catalog::area::{self, Area, Level, Need};
use crate::clock::{Clock, Timestamp};
use crate::domain::apps::Tier;
use crate::domain::caller::{AgentRef, Caller};
use crate::domain::env::Env;
use crate::domain::ids::{AgentId, AppId, TokenId, UserId};
use crate::domain::secrets::{TokenHash, hash_secret};
use crate::error::{Error, Result};

/// The prefix of every agent key, so that a key is told from a token at a glance.
pub const KEY_PREFIX: &str = "pinag_";

/// How long audit lines are kept unless configured otherwise.
pub const DEFAULT_AUDIT_RETENTION: Duration = Duration::from_secs(90 * 24 * 3600);

/// One agent as stored (never its key).
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: AgentId,
    /// Whom it acts as; `None` in gateway mode, where every agent acts as the upstream token's
    /// user.
    pub user_id: Option<UserId>,
    pub env: Env,
    pub name: String,
    pub grants: Grants,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// One audited call.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditLine {
    /// The log's own order, newest highest (0 before it is written).
    pub seq: i64,
    pub at: Timestamp,
    pub agent_id: AgentId,
    pub agent_name: String,
    pub user_id: Option<UserId>,
    pub env: Env,
    /// The spec's operationId.
    pub operation: String,
    /// What the agent did or tried, in plain English.
    pub action: String,
    /// The HTTP status of the answer.
    pub status: u16,
    pub allowed: bool,
    /// Why it was allowed or denied.
    pub reason: String,
}

/// Which lines to read: newest first, optionally before a line (`before_seq`, for paging).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub agent: Option<AgentId>,
    pub user: Option<UserId>,
    pub since: Option<Timestamp>,
    pub before_seq: Option<i64>,
    pub limit: usize,
}

/// Who made a call, as the audit log names it.
#[derive(Debug, Clone)]
pub struct Who {
    pub agent_id: AgentId,
    pub agent_name: String,
    pub user_id: Option<UserId>,
    pub env: Env,
}

impl Who {
    pub fn of(agent: &Agent) -> Who {
        Who {
            agent_id: agent.id,
            agent_name: agent.name.clone(),
            user_id: agent.user_id,
            env: agent.env,
        }
    }
}

/// An agent as created: the record, and its key in clear text, shown once.
pub struct CreatedAgent {
    pub agent: Agent,
    pub key: String,
}

#[derive(Clone)]
pub struct Agents {
    store: Arc<dyn AgentStore>,
    audit: Arc<dyn AuditStore>,
    writer: AuditWriter,
    clock: Clock,
}

impl Agents {
    /// Starts the audit writer on the current runtime.
    pub fn new(store: Arc<dyn AgentStore>, audit: Arc<dyn AuditStore>, clock: Clock) -> Agents {
        Agents {
            store,
            writer: AuditWriter::start(audit.clone()),
            audit,
            clock,
        }
    }

    /// A new agent with every area off.
    pub async fn create(&self, user: Option<UserId>, name: &str, env: Env) -> Result<CreatedAgent> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid(
                "An agent's name must have 1 to 100 characters.".to_string(),
            ));
        }
        crate::domain::text::check_characters("name", name, crate::domain::text::TextKind::Name)?;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let key = format!("{KEY_PREFIX}{}", hex(&bytes));
        let agent = Agent {
            id: AgentId::random(),
            user_id: user,
            env,
            name: name.to_string(),
            grants: Grants::default(),
            created_at: self.clock.now(),
            revoked_at: None,
        };
        self.store
            .create_agent(agent.clone(), hash_secret(&key))
            .await?;
        Ok(CreatedAgent { agent, key })
    }

    pub async fn list(&self) -> Result<Vec<Agent>> {
        Ok(self.store.agents().await?)
    }

    pub async fn get(&self, id: AgentId) -> Result<Agent> {
        self.store.agent(id).await?.ok_or_else(|| {
            Error::not_found(
                404,
                format!("Agent {id} not found: `pinbox agent list` shows the agents."),
            )
        })
    }

    /// Sets one area's level; answers the agent as it now is.
    pub async fn grant(&self, id: AgentId, area: Area, level: Level) -> Result<Agent> {
        let mut agent = self.get(id).await?;
        agent.grants.set(area, level);
        self.store.set_agent_grants(&agent).await?;
        Ok(agent)
    }

    pub async fn revoke(&self, id: AgentId) -> Result<Agent> {
        self.get(id).await?;
        self.store.revoke_agent(id, self.clock.now()).await?;
        self.get(id).await
    }

    /// Resolves an agent key into the caller it acts as for operation `op`, or Pinterest's 401;
    /// a known agent refused here (revoked, or in the other environment) is recorded as denied.
    pub async fn authenticate(&self, key: &str, env: Env, op: &str) -> Result<Caller> {
        let hash: TokenHash = hash_secret(key);
        let agent = self
            .store
            .agent_by_key(&hash)
            .await?
            .ok_or_else(Error::unauthenticated)?;
        let refusal = if agent.revoked_at.is_some() {
            Some(format!(
                "Authentication failed: agent '{}' has been revoked. Ask for a new agent key.",
                agent.name
            ))
        } else if agent.env != env {
            Some(format!(
                "Authentication failed: agent '{}' is a {} agent and cannot be used in {}. Use \
                 an agent created for this environment.",
                agent.name, agent.env, env
            ))
        } else if agent.user_id.is_none() {
            Some(format!(
                "Authentication failed: agent '{}' belongs to a gateway and acts for its \
                 upstream's user; call the gateway with it.",
                agent.name
            ))
        } else {
            None
        };
        if let Some(message) = refusal {
            self.record(self.refused_key(&agent, op, env, &message))
                .await?;
            return Err(Error::unauthenticated_because(message));
        }
        let Some(user) = agent.user_id else {
            return Err(Error::unauthenticated());
        };
        Ok(Caller {
            token_id: TokenId(agent.id.0),
            user_id: user,
            app_token: false,
            // Each agent counts against rate limits as an app of its own, on the Standard tier.
            app_id: AppId(agent.id.0),
            scopes: area::agent_scopes(agent.grants.level(Area::SecretContent)),
            env: agent.env,
            tier: Tier::Standard,
            agent: Some(Arc::new(AgentRef {
                id: agent.id,
                name: agent.name,
                grants: agent.grants,
            })),
        })
    }

    /// Whether the agent's grants allow the operation: the 403 that names the agent, the area
    /// and its level when they do not.
    pub fn check(agent: &AgentRef, op: &Operation) -> std::result::Result<Need, Error> {
        Agents::decide(agent, op.id, area::need(op))
    }

    /// [`Agents::check`] for an operation of the spec by its id and need (`None`: the OAuth
    /// client operations, never an agent's).
    pub fn decide(
        agent: &AgentRef,
        op: &str,
        need: Option<Need>,
    ) -> std::result::Result<Need, Error> {
        let Some(need) = need else {
            return Err(Error::forbidden(
                29,
                format!(
                    "Agent '{}' may not call '{op}': agents never do.",
                    agent.name
                ),
            ));
        };
        let has = agent.grants.level(need.area);
        if has >= need.level {
            return Ok(need);
        }
        Err(Error::forbidden(
            29,
            format!(
                "Agent '{}' may not {}: '{}' is {}.{}",
                agent.name,
                need.area.label(need.level),
                need.area,
                has,
                if need.level == Level::Full && has == Level::Read {
                    " Grant it full to allow this."
                } else {
                    ""
                }
            ),
        ))
    }

    /// Resolves an agent key for a gateway, where every agent acts as the upstream token's user:
    /// the agent, or Pinterest's 401 (a revoked agent's attempt is recorded).
    pub async fn authenticate_gateway(&self, key: &str, op: &str) -> Result<Agent> {
        let agent = self
            .store
            .agent_by_key(&hash_secret(key))
            .await?
            .ok_or_else(Error::unauthenticated)?;
        if agent.revoked_at.is_some() {
            let message = format!(
                "Authentication failed: agent '{}' has been revoked. Ask for a new agent key.",
                agent.name
            );
            self.record(self.refused_key(&agent, op, agent.env, &message))
                .await?;
            return Err(Error::unauthenticated_because(message));
        }
        Ok(agent)
    }

    /// The audit line of `who`'s call of operation `op`, as it ended, now.
    pub fn line(
        &self,
        who: &Who,
        op: &str,
        outcome: Outcome,
        touched: &Touched,
        status: u16,
        reason: String,
    ) -> AuditLine {
        AuditLine {
            seq: 0,
            at: self.clock.now(),
            agent_id: who.agent_id,
            agent_name: who.agent_name.clone(),
            user_id: who.user_id,
            env: who.env,
            operation: op.to_string(),
            action: describe(op, outcome, touched),
            status,
            allowed: outcome != Outcome::Denied,
            reason,
        }
    }

    /// The audit line of a known key refused before any operation ran.
    fn refused_key(&self, agent: &Agent, op: &str, env: Env, message: &str) -> AuditLine {
        let who = Who {
            env,
            ..Who::of(agent)
        };
        let (untouched, reason) = (Touched::default(), message.to_string());
        self.line(&who, op, Outcome::Denied, &untouched, 401, reason)
    }

    /// Queues an audit line for the writer.
    pub async fn record(&self, line: AuditLine) -> Result<()> {
        self.writer.write(line).await
    }

    /// Waits until every line recorded so far is in the store (at shutdown, before reading).
    pub async fn flush(&self) {
        self.writer.flush().await
    }

    /// Lines newest first, this process's recorded ones included.
    pub async fn audit(&self, mut filter: AuditFilter) -> Result<Vec<AuditLine>> {
        filter.limit = filter.limit.clamp(1, 1_000);
        self.flush().await;
        Ok(self.audit.audit(filter).await?)
    }

    /// Deletes the lines older than `retention`; returns how many.
    pub async fn prune_audit(&self, retention: Duration) -> Result<u64> {
        let before = Timestamp(self.clock.now().0 - retention.as_millis() as i64);
        self.flush().await;
        Ok(self.audit.prune_audit(before).await?)
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
