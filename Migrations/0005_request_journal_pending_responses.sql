-- 0005_request_journal_pending_responses: a mutation's journal entry is now written in the
-- transaction of the change it describes, before the response exists; its status, duration_ms and
-- response_bytes are filled in right after the response is computed (in a batch, within 200 ms).
-- They become nullable: NULL there means the change committed but the daemon stopped (kill -9)
-- before the response was recorded. SQLite cannot drop a NOT NULL constraint in place, so the table
-- is rebuilt with the same rows and ids (and its AUTOINCREMENT counter, kept in sqlite_sequence).
-- Never edit this file once released: add 0006_*.sql instead.
CREATE TABLE request_journal_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The emulator clock when the request arrived: 2026-01-01T12:34:56.789Z (fixed width, so text
    -- order is time order).
    at             TEXT NOT NULL,
    method         TEXT NOT NULL,
    -- Percent-decoded path, without the query.
    path           TEXT NOT NULL,
    -- The raw query string as sent (without '?'), '' when none.
    query          TEXT NOT NULL DEFAULT '',
    -- NULL: the request's change committed, its response was never recorded (see above).
    status         INTEGER,
    -- Time spent computing the response, in milliseconds (3 decimals); NULL as for status.
    duration_ms    REAL,
    -- fedmemberid the Host header selected.
    tenant         TEXT NOT NULL,
    -- The session's UserID (FDN) when the request carried a valid session cookie.
    user_id        TEXT,
    -- Body sizes in bytes (headers not counted); response_bytes NULL as for status.
    request_bytes  INTEGER NOT NULL,
    response_bytes INTEGER,
    -- The server's request id, as in the log line (id=…).
    request_id     TEXT NOT NULL DEFAULT '',
    -- A JSON array of the ids of the objects the request changed (as committed); '' when none.
    changed_ids    TEXT NOT NULL DEFAULT ''
);

INSERT INTO request_journal_new (id, at, method, path, query, status, duration_ms, tenant, user_id, request_bytes,
                                 response_bytes, request_id, changed_ids)
SELECT id, at, method, path, query, status, duration_ms, tenant, user_id, request_bytes,
       response_bytes, request_id, changed_ids
FROM request_journal;

-- Keep the id counter where it was (ids are never reused, even after pruning or a DELETE).
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'request_journal'), 0))
WHERE name = 'request_journal_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'request_journal_new', seq FROM sqlite_sequence
WHERE name = 'request_journal' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'request_journal_new');

DROP TABLE request_journal;
ALTER TABLE request_journal_new RENAME TO request_journal;

-- since= filters, the age pruning and the newest-first order (at, then id).
CREATE INDEX request_journal_at ON request_journal (at);
