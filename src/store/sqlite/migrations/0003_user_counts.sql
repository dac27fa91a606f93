-- Per-user, per-environment totals of boards and Pins, kept in the same transactions as the rows
-- they count, so that volume limits are checked in constant time.

CREATE TABLE user_counts (
    user_id INTEGER NOT NULL,
    env     INTEGER NOT NULL,
    boards  INTEGER NOT NULL DEFAULT 0,
    pins    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, env)
);

INSERT INTO user_counts (user_id, env, boards, pins)
    SELECT owner_id, env, COUNT(*), COALESCE(SUM(pin_count), 0) FROM boards GROUP BY owner_id, env;
