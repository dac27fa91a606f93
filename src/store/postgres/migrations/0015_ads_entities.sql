-- Ads entities (campaigns, ad groups, ads, ...), every kind in one table: a kind is a
-- declaration in the domain and its fields are kept as JSON text (not jsonb, which would
-- reorder them). Ids grow with creation, as Pinterest's ads ids do, and start where
-- Pinterest's 12-digit ids start.

CREATE TABLE ads_entities (
    id            BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 549755813888) PRIMARY KEY,
    kind          BIGINT NOT NULL,
    ad_account_id BIGINT NOT NULL REFERENCES ad_accounts (id) ON DELETE CASCADE,
    env           SMALLINT NOT NULL,
    parent_id     BIGINT,
    root_id       BIGINT,
    status        TEXT NOT NULL,
    fields        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX ads_entities_by_account ON ads_entities (ad_account_id, kind, id);
