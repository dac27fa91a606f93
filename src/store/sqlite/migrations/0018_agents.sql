-- Agents: keys an AI agent calls the API with, acting as its user within its grants, and the
-- audit log of every call an agent made. The key is kept only as its SHA-256.

CREATE TABLE agents (
    id         INTEGER PRIMARY KEY,
    key_hash   BLOB NOT NULL UNIQUE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,  -- NULL: the gateway's upstream user
    env        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    grants     TEXT NOT NULL,     -- JSON {"area": "read" | "full"}; an area left out is off
    created_at INTEGER NOT NULL,  -- milliseconds
    revoked_at INTEGER
);
CREATE INDEX agents_by_user ON agents (user_id);

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,  -- order of writing; pages by it
    at         INTEGER NOT NULL,                   -- milliseconds
    agent_id   INTEGER NOT NULL,
    agent_name TEXT NOT NULL,
    user_id    INTEGER,
    env        INTEGER NOT NULL,
    operation  TEXT NOT NULL,
    action     TEXT NOT NULL,     -- what happened, in plain English
    status     INTEGER NOT NULL,
    allowed    INTEGER NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX audit_log_by_agent ON audit_log (agent_id, seq);
CREATE INDEX audit_log_by_user ON audit_log (user_id, seq);
