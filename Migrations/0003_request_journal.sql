-- 0003_request_journal: the request journal (GET/DELETE /_emulator/requests). One row per HTTP
-- request the emulator answered, except the /_emulator/requests calls themselves.
-- Never edit this file once released: add 0004_*.sql instead.
--
-- Rows are written in batches, asynchronously (RequestJournal in Sources/AkanaDomain/Journal), not
-- in the transaction of the change they describe; they are pruned by count (journal.maxEntries)
-- and age (journal.maxAgeHours) as each batch is written. A plain table: read it with sqlite3.
CREATE TABLE request_journal (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The emulator clock when the request arrived: 2026-01-01T12:34:56.789Z (fixed width, so text
    -- order is time order).
    at             TEXT NOT NULL,
    method         TEXT NOT NULL,
    -- Percent-decoded path, without the query.
    path           TEXT NOT NULL,
    -- The raw query string as sent (without '?'), '' when none.
    query          TEXT NOT NULL DEFAULT '',
    status         INTEGER NOT NULL,
    -- Time spent computing the response, in milliseconds (3 decimals).
    duration_ms    REAL NOT NULL,
    -- fedmemberid the Host header selected.
    tenant         TEXT NOT NULL,
    -- The session's UserID (FDN) when the request carried a valid session cookie.
    user_id        TEXT,
    -- Body sizes in bytes (headers not counted).
    request_bytes  INTEGER NOT NULL,
    response_bytes INTEGER NOT NULL,
    -- The server's request id, as in the log line (id=…).
    request_id     TEXT NOT NULL DEFAULT '',
    -- For a mutation (not GET/HEAD) answered 2xx: a JSON array of the ids it changed; '' otherwise.
    changed_ids    TEXT NOT NULL DEFAULT ''
);

-- since= filters and the age pruning.
CREATE INDEX request_journal_at ON request_journal (at);
-- path= filters, exact or by prefix (GLOB 'prefix*' uses this index).
CREATE INDEX request_journal_path ON request_journal (path);
-- status= filters (finding the few 4xx/5xx among many 200s).
CREATE INDEX request_journal_status ON request_journal (status);
