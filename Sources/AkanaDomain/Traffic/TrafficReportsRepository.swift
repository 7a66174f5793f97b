import SQLiteStore

/// What a metrics report adds up: one API version's traffic, one app version's (with one API
/// version, or all), or a tenant's.
package enum TrafficScope: Sendable, Equatable {
    case apiVersion(String)
    case appVersion(String, apiVersionID: String?)
    case tenant(String)
}

/// The reports' queries. Intervals of whole minutes add up `gateway_traffic_minutes` (0021, kept by
/// triggers); shorter ones the transactions themselves. Every statement reads one index range.
extension TrafficRepository {
    /// `WHERE` text and arguments for `scope`, on either table (both have the same column names).
    private static func scopeFilter(_ scope: TrafficScope) -> (String, [any SQLiteBindable]) {
        switch scope {
        case .apiVersion(let id): return ("api_version_id = ?", [id])
        case .appVersion(let id, let apiVersionID?): return ("app_version_id = ? AND api_version_id = ?", [id, apiVersionID])
        case .appVersion(let id, nil): return ("app_version_id = ?", [id])
        case .tenant(let tenant): return ("tenant = ?", [tenant])
        }
    }

    /// One row per interval (and operation, with `byOperation`) that had traffic in `window`:
    /// the interval's index from the window's start, and its metrics.
    package static func buckets(_ db: SQLiteConnection, _ scope: TrafficScope, _ window: MetricsWindow, byOperation: Bool = false) throws
        -> [(bucket: Int64, operation: String, values: MetricValues)]
    {
        let (filter, filterArguments) = scopeFilter(scope)
        let (table, time, aggregates) =
            window.minuteAligned
            ? (
                "gateway_traffic_minutes", "minute_ms",
                "sum(total_count) AS total, sum(fault_count) AS faults, sum(duration_sum_ms) AS dsum, "
                    + "min(duration_min_ms) AS dmin, max(duration_max_ms) AS dmax"
            )
            : (
                "gateway_transactions", "time_ms",
                "count(*) AS total, sum(fault) AS faults, sum(duration_ms) AS dsum, min(duration_ms) AS dmin, max(duration_ms) AS dmax"
            )
        var sql =
            "SELECT (\(time) - ?) / ? AS bucket, \(byOperation ? "operation" : "'' AS operation"), \(aggregates) FROM \(table) "
            + "WHERE \(filter) AND \(time) >= ? AND \(time) < ?"
        var arguments: [any SQLiteBindable] = [window.start, window.interval]
        arguments += filterArguments
        arguments += [window.start, window.end]
        if let environment = window.environment {
            sql += " AND environment = ?"
            arguments.append(environment)
        }
        sql += byOperation ? " GROUP BY bucket, operation ORDER BY bucket, operation" : " GROUP BY bucket ORDER BY bucket"
        return try db.query(sql, arguments).map { row in
            (try row.requiredInt64("bucket"), try row.requiredString("operation"), try values(row))
        }
    }

    /// The time of the first transaction `scope` has (for `Duration=all`), nil when there is none.
    package static func firstTime(_ db: SQLiteConnection, _ scope: TrafficScope) throws -> Int64? {
        let (filter, arguments) = scopeFilter(scope)
        return try db.queryFirst("SELECT min(minute_ms) AS first FROM gateway_traffic_minutes WHERE \(filter)", arguments)?.int64("first")
    }

    /// A tenant's API versions with traffic in `window` and their metrics, most calls first.
    package static func totalsByAPIVersion(_ db: SQLiteConnection, tenant: String, _ window: MetricsWindow) throws -> [(
        apiVersionID: String, values: MetricValues
    )] {
        let (table, time, aggregates) =
            window.minuteAligned
            ? (
                "gateway_traffic_minutes", "minute_ms",
                "sum(total_count) AS total, sum(fault_count) AS faults, sum(duration_sum_ms) AS dsum, "
                    + "min(duration_min_ms) AS dmin, max(duration_max_ms) AS dmax"
            )
            : (
                "gateway_transactions", "time_ms",
                "count(*) AS total, sum(fault) AS faults, sum(duration_ms) AS dsum, min(duration_ms) AS dmin, max(duration_ms) AS dmax"
            )
        var sql = "SELECT api_version_id, \(aggregates) FROM \(table) WHERE tenant = ? AND \(time) >= ? AND \(time) < ?"
        var arguments: [any SQLiteBindable] = [tenant, window.start, window.end]
        if let environment = window.environment {
            sql += " AND environment = ?"
            arguments.append(environment)
        }
        sql += " GROUP BY api_version_id ORDER BY total DESC, api_version_id"
        return try db.query(sql, arguments).map { row in (try row.requiredString("api_version_id"), try values(row)) }
    }

