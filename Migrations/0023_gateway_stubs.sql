-- 0023_gateway_stubs: the answers a test sets for calls through the emulated gateway
-- (PUT /_emulator/gateway/responses), WireMock-style. Emulator state like any other table:
-- restarts keep them; resets, snapshots and checkpoints cover them. A stub matches calls to one
-- API version (any environment), by operation name or by method and path ('' matches any).
-- Never edit this file once released: add the next migration instead.

CREATE TABLE gateway_stubs (
    id             TEXT PRIMARY KEY NOT NULL,
    tenant         TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    api_version_id TEXT NOT NULL,
    -- The operation's name (api_operations.name) the stub answers; '' for any.
    operation      TEXT NOT NULL DEFAULT '',
    -- The HTTP method and the path below the access point ('/pets/1'); '' for any.
    method         TEXT NOT NULL DEFAULT '',
    path           TEXT NOT NULL DEFAULT '',
    status         INTEGER NOT NULL,
    -- The answer's headers, one 'Name: value' per line.
    headers        TEXT NOT NULL DEFAULT '',
    body           BLOB NOT NULL,
    delay_ms       INTEGER NOT NULL DEFAULT 0,
    created        TEXT NOT NULL
);
CREATE INDEX gateway_stubs_by_api_version ON gateway_stubs (api_version_id, created);
CREATE INDEX gateway_stubs_by_tenant ON gateway_stubs (tenant, created);
