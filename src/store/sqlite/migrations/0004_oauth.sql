-- OAuth: the grant each token belongs to, single-use authorization codes, and the sign-in
-- sessions of the consent pages. Codes and sessions are kept only as SHA-256 hashes.

ALTER TABLE tokens ADD COLUMN grant_id INTEGER;      -- NULL for tokens issued by the CLI
CREATE INDEX tokens_by_grant ON tokens (grant_id) WHERE grant_id IS NOT NULL;

CREATE TABLE oauth_codes (
    hash         BLOB PRIMARY KEY,
    app_id       INTEGER NOT NULL REFERENCES apps (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    redirect_uri TEXT NOT NULL,
    scopes       INTEGER NOT NULL,
    grant_id     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE INDEX oauth_codes_by_expiry ON oauth_codes (expires_at);

CREATE TABLE oauth_sessions (
    hash       BLOB PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id),     -- NULL until someone signs in
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oauth_sessions_by_user ON oauth_sessions (user_id);
CREATE INDEX oauth_sessions_by_expiry ON oauth_sessions (expires_at);
