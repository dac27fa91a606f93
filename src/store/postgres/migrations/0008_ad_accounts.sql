-- Ad accounts, owned by one user in one environment.

CREATE TABLE ad_accounts (
    seq        BIGSERIAL PRIMARY KEY,              -- list order; never reused
    id         BIGINT NOT NULL UNIQUE,             -- the public id, at most 18 digits
    owner_id   BIGINT NOT NULL REFERENCES users (id),
    env        SMALLINT NOT NULL,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    currency   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX ad_accounts_by_owner ON ad_accounts (owner_id, env, seq);
