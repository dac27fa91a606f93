-- The engagement log carries each row's Pin owner and environment, so that an account's totals
-- (`monthly_views`, user account analytics) read that account's rows by index instead of probing
-- the log once for every Pin the account has (40-60 ms at 200,000 Pins, even with no engagement).
-- Rows of Pins already deleted (or never created) have owner 0 and are never read, as before.
ALTER TABLE engagement ADD COLUMN owner_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE engagement ADD COLUMN env INTEGER NOT NULL DEFAULT 0;
UPDATE engagement SET
    owner_id = (SELECT p.owner_id FROM pins p WHERE p.id = engagement.pin_id),
    env = (SELECT p.env FROM pins p WHERE p.id = engagement.pin_id)
WHERE EXISTS (SELECT 1 FROM pins p WHERE p.id = engagement.pin_id);
CREATE INDEX engagement_by_owner ON engagement (owner_id, env, day);
