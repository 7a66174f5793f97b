-- 0019_gateway_traffic: the transactions the emulated gateway records (one row per call to an
-- implementation's access point) and the ones a test states in bulk (POST /_emulator/traffic).
-- The platform's reports read them: GET /api/apis/versions/{id}/metrics, …/metrics/export,
-- …/txlogs/export, GET /api/apps/versions/{id}/metrics, GET /api/businesses/{id}/metrics.
-- Ids of APIs, versions, apps and contracts are not foreign keys: the platform keeps an API's
-- traffic history after the API is deleted. Times are the emulator clock's: `time` is the
-- ISO-8601 text the reports print, `time_ms` the same instant in milliseconds since the epoch,
-- which the reports' ranges and intervals compute with.
-- Never edit this file once released: add 0020_*.sql instead.

CREATE TABLE gateway_transactions (
    seq                 INTEGER PRIMARY KEY,
    tenant              TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    -- The transaction's id as reports print it (a UUID).
    transaction_id      TEXT NOT NULL UNIQUE,
    time                TEXT NOT NULL,
    time_ms             INTEGER NOT NULL,
    api_id              TEXT NOT NULL,
    api_version_id      TEXT NOT NULL,
    -- ImplementationCode (Live, Sandbox …) and its Environment (Production, Sandbox).
    implementation_code TEXT NOT NULL,
    environment         TEXT NOT NULL,
    -- The operation the call matched ('' when it matched none), its HTTP method and path.
    operation           TEXT NOT NULL DEFAULT '',
    method              TEXT NOT NULL,
    path                TEXT NOT NULL,
    -- The calling app version ('' when the call carried no credentials the gateway knows) and the
    -- contract that let it through ('' when none did).
    app_id              TEXT NOT NULL DEFAULT '',
    app_version_id      TEXT NOT NULL DEFAULT '',
    contract_id         TEXT NOT NULL DEFAULT '',
    status              INTEGER NOT NULL,
    -- Whether the call is a fault in the reports' sense (refused by the gateway, or an error
    -- status from the target), and the fault's text ('' when none).
    fault               INTEGER NOT NULL DEFAULT 0,
    fault_message       TEXT NOT NULL DEFAULT '',
    duration_ms         REAL NOT NULL,
    request_size        INTEGER NOT NULL,
    response_size       INTEGER NOT NULL,
    client_address      TEXT NOT NULL DEFAULT '',
    -- 'gateway' (a call the listener served) or 'stated' (POST /_emulator/traffic).
    source              TEXT NOT NULL DEFAULT 'gateway'
);
CREATE INDEX gateway_transactions_by_api_version ON gateway_transactions (api_version_id, time_ms);
CREATE INDEX gateway_transactions_by_app_version ON gateway_transactions (app_version_id, api_version_id, time_ms);
CREATE INDEX gateway_transactions_by_tenant ON gateway_transactions (tenant, time_ms);
