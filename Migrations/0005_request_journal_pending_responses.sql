-- 0005_request_journal_pending_responses: a mutation's journal entry is now written in the
-- transaction of the change it describes, before the response exists; its status, duration_ms and
-- response_bytes are filled in right after the response is computed (in a batch, within 200 ms).
-- They become nullable: NULL there means the change committed but the daemon stopped (kill -9)
-- before the response was recorded. SQLite cannot drop a NOT NULL constraint in place, so the table
-- is rebuilt with the same rows and ids.
--
-- Every write transaction now carries a journal row, so the table is also made cheaper to append
-- to: each page an insert touches is one more page written to the WAL by every mutation. The id is
-- a plain rowid (AUTOINCREMENT updated sqlite_sequence, one more page per insert; ids may now be
-- reused once the table is empty, after DELETE /_emulator/requests or an age pruning that removed
-- every row, so later updates of a row also check its request_id), and the
-- index on `at` is gone (one more page per insert): since= filters scan newest-first and stop at
-- the limit, and age pruning removes expired rows from the oldest end, in id order.
-- Never edit this file once released: add 0006_*.sql instead.
CREATE TABLE request_journal_new (
    id             INTEGER PRIMARY KEY,
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

DROP TABLE request_journal;
ALTER TABLE request_journal_new RENAME TO request_journal;
