//! Agents and their audit log, in SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use crate::clock::Timestamp;
use crate::domain::agents::{Agent, AgentStore, AuditFilter, AuditLine, AuditStore, Grants};
use crate::domain::env::Env;
use crate::domain::ids::{AgentId, UserId};
use crate::domain::secrets::TokenHash;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::sqlite::errors::backend;

/// Audit rows per INSERT: ten values each, well under SQLite's 32,766 parameters.
const ROWS_PER_INSERT: usize = 256;

const AGENT_COLUMNS: &str = "id, user_id, env, name, grants, created_at, revoked_at";

fn agent_row(r: &Row) -> rusqlite::Result<Agent> {
    Ok(Agent {
        id: AgentId(r.get(0)?),
        user_id: r.get::<_, Option<i64>>(1)?.map(UserId),
        env: Env::from_code(r.get(2)?),
        name: r.get(3)?,
        grants: Grants::from_json(&r.get::<_, String>(4)?),
        created_at: Timestamp(r.get(5)?),
        revoked_at: r.get::<_, Option<i64>>(6)?.map(Timestamp),
    })
}

fn one_agent(
    conn: &Connection,
    filter: &str,
    key: &dyn rusqlite::ToSql,
) -> StoreResult<Option<Agent>> {
    conn.prepare_cached(&format!(
        "SELECT {AGENT_COLUMNS} FROM agents WHERE {filter} = ?1"
    ))
    .and_then(|mut s| s.query_row([key], agent_row).optional())
    .map_err(backend)
}

fn audit_row(r: &Row) -> rusqlite::Result<AuditLine> {
    Ok(AuditLine {
        seq: r.get(0)?,
        at: Timestamp(r.get(1)?),
        agent_id: AgentId(r.get(2)?),
        agent_name: r.get(3)?,
        user_id: r.get::<_, Option<i64>>(4)?.map(UserId),
        env: Env::from_code(r.get(5)?),
        operation: r.get(6)?,
        action: r.get(7)?,
        status: r.get::<_, i64>(8)? as u16,
        allowed: r.get(9)?,
        reason: r.get(10)?,
    })
}

