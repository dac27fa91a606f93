-- Pins, the images they show, and the engagement log analytics will read.
-- Mirrors src/store/sqlite/migrations/0002 in PostgreSQL's types.

CREATE TABLE images (
    key            TEXT PRIMARY KEY,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    format         TEXT NOT NULL,
    dominant_color TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE pins (
    seq               BIGSERIAL PRIMARY KEY,
    id                BIGINT NOT NULL CONSTRAINT pins_id_unique UNIQUE,
    owner_id          BIGINT NOT NULL REFERENCES users (id),
    env               SMALLINT NOT NULL,
    app_id            BIGINT,
    board_id          BIGINT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    section_id        BIGINT REFERENCES board_sections (id) ON DELETE CASCADE,
    title             TEXT,
    description       TEXT,
    link              TEXT,
    alt_text          TEXT,
    dominant_color    TEXT,
    creative_type     TEXT NOT NULL,
    is_standard       BOOLEAN NOT NULL DEFAULT TRUE,
    has_been_promoted BOOLEAN NOT NULL DEFAULT FALSE,
    is_removable      BOOLEAN NOT NULL DEFAULT FALSE,
    parent_pin_id     BIGINT,
    media             TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE INDEX pins_by_board ON pins (board_id, seq);
CREATE INDEX pins_by_section ON pins (section_id, seq) WHERE section_id IS NOT NULL;
CREATE INDEX pins_by_owner ON pins (owner_id, env, seq);
CREATE INDEX pins_by_parent ON pins (parent_pin_id) WHERE parent_pin_id IS NOT NULL;

CREATE TABLE engagement (
    pin_id   BIGINT NOT NULL,
    day      BIGINT NOT NULL,
    app_type TEXT NOT NULL,
    metric   TEXT NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (pin_id, day, app_type, metric)
);
