-- Pins, the images they show, and the engagement log analytics will read.

CREATE TABLE images (
    key            TEXT PRIMARY KEY,          -- 32 hex digits of the SHA-256 of the original bytes
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    format         TEXT NOT NULL,             -- MIME type of the original
    dominant_color TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE pins (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                INTEGER NOT NULL UNIQUE,
    owner_id          INTEGER NOT NULL REFERENCES users (id),
    env               INTEGER NOT NULL,
    app_id            INTEGER,                -- the app whose token created it
    board_id          INTEGER NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    section_id        INTEGER REFERENCES board_sections (id) ON DELETE CASCADE,
    title             TEXT,
    description       TEXT,
    link              TEXT,
    alt_text          TEXT,
    dominant_color    TEXT,
    creative_type     TEXT NOT NULL,
    is_standard       INTEGER NOT NULL DEFAULT 1,
    has_been_promoted INTEGER NOT NULL DEFAULT 0,
    is_removable      INTEGER NOT NULL DEFAULT 0,
    parent_pin_id     INTEGER,
    media             TEXT NOT NULL,          -- JSON: what the Pin shows (see domain::pin::PinMedia)
    created_at        INTEGER NOT NULL
);
CREATE INDEX pins_by_board ON pins (board_id, seq);
CREATE INDEX pins_by_section ON pins (section_id, seq) WHERE section_id IS NOT NULL;
CREATE INDEX pins_by_owner ON pins (owner_id, env, seq);
CREATE INDEX pins_by_parent ON pins (parent_pin_id) WHERE parent_pin_id IS NOT NULL;

CREATE TABLE engagement (
    pin_id   INTEGER NOT NULL,
    day      INTEGER NOT NULL,                -- days since 1970-01-01 (UTC)
    app_type TEXT NOT NULL,                   -- MOBILE, TABLET, WEB, OTHER
    metric   TEXT NOT NULL,                   -- IMPRESSION, SAVE, PIN_CLICK, OUTBOUND_CLICK, ...
    count    INTEGER NOT NULL,
    PRIMARY KEY (pin_id, day, app_type, metric)
);