#[async_trait]
impl AgentStore for SqliteStore {
    async fn create_agent(&self, a: Agent, key_hash: TokenHash) -> StoreResult<()> {
        self.engine
            .write(move |c| {
                if let Some(user) = a.user_id {
                    let exists = c
                        .prepare_cached("SELECT 1 FROM users WHERE id = ?1")
                        .and_then(|mut s| s.exists([user.0]))
                        .map_err(backend)?;
                    if !exists {
                        return Err(StoreError::NotFound("user"));
                    }
                }
                c.prepare_cached(
                    "INSERT INTO agents (id, key_hash, user_id, env, name, grants, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        a.id.0,
                        &key_hash[..],
                        a.user_id.map(|u| u.0),
                        a.env.code(),
                        a.name,
                        a.grants.to_json(),
                        a.created_at.0
                    ])
                })
                .map_err(backend)?;
                Ok(())
            })
            .await
    }

    /// From the auth cache while it is current: revoking or changing grants bumps its epoch.
    async fn agent_by_key(&self, hash: &TokenHash) -> StoreResult<Option<Agent>> {
        let epoch = self.auth.epoch();
        if let Some(agent) = self.auth.agents.get(hash, epoch) {
            return Ok(Some(agent));
        }
        let key = hash.to_vec();
        let (agent, as_of) = self
            .engine
            .read_as_of(move |c| one_agent(c, "key_hash", &key))
            .await?;
        if let Some(a) = &agent {
            self.auth.agents.put(*hash, a.clone(), epoch, as_of);
        }
        Ok(agent)
    }

    async fn agent(&self, id: AgentId) -> StoreResult<Option<Agent>> {
        self.engine.read(move |c| one_agent(c, "id", &id.0)).await
    }

    async fn agents(&self) -> StoreResult<Vec<Agent>> {
        self.engine
            .read(|c| {
                c.prepare_cached(&format!(
                    "SELECT {AGENT_COLUMNS} FROM agents ORDER BY created_at, id"
                ))
                .and_then(|mut s| s.query_map([], agent_row)?.collect())
                .map_err(backend)
            })
            .await
    }

    async fn set_agent_grants(&self, a: &Agent) -> StoreResult<()> {
        let (id, grants) = (a.id.0, a.grants.to_json());
        let result = self
            .engine
            .write(move |c| {
                let n = c
                    .prepare_cached("UPDATE agents SET grants = ?2 WHERE id = ?1")
                    .and_then(|mut s| s.execute(params![id, grants]))
                    .map_err(backend)?;
                if n == 0 {
                    return Err(StoreError::NotFound("agent"));
                }
                Ok(())
            })
            .await;
        self.auth.invalidate();
        result
    }

    async fn revoke_agent(&self, id: AgentId, at: Timestamp) -> StoreResult<()> {
        let result = self
            .engine
            .write(move |c| {
                c.prepare_cached(
                    "UPDATE agents SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                )
                .and_then(|mut s| s.execute(params![id.0, at.0]))
                .map_err(backend)?;
                Ok(())
            })
            .await;
        self.auth.invalidate();
        result
    }
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, lines: Vec<AuditLine>) -> StoreResult<()> {
        self.engine
            .write(move |c| {
                // Many rows a statement: a batch costs a few statements, not one per line.
                for chunk in lines.chunks(ROWS_PER_INSERT) {
                    let mut sql = String::from(
                        "INSERT INTO audit_log (at, agent_id, agent_name, user_id, env, operation,
                             action, status, allowed, reason) VALUES ",
                    );
                    for i in 0..chunk.len() {
                        sql.push_str(if i == 0 { "(" } else { ", (" });
                        sql.push_str(&["?"; 10].join(", "));
                        sql.push(')');
                    }
                    let mut values: Vec<rusqlite::types::Value> =
                        Vec::with_capacity(chunk.len() * 10);
                    for l in chunk {
                        values.extend([
                            l.at.0.into(),
                            l.agent_id.0.into(),
                            l.agent_name.clone().into(),
                            l.user_id.map(|u| u.0).into(),
                            l.env.code().into(),
                            l.operation.clone().into(),
                            l.action.clone().into(),
                            (l.status as i64).into(),
                            (l.allowed as i64).into(),
                            l.reason.clone().into(),
                        ]);
                    }
                    c.prepare_cached(&sql)
                        .and_then(|mut s| s.execute(rusqlite::params_from_iter(values)))
                        .map_err(backend)?;
                }
                Ok(())
            })
            .await
    }

    async fn audit(&self, f: AuditFilter) -> StoreResult<Vec<AuditLine>> {
        self.engine
            .read(move |c| {
                c.prepare_cached(
                    "SELECT seq, at, agent_id, agent_name, user_id, env, operation, action,
                         status, allowed, reason
                     FROM audit_log
                     WHERE (?1 IS NULL OR agent_id = ?1) AND (?2 IS NULL OR user_id = ?2)
                       AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR seq < ?4)
                     ORDER BY seq DESC LIMIT ?5",
                )
                .and_then(|mut s| {
                    s.query_map(
                        params![
                            f.agent.map(|a| a.0),
                            f.user.map(|u| u.0),
                            f.since.map(|t| t.0),
                            f.before_seq,
                            f.limit as i64
                        ],
                        audit_row,
                    )?
                    .collect()
                })
                .map_err(backend)
            })
            .await
    }

    async fn prune_audit(&self, before: Timestamp) -> StoreResult<u64> {
        self.engine
            .write(move |c| {
                c.prepare_cached("DELETE FROM audit_log WHERE at < ?1")
                    .and_then(|mut s| s.execute([before.0]))
                    .map(|n| n as u64)
                    .map_err(backend)
            })
            .await
    }
}
