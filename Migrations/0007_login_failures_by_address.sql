-- Failed logins are also counted per client address (the request's remote IP, without its port):
-- a client guessing across many accounts, or with made-up emails, is locked out as a whole.
-- NULL for failures recorded before this migration and for logins made outside the HTTP server.
ALTER TABLE login_failures ADD COLUMN address TEXT;
CREATE INDEX login_failures_by_address ON login_failures (tenant, address, failed_at);
