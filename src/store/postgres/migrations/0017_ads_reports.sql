-- Asynchronous ads reports (analytics/create_report and template reports): the validated
-- request under its random token, and the instants its status is derived from. Deleting an ad
-- account (the Sandbox delete) deletes its reports.

CREATE TABLE ads_reports (
    token         TEXT PRIMARY KEY,
    ad_account_id BIGINT NOT NULL REFERENCES ad_accounts (id) ON DELETE CASCADE,
    env           SMALLINT NOT NULL,
    request       TEXT NOT NULL,     -- JSON of the validated request
    created_at    BIGINT NOT NULL,  -- milliseconds
    ready_at      BIGINT NOT NULL,  -- milliseconds: FINISHED from then
    expires_at    BIGINT NOT NULL   -- milliseconds: EXPIRED from then
);
CREATE INDEX ads_reports_by_account ON ads_reports (ad_account_id);
