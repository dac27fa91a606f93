-- Rate-limit windows shared by every replica: one row per key (an app, or a user of an app, in
-- one environment),
-- quota scope (0 every request, 1 + category index) and window length, holding the current
-- window's start and count. A request counts in one INSERT ... ON CONFLICT DO UPDATE; rows whose
-- window ended are deleted by a periodic sweep. SQLite keeps these in the server's memory instead.

CREATE TABLE rate_windows (
    app_id       BIGINT   NOT NULL,
    user_id      BIGINT   NOT NULL,          -- 0 when the key is the app alone
    env          SMALLINT NOT NULL,          -- 0 production, 1 Sandbox: each has its own quota
    scope        SMALLINT NOT NULL,
    window_secs  INTEGER  NOT NULL,
    window_start BIGINT   NOT NULL,          -- milliseconds since the epoch, aligned to the window
    used         INTEGER  NOT NULL,
    quota        INTEGER  NOT NULL,          -- the limit the last request was counted under
    expires_at   BIGINT   NOT NULL,          -- window_start + the window, for the sweep
    PRIMARY KEY (app_id, user_id, env, scope, window_secs)
);
CREATE INDEX rate_windows_by_expiry ON rate_windows (expires_at);
