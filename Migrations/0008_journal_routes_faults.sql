-- 0008: the request journal remembers how each request was routed and answered, and injected
-- faults can be kept across restarts.
--
-- request_journal.route: the matched route template (/api/apps/versions/{AppVersionID}); '' when
-- no route matched the path (a 404) or the path has no route for the method (a 405), which
-- GET /_emulator/requests/unmatched lists; NULL when the request was answered before routing
-- (the admin token check, back-pressure, the handler deadline) and for entries older than this.
ALTER TABLE request_journal ADD COLUMN route TEXT;
-- The id of the injected fault (POST /_emulator/faults) that answered or delayed the request.
ALTER TABLE request_journal ADD COLUMN fault_id TEXT;
-- The request body as text when it is UTF-8, its first 16 KiB (for GET /_emulator/requests/count?body=).
ALTER TABLE request_journal ADD COLUMN request_body TEXT;

-- Injected faults created with "persist": true (the others live in memory only). `rule` is the
-- fault as POST /_emulator/faults took it (JSON); `hits` how often it answered.
CREATE TABLE emulator_faults (
    id      TEXT PRIMARY KEY NOT NULL,
    created TEXT NOT NULL,
    rule    TEXT NOT NULL,
    hits    INTEGER NOT NULL DEFAULT 0
);

-- GET /_emulator/metrics counts the live sessions (expires_at after now) without a scan.
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
