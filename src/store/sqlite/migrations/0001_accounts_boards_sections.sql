-- Accounts, apps, tokens, boards and board sections. Times are milliseconds since the epoch (UTC).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,        -- the public, random id
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL UNIQUE,       -- lower-cased: usernames are unique regardless of case
    account_type  TEXT NOT NULL CHECK (account_type IN ('PINNER', 'BUSINESS')),
    about         TEXT NOT NULL DEFAULT '',
    website_url   TEXT NOT NULL DEFAULT '',
    business_name TEXT,
    password_hash TEXT,
    created_at    INTEGER NOT NULL
);

CREATE TABLE apps (
    id          INTEGER PRIMARY KEY,          -- app id = OAuth client id
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    tier        TEXT NOT NULL CHECK (tier IN ('trial', 'standard')),
    created_at  INTEGER NOT NULL
);
CREATE INDEX apps_by_owner ON apps (owner_id);

CREATE TABLE app_redirect_uris (
    app_id   INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    uri      TEXT NOT NULL,
    PRIMARY KEY (app_id, uri)
);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    hash       BLOB NOT NULL UNIQUE,          -- SHA-256 of the secret; the secret is never stored
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    user_id    INTEGER REFERENCES users (id),
    app_id     INTEGER NOT NULL REFERENCES apps (id),
    scopes     INTEGER NOT NULL,
    env        INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE boards (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,  -- list order; never reused, so bookmarks stay valid
    id               INTEGER NOT NULL UNIQUE,
    owner_id         INTEGER NOT NULL REFERENCES users (id),
    env              INTEGER NOT NULL,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    description      TEXT,
    privacy          TEXT NOT NULL CHECK (privacy IN ('PUBLIC', 'PROTECTED', 'SECRET')),
    is_ads_only      INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    pins_modified_at INTEGER NOT NULL,
    pin_count        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (owner_id, env, name_key)
);
CREATE INDEX boards_by_owner ON boards (owner_id, env, seq);

CREATE TABLE board_sections (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         INTEGER NOT NULL UNIQUE,
    board_id   INTEGER NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (board_id, name_key)
);
CREATE INDEX sections_by_board ON board_sections (board_id, seq);
