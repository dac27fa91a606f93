-- Media uploads for video Pins and the restricted features granted to apps.
-- Mirrors src/store/sqlite/migrations/0005 in PostgreSQL's types (and, like it, without
-- foreign keys to tables other migrations rebuild).

CREATE TABLE media_uploads (
    seq           BIGSERIAL PRIMARY KEY,
    id            BIGINT NOT NULL CONSTRAINT media_uploads_id_unique UNIQUE,
    owner_id      BIGINT NOT NULL,
    env           SMALLINT NOT NULL,
    app_id        BIGINT,
    media_type    TEXT NOT NULL,
    upload_key    TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    uploaded_at   BIGINT,
    ready_at      BIGINT,
    size          BIGINT,
    probe         TEXT,
    used_at       BIGINT
);
CREATE INDEX media_uploads_by_owner ON media_uploads (owner_id, env, seq);
CREATE INDEX media_uploads_unused ON media_uploads (registered_at) WHERE used_at IS NULL;

CREATE TABLE app_features (
    app_id     BIGINT NOT NULL,
    feature    TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, feature)
);
