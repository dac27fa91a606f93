-- Ad accounts, owned by one user in one environment.

CREATE TABLE ad_accounts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,  -- list order; never reused
    id         INTEGER NOT NULL UNIQUE,            -- the public id, at most 18 digits
    owner_id   INTEGER NOT NULL REFERENCES users (id),
    env        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    currency   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ad_accounts_by_owner ON ad_accounts (owner_id, env, seq);
