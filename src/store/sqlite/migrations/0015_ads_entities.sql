-- Ads entities (campaigns, ad groups, ads, ...), every kind in one table: a kind is a
-- declaration in the domain and its fields are kept as JSON. Ids grow with creation, as
-- Pinterest's ads ids do, and start where Pinterest's 12-digit ids start.

CREATE TABLE ads_entities (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          INTEGER NOT NULL,
    ad_account_id INTEGER NOT NULL REFERENCES ad_accounts (id) ON DELETE CASCADE,
    env           INTEGER NOT NULL,
    parent_id     INTEGER,
    root_id       INTEGER,
    status        TEXT NOT NULL,
    fields        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX ads_entities_by_account ON ads_entities (ad_account_id, kind, id);
INSERT INTO sqlite_sequence (name, seq) VALUES ('ads_entities', 549755813887);
