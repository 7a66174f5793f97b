-- 0012_undo_log_cap: the undo log is bounded (configuration key undo.maxEntries). Never edit this
-- file once released: add 0013_*.sql instead.
--
-- undo_state counts the log's rows without counting them again: `entries` is the number of rows
-- in undo_log, exact as of `counted_through` (the newest seq counted); rows made after it (by the
-- triggers, since the last commit) are counted by a range scan of the rowid from there, so keeping
-- the count costs what the triggers already wrote, never the size of the log.
ALTER TABLE undo_state ADD COLUMN entries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE undo_state ADD COLUMN counted_through INTEGER NOT NULL DEFAULT 0;

-- Checkpoints released because the undo log exceeded undo.maxEntries, so that a rollback to one
-- says why it cannot be done instead of "not found". Only the newest 1,000 are remembered.
CREATE TABLE undo_released_marks (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    released TEXT NOT NULL,
    max_entries INTEGER NOT NULL,
    UNIQUE (kind, name)
);
