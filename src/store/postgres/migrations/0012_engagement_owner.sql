-- The engagement log carries each row's Pin owner and environment, so that an account's totals
-- (`monthly_views`, user account analytics) read that account's rows by index instead of joining
-- every Pin the account has to the log. Rows of Pins already deleted (or never created) have NULLs
-- and are never read.
ALTER TABLE engagement ADD COLUMN owner_id BIGINT;
ALTER TABLE engagement ADD COLUMN env SMALLINT;
UPDATE engagement e SET owner_id = p.owner_id, env = p.env FROM pins p WHERE p.id = e.pin_id;
CREATE INDEX engagement_by_owner ON engagement (owner_id, env, day);
