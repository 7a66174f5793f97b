-- 0025_journal_exchange: the request journal keeps the whole exchange, for the HAR export
-- (GET /_emulator/requests.har) and the state browser's request page: the request's header lines
-- and the response's, as "Name: value" lines joined by "\n" in the order sent, and the response
-- body as text when it is UTF-8 (its first 16 KiB, like request_body). NULL for entries written
-- before this migration, and response_* NULL until the response exists (see 0005).
-- Never edit this file once released: add 0026_*.sql instead.

ALTER TABLE request_journal ADD COLUMN request_headers TEXT;
ALTER TABLE request_journal ADD COLUMN response_headers TEXT;
ALTER TABLE request_journal ADD COLUMN response_body TEXT;
