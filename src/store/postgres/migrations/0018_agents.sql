-- Agents: keys an AI agent calls the API with, acting as its user within its grants, and the
-- audit log of every call an agent made. The key is kept only as its SHA-256.

CREATE TABLE agents (
    id         BIGINT PRIMARY KEY,
    key_hash   BYTEA NOT NULL CONSTRAINT agents_key_hash_unique UNIQUE,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,  -- NULL: the gateway's upstream user
    env        SMALLINT NOT NULL,
    name       TEXT NOT NULL,
    grants     TEXT NOT NULL,     -- JSON {"area": "read" | "full"}; an area left out is off
    created_at BIGINT NOT NULL,   -- milliseconds
    revoked_at BIGINT
);
CREATE INDEX agents_by_user ON agents (user_id);

CREATE TABLE audit_log (
    seq        BIGSERIAL PRIMARY KEY,  -- order of writing; pages by it
    at         BIGINT NOT NULL,        -- milliseconds
    agent_id   BIGINT NOT NULL,
    agent_name TEXT NOT NULL,
    user_id    BIGINT,
    env        SMALLINT NOT NULL,
    operation  TEXT NOT NULL,
    action     TEXT NOT NULL,          -- what happened, in plain English
    status     SMALLINT NOT NULL,
    allowed    BOOLEAN NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX audit_log_by_agent ON audit_log (agent_id, seq);
CREATE INDEX audit_log_by_user ON audit_log (user_id, seq);
