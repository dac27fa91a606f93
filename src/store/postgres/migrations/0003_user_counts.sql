-- Per-user, per-environment totals of boards and Pins, kept in the same transactions as the rows
-- they count: limits are checked in constant time, and the row is the lock that serializes one
-- user's creates across replicas. Mirrors src/store/sqlite/migrations/0003.

CREATE TABLE user_counts (
    user_id BIGINT NOT NULL,
    env     SMALLINT NOT NULL,
    boards  BIGINT NOT NULL DEFAULT 0,
    pins    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, env)
);

INSERT INTO user_counts (user_id, env, boards, pins)
    SELECT owner_id, env, COUNT(*), COALESCE(SUM(pin_count), 0) FROM boards GROUP BY owner_id, env;
