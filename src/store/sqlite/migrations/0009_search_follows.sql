-- Search: the term index of Pins, and the social graph: users following users and
-- boards. Terms are folded in Rust (src/domain/search.rs) and written in the same transaction as
-- the Pin; a Pin's terms go with it (ON DELETE CASCADE, also when its board or section goes).

CREATE TABLE pin_search_terms (
    owner_id INTEGER NOT NULL,
    env      INTEGER NOT NULL,
    term     TEXT NOT NULL,
    pin_seq  INTEGER NOT NULL REFERENCES pins (seq) ON DELETE CASCADE,
    in_title INTEGER NOT NULL,               -- 1 when the Pin's title holds the term
    PRIMARY KEY (owner_id, env, term, pin_seq)
) WITHOUT ROWID;
CREATE INDEX pin_search_terms_by_pin ON pin_search_terms (pin_seq);
-- The title tier of a search walks only the postings its title holds (and a one-word search's
-- other tier only the rest), however many Pins hold the word elsewhere.
CREATE INDEX pin_search_terms_by_title ON pin_search_terms (owner_id, env, term, in_title, pin_seq);

-- Pins that existed before the index are indexed once, at the first open after this migration;
-- the row 'pins' says it was done.
CREATE TABLE search_index_state (
    name TEXT PRIMARY KEY
);

-- A follow of a user (board_id NULL) or of a board (followee_id = the board's owner, so that
-- board follows make implicit followees). One sequence orders both kinds.
CREATE TABLE follows (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    env         INTEGER NOT NULL,
    follower_id INTEGER NOT NULL REFERENCES users (id),
    followee_id INTEGER NOT NULL REFERENCES users (id),
    board_id    INTEGER REFERENCES boards (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX follows_user_once ON follows (env, follower_id, followee_id) WHERE board_id IS NULL;
CREATE UNIQUE INDEX follows_board_once ON follows (follower_id, board_id) WHERE board_id IS NOT NULL;
CREATE INDEX follows_by_follower ON follows (follower_id, env, seq);
CREATE INDEX follows_by_followee ON follows (followee_id, env, seq);
CREATE INDEX follows_by_board ON follows (board_id) WHERE board_id IS NOT NULL;
