-- The websites users claim (user_account/websites): one row per user and website.

CREATE TABLE websites (
    seq         BIGSERIAL PRIMARY KEY,              -- list order; never reused
    user_id     BIGINT NOT NULL REFERENCES users (id),
    website     TEXT NOT NULL,
    verified_at BIGINT NOT NULL,
    UNIQUE (user_id, website)
);
CREATE INDEX websites_by_user ON websites (user_id, seq);
