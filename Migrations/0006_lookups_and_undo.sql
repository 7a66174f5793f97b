-- 0006_lookups_and_undo: an index for every lookup a request makes, and the bookkeeping of the undo
-- log behind checkpoints and fast snapshot restores. Never edit this file once released: add
-- 0007_*.sql instead.
--
-- An app version's Identity is unique per tenant (AppRepository.identityTaken checks it first and
-- answers with a fault); the index makes that check a lookup instead of a scan of app_versions, and
-- enforces the rule for any writer.
CREATE UNIQUE INDEX app_versions_by_tenant_identity ON app_versions (tenant, identity);

-- A model's name is unique per tenant, case-insensitively (ModelRepository checks it on create and
-- update). Not UNIQUE: deleted models' names are freed by deleting the row, but the check also
-- skips the model itself, and existing databases may hold names that differ only in case.
CREATE INDEX models_by_tenant_name ON models (tenant, name COLLATE NOCASE);

-- Listing workflow definitions counts the objects that run under each; deleting a definition
-- checks its foreign key from workflow_objects. Every app and model version is a workflow object.
CREATE INDEX workflow_objects_by_definition ON workflow_objects (definition_id);

-- Login throttling forgets failures older than its window on every failed login: by time.
CREATE INDEX login_failures_by_time ON login_failures (failed_at);

-- Whether the undo triggers record changes (only while a checkpoint or snapshot mark exists, so a
-- database nobody marks pays one lookup per changed row and keeps no log), and how many rollbacks
-- ran (a snapshot being written checks that none ran while it copied). One row.
CREATE TABLE undo_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    recording INTEGER NOT NULL DEFAULT 0,
    rollbacks INTEGER NOT NULL DEFAULT 0
);
INSERT INTO undo_state (id, recording) VALUES (1, 0);

-- Points in the undo log: kind 'checkpoint' (POST /_emulator/checkpoints) or 'snapshot' (taken with
-- POST /_emulator/snapshots; restoring it rolls back to here when the snapshot file is unchanged).
-- seq is the last undo_log entry made before the mark (-1 while a snapshot is being written);
-- file_stamp is the snapshot file's size and modification time.
CREATE TABLE undo_marks (
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    created    TEXT NOT NULL,
    file_stamp TEXT,
    PRIMARY KEY (kind, name)
);
CREATE INDEX undo_marks_by_seq ON undo_marks (seq);

-- The AUTOINCREMENT counters at each mark (sqlite_sequence cannot carry triggers), put back on a rollback.
CREATE TABLE undo_mark_sequences (
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    table_name TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (kind, name, table_name)
);

-- undo_log itself and its triggers (undo_<table>_insert/_update/_delete on every table but the
-- request journal, schema_migrations and these) are generated from the schema when the emulator
-- starts (UndoLog.install), so a later migration's tables and columns are covered without listing
-- them here. A migration that drops or renames a column of a tracked table drops that table's
-- undo_* triggers first; they are recreated at the next start.
