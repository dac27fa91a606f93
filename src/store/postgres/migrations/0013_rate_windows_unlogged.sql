-- Rate-limit counts are not data anyone keeps: SQLite holds them in the server's memory and loses
-- them on restart. Logged, every counted request waited for a WAL flush, and requests of one user
-- queued behind each other's flush on the window row's lock: GET one Pin on one replica went
-- from about 18,000 requests a second with limits off to 3,300 with them on (bench/run). Unlogged,
-- it is 8,600; a crash of PostgreSQL empties the table, which starts every window afresh.
ALTER TABLE rate_windows SET UNLOGGED;
