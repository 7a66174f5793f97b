import SQLiteStore

/// What a metrics report adds up: one API version's traffic, one app version's (with one API
/// version, or all), or a tenant's.
package enum TrafficScope: Sendable, Equatable {
    case apiVersion(String)
    case appVersion(String, apiVersionID: String?)
    case tenant(String)
}

/// The per-period totals of 0021 (kept by a trigger on `gateway_transactions`).
package enum TrafficRollup: CaseIterable, Sendable {
    case minutes, hours, days

    var table: String {
        switch self {
        case .minutes: return "gateway_traffic_minutes"
        case .hours: return "gateway_traffic_hours"
        case .days: return "gateway_traffic_days"
        }
    }

    /// The period, in milliseconds.
    var size: Int64 {
        switch self {
        case .minutes: return MetricsWindow.minute
        case .hours: return 60 * MetricsWindow.minute
        case .days: return MetricsWindow.day
        }
    }

    /// The coarsest table whose periods make up every interval of `window` (its start and interval
    /// are multiples of the period), or nil: the transactions themselves.
    static func serving(_ window: MetricsWindow) -> TrafficRollup? {
        [.days, .hours, .minutes].first { window.interval % $0.size == 0 && window.start % $0.size == 0 }
    }

    /// `[start, end)` (whole minutes) cut into whole days, whole hours around them and minutes at
    /// the ends: the fewest rows that add up to the range.
    static func segments(start: Int64, end: Int64) -> [(rollup: TrafficRollup, start: Int64, end: Int64)] {
        func up(_ t: Int64, _ size: Int64) -> Int64 { t % size == 0 ? t : t - ((t % size) + size) % size + size }
        func down(_ t: Int64, _ size: Int64) -> Int64 { t - ((t % size) + size) % size }
        let hour = TrafficRollup.hours.size
        let day = TrafficRollup.days.size
        var segments: [(TrafficRollup, Int64, Int64)] = []
        let (hourStart, hourEnd) = (up(start, hour), down(end, hour))
        if hourStart < hourEnd {
            let (dayStart, dayEnd) = (up(start, day), down(end, day))
            if dayStart < dayEnd {
                segments += [(.hours, hourStart, dayStart), (.days, dayStart, dayEnd), (.hours, dayEnd, hourEnd)]
            } else {
                segments.append((.hours, hourStart, hourEnd))
            }
            segments += [(.minutes, start, hourStart), (.minutes, hourEnd, end)]
        } else {
            segments.append((.minutes, start, end))
        }
        return segments.filter { $0.1 < $0.2 }
    }
}

