-- 0021_gateway_traffic_rollups: totals of gateway_transactions per minute, per hour and per day, kept
-- by a trigger, so the platform's metrics reports (GET /api/apis/versions/{id}/metrics,
-- …/metrics/export, GET /api/apps/versions/{id}/metrics, GET /api/businesses/{id}/metrics) add up
-- at most one row per period, API version, app version, environment and operation instead of every
-- transaction: a month of traffic in daily intervals reads about thirty rows per key, whether the
-- month held a thousand calls or a million. A report reads the coarsest table whose period divides
-- its interval (a range without intervals is cut into days, hours and minutes); intervals shorter
-- than a minute read gateway_transactions itself (their ranges are short).
-- The trigger keeps the tables whoever writes the transactions (the gateway, POST /_emulator/traffic,
-- the sqlite3 shell); a checkpoint rollback turns every trigger off and puts all four tables back
-- from the undo log. Deleting transactions deletes the periods they were in (TrafficRepository.clear),
-- since a minimum and a maximum cannot be taken back one row at a time.
-- Never edit this file once released: add the next migration instead.

CREATE TABLE gateway_traffic_minutes (
    tenant           TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    api_version_id   TEXT NOT NULL,
    app_version_id   TEXT NOT NULL,
    environment      TEXT NOT NULL,
    operation        TEXT NOT NULL,
    -- The period's start, milliseconds since the epoch (a multiple of 60000).
    start_ms         INTEGER NOT NULL,
    total_count      INTEGER NOT NULL,
    fault_count      INTEGER NOT NULL,
    duration_sum_ms  REAL NOT NULL,
    duration_min_ms  REAL NOT NULL,
    duration_max_ms  REAL NOT NULL,
    PRIMARY KEY (api_version_id, start_ms, app_version_id, environment, operation)
);
CREATE INDEX gateway_traffic_minutes_by_app_version ON gateway_traffic_minutes (app_version_id, api_version_id, start_ms);
CREATE INDEX gateway_traffic_minutes_by_tenant ON gateway_traffic_minutes (tenant, start_ms);

CREATE TABLE gateway_traffic_hours (
    tenant           TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    api_version_id   TEXT NOT NULL,
    app_version_id   TEXT NOT NULL,
    environment      TEXT NOT NULL,
    operation        TEXT NOT NULL,
    -- The period's start, milliseconds since the epoch (a multiple of 3600000).
    start_ms         INTEGER NOT NULL,
    total_count      INTEGER NOT NULL,
    fault_count      INTEGER NOT NULL,
    duration_sum_ms  REAL NOT NULL,
    duration_min_ms  REAL NOT NULL,
    duration_max_ms  REAL NOT NULL,
    PRIMARY KEY (api_version_id, start_ms, app_version_id, environment, operation)
);
CREATE INDEX gateway_traffic_hours_by_app_version ON gateway_traffic_hours (app_version_id, api_version_id, start_ms);
CREATE INDEX gateway_traffic_hours_by_tenant ON gateway_traffic_hours (tenant, start_ms);

CREATE TABLE gateway_traffic_days (
    tenant           TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    api_version_id   TEXT NOT NULL,
    app_version_id   TEXT NOT NULL,
    environment      TEXT NOT NULL,
    operation        TEXT NOT NULL,
    -- The period's start, milliseconds since the epoch (a multiple of 86400000).
    start_ms         INTEGER NOT NULL,
    total_count      INTEGER NOT NULL,
    fault_count      INTEGER NOT NULL,
    duration_sum_ms  REAL NOT NULL,
    duration_min_ms  REAL NOT NULL,
    duration_max_ms  REAL NOT NULL,
    PRIMARY KEY (api_version_id, start_ms, app_version_id, environment, operation)
);
CREATE INDEX gateway_traffic_days_by_app_version ON gateway_traffic_days (app_version_id, api_version_id, start_ms);
CREATE INDEX gateway_traffic_days_by_tenant ON gateway_traffic_days (tenant, start_ms);

CREATE TRIGGER gateway_traffic_rollups_on_insert AFTER INSERT ON gateway_transactions
BEGIN
    INSERT INTO gateway_traffic_minutes (tenant, api_version_id, app_version_id, environment, operation, start_ms,
                       total_count, fault_count, duration_sum_ms, duration_min_ms, duration_max_ms)
    VALUES (NEW.tenant, NEW.api_version_id, NEW.app_version_id, NEW.environment, NEW.operation,
            NEW.time_ms - (((NEW.time_ms % 60000) + 60000) % 60000),
            1, CASE WHEN NEW.fault THEN 1 ELSE 0 END, NEW.duration_ms, NEW.duration_ms, NEW.duration_ms)
    ON CONFLICT (api_version_id, start_ms, app_version_id, environment, operation) DO UPDATE SET
        total_count = total_count + 1,
        fault_count = fault_count + excluded.fault_count,
        duration_sum_ms = duration_sum_ms + excluded.duration_sum_ms,
        duration_min_ms = min(duration_min_ms, excluded.duration_min_ms),
        duration_max_ms = max(duration_max_ms, excluded.duration_max_ms);
    INSERT INTO gateway_traffic_hours (tenant, api_version_id, app_version_id, environment, operation, start_ms,
                       total_count, fault_count, duration_sum_ms, duration_min_ms, duration_max_ms)
    VALUES (NEW.tenant, NEW.api_version_id, NEW.app_version_id, NEW.environment, NEW.operation,
            NEW.time_ms - (((NEW.time_ms % 3600000) + 3600000) % 3600000),
            1, CASE WHEN NEW.fault THEN 1 ELSE 0 END, NEW.duration_ms, NEW.duration_ms, NEW.duration_ms)
    ON CONFLICT (api_version_id, start_ms, app_version_id, environment, operation) DO UPDATE SET
        total_count = total_count + 1,
        fault_count = fault_count + excluded.fault_count,
        duration_sum_ms = duration_sum_ms + excluded.duration_sum_ms,
        duration_min_ms = min(duration_min_ms, excluded.duration_min_ms),
        duration_max_ms = max(duration_max_ms, excluded.duration_max_ms);
    INSERT INTO gateway_traffic_days (tenant, api_version_id, app_version_id, environment, operation, start_ms,
                       total_count, fault_count, duration_sum_ms, duration_min_ms, duration_max_ms)
    VALUES (NEW.tenant, NEW.api_version_id, NEW.app_version_id, NEW.environment, NEW.operation,
            NEW.time_ms - (((NEW.time_ms % 86400000) + 86400000) % 86400000),
            1, CASE WHEN NEW.fault THEN 1 ELSE 0 END, NEW.duration_ms, NEW.duration_ms, NEW.duration_ms)
    ON CONFLICT (api_version_id, start_ms, app_version_id, environment, operation) DO UPDATE SET
        total_count = total_count + 1,
        fault_count = fault_count + excluded.fault_count,
        duration_sum_ms = duration_sum_ms + excluded.duration_sum_ms,
        duration_min_ms = min(duration_min_ms, excluded.duration_min_ms),
        duration_max_ms = max(duration_max_ms, excluded.duration_max_ms);
END;
