-- Search moves from one row per (Pin, term) to one row per Pin whose folded terms are
-- arrays under GIN indexes, so that a query of several words intersects their postings inside
-- the index (`terms @> words`) instead of probing one word's postings for the others. Terms are
-- still folded in Rust (src/domain/search.rs) and written in the same transaction as the Pin.
CREATE TABLE pin_search (
    pin_seq     BIGINT PRIMARY KEY REFERENCES pins (seq) ON DELETE CASCADE,
    owner_id    BIGINT NOT NULL,
    env         SMALLINT NOT NULL,
    title_terms TEXT[] NOT NULL,             -- the title's terms
    terms       TEXT[] NOT NULL              -- every term: title, description, alt text
);

INSERT INTO pin_search (pin_seq, owner_id, env, title_terms, terms)
SELECT pin_seq, owner_id, env,
       COALESCE(array_agg(term) FILTER (WHERE in_title), '{}'),
       array_agg(term)
FROM pin_search_terms
GROUP BY pin_seq, owner_id, env;

DROP TABLE pin_search_terms;

-- fastupdate off: new entries go straight into the index rather than into a pending list that
-- every search would scan in full until the next vacuum (tens of ms after a bulk import).
CREATE INDEX pin_search_by_terms ON pin_search USING GIN (terms) WITH (fastupdate = off);
CREATE INDEX pin_search_by_title_terms ON pin_search USING GIN (title_terms) WITH (fastupdate = off);
-- Newest first within one account, for words so common that walking in order finds a page soonest.
CREATE INDEX pin_search_by_owner ON pin_search (owner_id, env, pin_seq);