/// The reports' queries. Intervals of whole minutes, hours or days add up the per-period totals
/// (`TrafficRollup`); shorter ones the transactions themselves. Every statement reads one index range.
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

    /// The table, its time column and the aggregate columns, for the per-period totals or (nil)
    /// the transactions.
    private static func source(_ rollup: TrafficRollup?) -> (table: String, time: String, aggregates: String) {
        guard let rollup else {
            return (
                "gateway_transactions", "time_ms",
                "count(*) AS total, sum(fault) AS faults, sum(duration_ms) AS dsum, min(duration_ms) AS dmin, max(duration_ms) AS dmax"
            )
        }
        return (
            rollup.table, "start_ms",
            "sum(total_count) AS total, sum(fault_count) AS faults, sum(duration_sum_ms) AS dsum, "
                + "min(duration_min_ms) AS dmin, max(duration_max_ms) AS dmax"
        )
    }

    /// One row per interval (and operation, with `byOperation`) that had traffic in `window`:
    /// the interval's index from the window's start, and its metrics.
    package static func buckets(_ db: SQLiteConnection, _ scope: TrafficScope, _ window: MetricsWindow, byOperation: Bool = false) throws
        -> [(bucket: Int64, operation: String, values: MetricValues)]
    {
        let (filter, filterArguments) = scopeFilter(scope)
        let (table, time, aggregates) = source(TrafficRollup.serving(window))
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

    /// The metrics of `scope` in `[start, end)` (whole periods of `rollup`; nil: the transactions),
    /// in one row, or one per operation with `byOperation` (only operations with calls).
    package static func totals(
        _ db: SQLiteConnection, _ scope: TrafficScope, rollup: TrafficRollup?, start: Int64, end: Int64, environment: String?,
        byOperation: Bool = false
    ) throws -> [(operation: String, values: MetricValues)] {
        let (filter, filterArguments) = scopeFilter(scope)
        let (table, time, aggregates) = source(rollup)
        var sql =
            "SELECT \(byOperation ? "operation" : "'' AS operation"), \(aggregates) FROM \(table) WHERE \(filter) AND \(time) >= ? AND \(time) < ?"
        var arguments = filterArguments
        arguments += [start, end]
        if let environment {
            sql += " AND environment = ?"
            arguments.append(environment)
        }
        if byOperation { sql += " GROUP BY operation ORDER BY operation" }
        return try db.query(sql, arguments).map { row in (try row.requiredString("operation"), try values(row)) }
            .filter { $0.1.totalCount > 0 }
    }

    /// The time of the first transaction `scope` has (for `Duration=all`), to the minute; nil when there is none.
    package static func firstTime(_ db: SQLiteConnection, _ scope: TrafficScope) throws -> Int64? {
        let (filter, arguments) = scopeFilter(scope)
        return try db.queryFirst("SELECT min(start_ms) AS first FROM gateway_traffic_minutes WHERE \(filter)", arguments)?.int64("first")
    }

    /// A tenant's API versions with traffic in `window` and their metrics, most calls first: whole
    /// days, hours and minutes of the range from their totals (the transactions themselves when the
    /// range is not whole minutes).
    package static func totalsByAPIVersion(_ db: SQLiteConnection, tenant: String, _ window: MetricsWindow) throws -> [(
        apiVersionID: String, values: MetricValues
    )] {
        let parts: [(rollup: TrafficRollup?, start: Int64, end: Int64)] =
            window.start % MetricsWindow.minute == 0 && window.end % MetricsWindow.minute == 0
            ? TrafficRollup.segments(start: window.start, end: window.end).map { ($0.rollup, $0.start, $0.end) }
            : [(nil, window.start, window.end)]
        var totals: [String: MetricValues] = [:]
        for part in parts {
            let (table, time, aggregates) = source(part.rollup)
            var sql = "SELECT api_version_id, \(aggregates) FROM \(table) WHERE tenant = ? AND \(time) >= ? AND \(time) < ?"
            var arguments: [any SQLiteBindable] = [tenant, part.start, part.end]
            if let environment = window.environment {
                sql += " AND environment = ?"
                arguments.append(environment)
            }
            sql += " GROUP BY api_version_id"
            for row in try db.query(sql, arguments) {
                let id = try row.requiredString("api_version_id")
                totals[id] = (totals[id] ?? MetricValues()).adding(try values(row))
            }
        }
        return totals.map { ($0.key, $0.value) }.sorted {
            $0.values.totalCount != $1.values.totalCount ? $0.values.totalCount > $1.values.totalCount : $0.apiVersionID < $1.apiVersionID
        }
    }

    private static func values(_ row: SQLiteRow) throws -> MetricValues {
        MetricValues(
            totalCount: try row.int("total") ?? 0, faultCount: try row.int("faults") ?? 0, durationSum: try row.double("dsum") ?? 0,
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
            for rollup in TrafficRollup.allCases { try db.change(tenant, "DELETE FROM \(rollup.table) WHERE tenant = ?", tenant) }
            return try db.change(tenant, "DELETE FROM gateway_transactions WHERE tenant = ?", tenant)
        }
        for rollup in TrafficRollup.allCases { try db.change("gateway_transactions", "DELETE FROM \(rollup.table)") }
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
