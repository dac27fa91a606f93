//! Agents and their audit log, in PostgreSQL.

use async_trait::async_trait;
use tokio_postgres::Row;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::agents::{Agent, AgentStore, AuditFilter, AuditLine, AuditStore, Grants};
use crate::domain::env::Env;
use crate::domain::ids::{AgentId, UserId};
use crate::domain::secrets::TokenHash;
use crate::domain::storage::{StoreError, StoreResult};
use crate::store::postgres::columns::env_code;
use crate::store::postgres::errors::pg;

const AGENT_COLUMNS: &str = "id, user_id, env, name, grants, created_at, revoked_at";

fn agent_row(r: &Row) -> Agent {
    Agent {
        id: AgentId(r.get(0)),
        user_id: r.get::<_, Option<i64>>(1).map(UserId),
        env: Env::from_code(i64::from(r.get::<_, i16>(2))),
        name: r.get(3),
        grants: Grants::from_json(r.get::<_, &str>(4)),
        created_at: Timestamp(r.get(5)),
        revoked_at: r.get::<_, Option<i64>>(6).map(Timestamp),
    }
}

fn audit_row(r: &Row) -> AuditLine {
    AuditLine {
        seq: r.get(0),
        at: Timestamp(r.get(1)),
        agent_id: AgentId(r.get(2)),
        agent_name: r.get(3),
        user_id: r.get::<_, Option<i64>>(4).map(UserId),
        env: Env::from_code(i64::from(r.get::<_, i16>(5))),
        operation: r.get(6),
        action: r.get(7),
        status: r.get::<_, i16>(8) as u16,
        allowed: r.get(9),
        reason: r.get(10),
    }
}

#[async_trait]
impl AgentStore for PgStore {
    async fn create_agent(&self, a: Agent, key_hash: TokenHash) -> StoreResult<()> {
        let client = self.client().await?;
        // One statement: the user's existence and the insert agree against a concurrent delete.
        let inserted = client
            .execute(
                "INSERT INTO agents (id, key_hash, user_id, env, name, grants, created_at)
                 SELECT $1, $2, $3, $4, $5, $6, $7
                 WHERE $3::BIGINT IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $3)",
                &[
                    &a.id.0,
                    &&key_hash[..],
                    &a.user_id.map(|u| u.0),
                    &env_code(a.env),
                    &a.name,
                    &a.grants.to_json(),
                    &a.created_at.0,
                ],
            )
            .await
            .map_err(pg)?;
        if inserted == 0 {
            return Err(StoreError::NotFound("user"));
        }
        Ok(())
    }

    async fn agent_by_key(&self, hash: &TokenHash) -> StoreResult<Option<Agent>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE key_hash = $1"),
                &[&&hash[..]],
            )
            .await
            .map_err(pg)?;
        Ok(row.as_ref().map(agent_row))
    }

    async fn agent(&self, id: AgentId) -> StoreResult<Option<Agent>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1"),
                &[&id.0],
            )
            .await
            .map_err(pg)?;
        Ok(row.as_ref().map(agent_row))
    }

    async fn agents(&self) -> StoreResult<Vec<Agent>> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {AGENT_COLUMNS} FROM agents ORDER BY created_at, id"),
                &[],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(agent_row).collect())
    }

    async fn set_agent_grants(&self, a: &Agent) -> StoreResult<()> {
        let client = self.client().await?;
        let n = client
            .execute(
                "UPDATE agents SET grants = $2 WHERE id = $1",
                &[&a.id.0, &a.grants.to_json()],
            )
            .await
            .map_err(pg)?;
        if n == 0 {
            return Err(StoreError::NotFound("agent"));
        }
        Ok(())
    }

    async fn revoke_agent(&self, id: AgentId, at: Timestamp) -> StoreResult<()> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE agents SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                &[&id.0, &at.0],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }
}

#[async_trait]
impl AuditStore for PgStore {
    async fn append_audit(&self, lines: Vec<AuditLine>) -> StoreResult<()> {
        let mut client = self.client().await?;
        // One transaction per batch: one commit however many lines.
        let tx = client.transaction().await.map_err(pg)?;
        for l in &lines {
            tx.execute(
                "INSERT INTO audit_log (at, agent_id, agent_name, user_id, env, operation,
                         action, status, allowed, reason)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    &l.at.0,
                    &l.agent_id.0,
                    &l.agent_name,
                    &l.user_id.map(|u| u.0),
                    &env_code(l.env),
                    &l.operation,
                    &l.action,
                    &(l.status as i16),
                    &l.allowed,
                    &l.reason,
                ],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)
    }

    async fn audit(&self, f: AuditFilter) -> StoreResult<Vec<AuditLine>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT seq, at, agent_id, agent_name, user_id, env, operation, action, status,
                     allowed, reason
                 FROM audit_log
                 WHERE ($1::BIGINT IS NULL OR agent_id = $1)
                   AND ($2::BIGINT IS NULL OR user_id = $2)
                   AND ($3::BIGINT IS NULL OR at >= $3)
                   AND ($4::BIGINT IS NULL OR seq < $4)
                 ORDER BY seq DESC LIMIT $5",
                &[
                    &f.agent.map(|a| a.0),
                    &f.user.map(|u| u.0),
                    &f.since.map(|t| t.0),
                    &f.before_seq,
                    &(f.limit as i64),
                ],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(audit_row).collect())
    }

    async fn prune_audit(&self, before: Timestamp) -> StoreResult<u64> {
        let client = self.client().await?;
        client
            .execute("DELETE FROM audit_log WHERE at < $1", &[&before.0])
            .await
            .map_err(pg)
    }
}
