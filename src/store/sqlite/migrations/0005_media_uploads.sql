-- Media uploads for video Pins and the restricted features granted to apps.
-- No foreign keys on purpose: apps (and perhaps users) are rebuilt by other migrations, and
-- SQLite's table rebuilds would re-point or break references from these tables.

CREATE TABLE media_uploads (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            INTEGER NOT NULL UNIQUE,
    owner_id      INTEGER NOT NULL,
    env           INTEGER NOT NULL,
    app_id        INTEGER,                    -- the app whose token registered it
    media_type    TEXT NOT NULL,              -- 'video'
    upload_key    TEXT NOT NULL,              -- the S3-style object key of upload_parameters
    registered_at INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,           -- when the upload policy expires
    uploaded_at   INTEGER,                    -- NULL until the file arrives
    ready_at      INTEGER,                    -- uploaded_at + the processing delay
    size          INTEGER,
    probe         TEXT,                       -- JSON: what reading the file found (domain::media_upload::Probe)
    used_at       INTEGER                     -- when a Pin first used it; NULL: cleaned up after a while
);
CREATE INDEX media_uploads_by_owner ON media_uploads (owner_id, env, seq);
CREATE INDEX media_uploads_unused ON media_uploads (registered_at) WHERE used_at IS NULL;

CREATE TABLE app_features (
    app_id     INTEGER NOT NULL,
    feature    TEXT NOT NULL,                 -- e.g. 'video_url'
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, feature)
);
