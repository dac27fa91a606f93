-- Search moves from the term table to an FTS5 index, so that a query of several words
-- intersects their postings inside FTS5 instead of probing one word's postings for the others.
-- Text is still folded in Rust (src/domain/search.rs). rowid = the Pin's seq; the one column
-- holds tokens that carry their account, so that each account has postings of its own:
--   "<owner>e<env>·<term>" for every term of the Pin (title, description, alt text) and
--   "<owner>e<env>¶<term>" for every term of its title.
-- Folded terms hold letters and digits only, and the 'ascii' tokenizer splits on ASCII
-- non-alphanumerics only, so each such token stays whole (the two marks are non-ASCII) and a
-- user's word can never be mistaken for a title token or another account's. detail=none: only
-- rowids are kept, as AND and NOT of single tokens need nothing more.
CREATE VIRTUAL TABLE pin_fts USING fts5 (
    tokens,
    content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
);

INSERT INTO pin_fts (rowid, tokens)
SELECT t.pin_seq,
       group_concat(t.owner_id || 'e' || t.env || '·' || t.term
                    || CASE WHEN t.in_title THEN ' ' || t.owner_id || 'e' || t.env || '¶' || t.term
                            ELSE '' END, ' ')
FROM pin_search_terms t
GROUP BY t.pin_seq;

DROP TABLE pin_search_terms;

-- A virtual table has no foreign keys: a Pin's entry leaves with it, also when its board or
-- section goes (those cascades fire this trigger too).
CREATE TRIGGER pins_leave_search AFTER DELETE ON pins BEGIN
    DELETE FROM pin_fts WHERE rowid = old.seq;
END;
