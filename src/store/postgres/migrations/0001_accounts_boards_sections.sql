-- Accounts, apps, tokens, boards and board sections. Times are milliseconds since the epoch (UTC).
-- Mirrors src/store/sqlite/migrations/0001 in PostgreSQL's types.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL CONSTRAINT users_username_unique UNIQUE,
    account_type  TEXT NOT NULL CHECK (account_type IN ('PINNER', 'BUSINESS')),
    about         TEXT NOT NULL DEFAULT '',
    website_url   TEXT NOT NULL DEFAULT '',
    business_name TEXT,
    password_hash TEXT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE apps (
    id          BIGINT PRIMARY KEY,
    owner_id    BIGINT NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    secret_hash BYTEA NOT NULL,
    tier        TEXT NOT NULL CHECK (tier IN ('trial', 'standard')),
    created_at  BIGINT NOT NULL
);
CREATE INDEX apps_by_owner ON apps (owner_id);

CREATE TABLE app_redirect_uris (
    app_id   BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    uri      TEXT NOT NULL,
    PRIMARY KEY (app_id, uri)
);

CREATE TABLE tokens (
    id         BIGINT PRIMARY KEY,
    hash       BYTEA NOT NULL CONSTRAINT tokens_hash_unique UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    user_id    BIGINT REFERENCES users (id),
    app_id     BIGINT NOT NULL REFERENCES apps (id),
    scopes     BIGINT NOT NULL,
    env        SMALLINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE boards (
    seq              BIGSERIAL PRIMARY KEY,
    id               BIGINT NOT NULL CONSTRAINT boards_id_unique UNIQUE,
    owner_id         BIGINT NOT NULL REFERENCES users (id),
    env              SMALLINT NOT NULL,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    description      TEXT,
    privacy          TEXT NOT NULL CHECK (privacy IN ('PUBLIC', 'PROTECTED', 'SECRET')),
    is_ads_only      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    pins_modified_at BIGINT NOT NULL,
    pin_count        BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT boards_name_unique UNIQUE (owner_id, env, name_key)
);
CREATE INDEX boards_by_owner ON boards (owner_id, env, seq);

CREATE TABLE board_sections (
    seq        BIGSERIAL PRIMARY KEY,
    id         BIGINT NOT NULL CONSTRAINT board_sections_id_unique UNIQUE,
    board_id   BIGINT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT board_sections_name_unique UNIQUE (board_id, name_key)
);
CREATE INDEX sections_by_board ON board_sections (board_id, seq);
