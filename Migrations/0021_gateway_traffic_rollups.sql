-- 0021_gateway_traffic_rollups: per-minute totals of gateway_transactions, kept by triggers, so the
-- platform's metrics reports (GET /api/apis/versions/{id}/metrics, …/metrics/export,
-- GET /api/apps/versions/{id}/metrics, GET /api/businesses/{id}/metrics) add up at most one row per
-- minute, API version, app version, environment and operation instead of every transaction: a month
-- of traffic at a million transactions answers in milliseconds. Intervals shorter than a minute
-- read gateway_transactions itself (their ranges are short).
-- The triggers keep the table whoever writes the transactions (the gateway, POST /_emulator/traffic,
-- the sqlite3 shell); a checkpoint rollback turns every trigger off and puts both tables back from
-- the undo log. Deleting transactions deletes the minutes they were in (TrafficRepository.clear),
-- since a minimum and a maximum cannot be taken back one row at a time.
-- Never edit this file once released: add the next migration instead.

CREATE TABLE gateway_traffic_minutes (
    tenant           TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    api_version_id   TEXT NOT NULL,
    app_version_id   TEXT NOT NULL,
    environment      TEXT NOT NULL,
    operation        TEXT NOT NULL,
    -- The minute's start, milliseconds since the epoch (a multiple of 60000).
    minute_ms        INTEGER NOT NULL,
    total_count      INTEGER NOT NULL,
    fault_count      INTEGER NOT NULL,
    duration_sum_ms  REAL NOT NULL,
    duration_min_ms  REAL NOT NULL,
    duration_max_ms  REAL NOT NULL,
    PRIMARY KEY (api_version_id, minute_ms, app_version_id, environment, operation)
);
CREATE INDEX gateway_traffic_minutes_by_app_version ON gateway_traffic_minutes (app_version_id, api_version_id, minute_ms);
CREATE INDEX gateway_traffic_minutes_by_tenant ON gateway_traffic_minutes (tenant, minute_ms);

CREATE TRIGGER gateway_traffic_minutes_on_insert AFTER INSERT ON gateway_transactions
BEGIN
    INSERT INTO gateway_traffic_minutes (tenant, api_version_id, app_version_id, environment, operation, minute_ms,
                                         total_count, fault_count, duration_sum_ms, duration_min_ms, duration_max_ms)
    VALUES (NEW.tenant, NEW.api_version_id, NEW.app_version_id, NEW.environment, NEW.operation,
            NEW.time_ms - (((NEW.time_ms % 60000) + 60000) % 60000),
            1, CASE WHEN NEW.fault THEN 1 ELSE 0 END, NEW.duration_ms, NEW.duration_ms, NEW.duration_ms)
    ON CONFLICT (api_version_id, minute_ms, app_version_id, environment, operation) DO UPDATE SET
        total_count = total_count + 1,
        fault_count = fault_count + excluded.fault_count,
        duration_sum_ms = duration_sum_ms + excluded.duration_sum_ms,
        duration_min_ms = min(duration_min_ms, excluded.duration_min_ms),
        duration_max_ms = max(duration_max_ms, excluded.duration_max_ms);
END;
