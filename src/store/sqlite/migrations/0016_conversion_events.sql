-- Conversions API events (events/create), one row per ad account and event_id: a repeated
-- event_id is counted once. User identifiers are kept only as SHA-256 hashes. Deleting an ad
-- account (the Sandbox delete) deletes its events and its advertiser-defined event names.

CREATE TABLE conversion_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order; never reused
    ad_account_id INTEGER NOT NULL REFERENCES ad_accounts (id) ON DELETE CASCADE,
    env           INTEGER NOT NULL,
    event_id      TEXT NOT NULL,
    event_name    TEXT NOT NULL,
    action_source TEXT NOT NULL,
    event_time    INTEGER NOT NULL,  -- Unix seconds, as sent
    received_at   INTEGER NOT NULL,  -- milliseconds
    match_keys    TEXT NOT NULL,     -- 'em:<sha256> ph:<sha256> ip_ua:<sha256>': hashes only
    click_id      TEXT,
    currency      TEXT NOT NULL,
    value         REAL,
    num_items     INTEGER,
    order_id      TEXT,
    UNIQUE (ad_account_id, event_id)
);
CREATE INDEX conversion_events_by_time ON conversion_events (ad_account_id, env, event_time);

-- Names of the advertiser's own events, once each; Pinterest compares them case-insensitively.
CREATE TABLE advertiser_defined_events (
    ad_account_id INTEGER NOT NULL REFERENCES ad_accounts (id) ON DELETE CASCADE,
    env           INTEGER NOT NULL,
    name_key      TEXT NOT NULL,     -- the name in lower case
    name          TEXT NOT NULL,     -- as first sent
    first_seen    INTEGER NOT NULL,  -- the seq of the first event that used it
    PRIMARY KEY (ad_account_id, name_key)
);
