-- 0004_request_journal_indexes: the request journal keeps only its time index (0003 is already
-- committed, so its two other indexes are dropped here instead of being edited out of it).
-- Never edit this file once released: add 0005_*.sql instead.
--
-- request_journal_at serves since= filters and the age pruning; the primary key serves the
-- newest-first listing, the limit and the count pruning. An index on path or status cost every
-- journaled request an index insert (and a delete, once pruning runs) on the single writer, about
-- 40% more writer time per entry, while those filters scan at most journal.maxEntries rows in id
-- order and stop at the limit (about 10 ms for 100,000 rows; a path-prefix filter was slower with
-- the index, which made SQLite sort every match).
DROP INDEX IF EXISTS request_journal_path;
DROP INDEX IF EXISTS request_journal_status;