    private static func values(_ row: SQLiteRow) throws -> MetricValues {
        MetricValues(
            totalCount: try row.requiredInt("total"), faultCount: try row.int("faults") ?? 0, durationSum: try row.double("dsum") ?? 0,
            durationMin: try row.double("dmin") ?? 0, durationMax: try row.double("dmax") ?? 0)
    }

    /// An API version's transactions in `window`, newest first, at most `limit`; only the app
    /// version's and the contract's when given.
    package static func transactions(
        _ db: SQLiteConnection, apiVersionID: String, appVersionID: String?, contractID: String?, start: Int64, end: Int64,
        environment: String?, limit: Int
    ) throws -> [GatewayTransaction] {
        var sql: String
        var arguments: [any SQLiteBindable]
        if let appVersionID {
            sql =
                "SELECT \(columns) FROM gateway_transactions WHERE app_version_id = ? AND api_version_id = ? AND time_ms >= ? AND time_ms < ?"
            arguments = [appVersionID, apiVersionID, start, end]
        } else {
            sql = "SELECT \(columns) FROM gateway_transactions WHERE api_version_id = ? AND time_ms >= ? AND time_ms < ?"
            arguments = [apiVersionID, start, end]
        }
        if let environment {
            sql += " AND environment = ?"
            arguments.append(environment)
        }
        if let contractID {
            sql += " AND contract_id = ?"
            arguments.append(contractID)
        }
        sql += " ORDER BY time_ms DESC, seq DESC LIMIT ?"
        arguments.append(limit)
        return try db.query(sql, arguments).map(transaction)
    }

    /// A tenant's latest transactions (`GET /_emulator/traffic`), newest first, filtered.
    package static func latest(
        _ db: SQLiteConnection, tenant: String, apiVersionID: String?, appVersionID: String?, environment: String?, limit: Int
    ) throws -> [GatewayTransaction] {
        var sql: String
        var arguments: [any SQLiteBindable]
        if let apiVersionID {
            sql = "SELECT \(columns) FROM gateway_transactions WHERE api_version_id = ? AND tenant = ?"
            arguments = [apiVersionID, tenant]
        } else {
            sql = "SELECT \(columns) FROM gateway_transactions WHERE tenant = ?"
            arguments = [tenant]
        }
        if let appVersionID {
            sql += " AND app_version_id = ?"
            arguments.append(appVersionID)
        }
        if let environment {
            sql += " AND environment = ?"
            arguments.append(environment)
        }
        sql += " ORDER BY time_ms DESC, seq DESC LIMIT ?"
        arguments.append(limit)
        return try db.query(sql, arguments).map(transaction)
    }

    /// Deletes every transaction (`tenant` nil) or one tenant's, with the minutes they were in;
    /// returns how many transactions.
    package static func clear(_ db: SQLiteConnection, tenant: String?) throws -> Int {
        if let tenant {
            try db.change(tenant, "DELETE FROM gateway_traffic_minutes WHERE tenant = ?", tenant)
            return try db.change(tenant, "DELETE FROM gateway_transactions WHERE tenant = ?", tenant)
        }
        try db.change("gateway_transactions", "DELETE FROM gateway_traffic_minutes")
        return try db.change("gateway_transactions", "DELETE FROM gateway_transactions")
    }

    /// Whether a transaction has this id already (ids are unique across tenants).
    package static func exists(_ db: SQLiteConnection, transactionID: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS found FROM gateway_transactions WHERE transaction_id = ?", transactionID) != nil
    }

    /// Whether the user is on the team of an app with a contract (not cancelled) for the API version:
    /// "an app developer who has a contract with the API" (metrics pages).
    package static func isContractedDeveloper(_ db: SQLiteConnection, apiVersionID: String, userID: String) throws -> Bool {
        try db.queryFirst(
            """
            SELECT 1 AS found FROM contracts c
              JOIN app_versions v ON v.id = c.runtime_id
              JOIN app_team_members m ON m.app_id = v.app_id AND m.user_id = ?
              LEFT JOIN workflow_objects o ON o.object_id = c.id
             WHERE c.api_version_id = ? AND coalesce(o.status, '') <> ?
             LIMIT 1
            """, userID, apiVersionID, Contract.cancelled) != nil
    }

    /// Whether the user administers an API the app version has a contract (not cancelled) with:
    /// "API Admin for an API that the app has a contract with" (app metrics pages).
    package static func isAdminOfContractedAPI(_ db: SQLiteConnection, appVersionID: String, userID: String) throws -> Bool {
        try db.queryFirst(
            """
            SELECT 1 AS found FROM contracts c
              JOIN api_versions v ON v.id = c.api_version_id
              JOIN api_admins a ON a.api_id = v.api_id AND a.user_id = ?
              LEFT JOIN workflow_objects o ON o.object_id = c.id
             WHERE c.runtime_id = ? AND coalesce(o.status, '') <> ?
             LIMIT 1
            """, userID, appVersionID, Contract.cancelled) != nil
    }
}
