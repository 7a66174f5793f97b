import SQLiteStore

/// The state browser's queries for gateway traffic (`GET /_emulator/ui/traffic`).
extension StateBrowserRepository {
    /// The latest transactions of every tenant, newest first, with the API's and app's names.
    public static func latestTransactions(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT t.time, t.tenant, t.transaction_id, t.api_version_id, coalesce(a.name, '') AS api, coalesce(v.name, '') AS api_version,
                   t.environment, t.operation, t.method, t.path, t.app_version_id, coalesce(p.name, '') AS app, t.contract_id,
                   t.status, t.fault, t.duration_ms, t.source
            FROM gateway_transactions t LEFT JOIN api_versions v ON v.id = t.api_version_id LEFT JOIN apis a ON a.id = t.api_id
            LEFT JOIN apps p ON p.id = t.app_id
            ORDER BY t.seq DESC LIMIT ?
            """, [limit])
    }

    /// Calls per API version and environment, from the per-day totals (0021), most first.
    public static func trafficByAPIVersion(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT m.tenant, m.api_version_id, coalesce(a.name, '') AS api, coalesce(v.name, '') AS api_version, m.environment,
                   sum(m.total_count) AS calls, sum(m.fault_count) AS faults,
                   CAST(round(sum(m.duration_sum_ms) / sum(m.total_count)) AS INTEGER) AS avg_ms,
                   strftime('%Y-%m-%d', min(m.start_ms) / 1000, 'unixepoch') AS first_day,
                   strftime('%Y-%m-%d', max(m.start_ms) / 1000, 'unixepoch') AS last_day
            FROM gateway_traffic_days m LEFT JOIN api_versions v ON v.id = m.api_version_id LEFT JOIN apis a ON a.id = v.api_id
            GROUP BY m.tenant, m.api_version_id, m.environment ORDER BY calls DESC LIMIT ?
            """, [limit])
    }
}
