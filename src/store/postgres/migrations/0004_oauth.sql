-- OAuth: the grant each token belongs to, single-use authorization codes, and the sign-in
-- sessions of the consent pages. Mirrors src/store/sqlite/migrations/0004 in PostgreSQL's types.

ALTER TABLE tokens ADD COLUMN grant_id BIGINT;       -- NULL for tokens issued by the CLI
CREATE INDEX tokens_by_grant ON tokens (grant_id) WHERE grant_id IS NOT NULL;

CREATE TABLE oauth_codes (
    hash         BYTEA PRIMARY KEY,
    app_id       BIGINT NOT NULL REFERENCES apps (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    redirect_uri TEXT NOT NULL,
    scopes       BIGINT NOT NULL,
    grant_id     BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX oauth_codes_by_expiry ON oauth_codes (expires_at);

CREATE TABLE oauth_sessions (
    hash       BYTEA PRIMARY KEY,
    user_id    BIGINT REFERENCES users (id),      -- NULL until someone signs in
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_sessions_by_user ON oauth_sessions (user_id);
CREATE INDEX oauth_sessions_by_expiry ON oauth_sessions (expires_at);
