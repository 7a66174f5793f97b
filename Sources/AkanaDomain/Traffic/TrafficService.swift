import Foundation
import SQLiteStore

/// The platform's reports from the gateway's traffic (metrics charts, the metrics and transaction
/// log exports, the business's top APIs) and the traffic a test states (`/_emulator/traffic`).
/// One read or write per call; the roles each report's help page names are checked inside it.
public final class TrafficService: Sendable {
    private let database: DatabasePool
    private let clock: EmulatorClock
    private let ids: IDGenerator

    /// `POST /_emulator/traffic` takes at most this many transactions per request.
    public static let maxStatedPerRequest = 10_000
    /// The transaction log export lists at most this many transactions, newest first.
    public static let maxLoggedTransactions = 10_000
    /// `GET /_emulator/traffic` lists at most this many.
    public static let maxListed = 1_000
    /// `ReportType` values the business report knows.
    public static let businessReportTypes = ["business.top10.apis"]
    /// `ReportType` values of the metrics export: per interval, or per interval and operation.
    public static let exportReportTypes = ["service.all", "service.all.operations"]

    public init(database: DatabasePool, clock: EmulatorClock, ids: IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    private var nowMillis: Int64 { Int64((clock.now().timeIntervalSince1970 * 1000).rounded(.down)) }

    // MARK: - Who may read

    /// The API version, when the caller may read its metrics: "a user with Monitor permission for
    /// the API; an API Admin or Business Admin or an app developer who has a contract with the API"
    /// (m_apis_getMetrics; Site Admins too). Others get 403 when they can see the version, else 404.
    private func monitoredAPIVersion(_ db: SQLiteConnection, _ id: String, caller: AuthenticatedSession) throws -> APIVersion {
        guard let version = try APIRepository.version(db, id: id), version.tenant == caller.tenant else {
            throw DomainError.notFound("API version \(id) was not found.")
        }
        if caller.isSiteAdmin || caller.isBusinessAdmin { return version }
        if try APIRepository.isAdmin(db, apiID: version.apiID, userID: caller.userID) { return version }
        if try TrafficRepository.isContractedDeveloper(db, apiVersionID: id, userID: caller.userID) { return version }
        guard try APIAccess.canRead(db, apiID: version.apiID, visibility: version.visibility, caller: caller) else {
            throw DomainError.notFound("API version \(id) was not found.")
        }
        throw DomainError.forbidden(
            "Only the API's admins, Business Admins and the teams of apps with a contract with it may read the metrics of API version \(id)."
        )
    }

    /// The app version, when the caller may read its metrics: "an App team member, Business Admin,
    /// or API Admin for an API that the app has a contract with" (m_apps_exportMetrics; Site Admins
    /// too). Others get 403 when they can see the version, else 404.
    private func monitoredAppVersion(_ db: SQLiteConnection, _ id: String, caller: AuthenticatedSession) throws -> AppVersion {
        guard let version = try AppRepository.version(db, id: id), version.tenant == caller.tenant else {
            throw DomainError.notFound("App version \(id) was not found.")
        }
        if caller.isSiteAdmin || caller.isBusinessAdmin { return version }
        if try AppRepository.isTeamMember(db, appID: version.appID, userID: caller.userID) { return version }
        if try TrafficRepository.isAdminOfContractedAPI(db, appVersionID: id, userID: caller.userID) { return version }
        guard version.visibility == Visibility.public || version.visibility == Visibility.registeredUsers else {
            throw DomainError.notFound("App version \(id) was not found.")
        }
        throw DomainError.forbidden(
            "Only the app's team, Business Admins and the admins of APIs it has a contract with may read the metrics of app version \(id).")
    }

    // MARK: - Reports

    /// `GET /api/apis/versions/{APIVersionID}/metrics`. Defaults: the last day in hourly intervals,
    /// every environment (the page's default is not visible; every environment shows a Sandbox
    /// implementation's calls to a client that sends no parameters, as rwctl does), intervals
    /// listed, no summary.
    public func apiVersionMetrics(_ apiVersionID: String, query: MetricsQuery, caller: AuthenticatedSession) throws -> MetricsReport {
        try database.read(in: caller.scope) { db in
            _ = try self.monitoredAPIVersion(db, apiVersionID, caller: caller)
            return try self.report(db, .apiVersion(apiVersionID), query: query)
        }
    }

    /// `GET /api/apps/versions/{AppVersionID}/metrics[?ApiVersionID=…]`: the app version's calls
    /// (to that API version, or to all), with the same parameters and defaults.
    public func appVersionMetrics(_ appVersionID: String, query: MetricsQuery, caller: AuthenticatedSession) throws -> MetricsReport {
        try database.read(in: caller.scope) { db in
            _ = try self.monitoredAppVersion(db, appVersionID, caller: caller)
            var apiVersionID: String?
            if let given = query.apiVersionID, !given.isEmpty {
                guard let version = try APIRepository.version(db, id: given), version.tenant == caller.tenant else {
                    throw DomainError.badRequest("ApiVersionID: API version \(given) was not found.")
                }
                apiVersionID = version.id
            }
            return try self.report(db, .appVersion(appVersionID, apiVersionID: apiVersionID), query: query)
        }
    }

    /// The metrics of each interval of `window` that had calls (and of each operation, with
    /// `byOperation`): by the interval's index. Fixed intervals in one grouped query; calendar
    /// months one query per interval over the per-day totals.
    private func intervalValues(_ db: SQLiteConnection, _ scope: TrafficScope, _ window: MetricsWindow, byOperation: Bool = false)
        throws -> [(index: Int64, operation: String, values: MetricValues)]
    {
        guard window.months > 0 else {
            return try TrafficRepository.buckets(db, scope, window, byOperation: byOperation).map { ($0.bucket, $0.operation, $0.values) }
        }
        var result: [(Int64, String, MetricValues)] = []
        for (index, interval) in window.intervals.enumerated() {
            for row in try TrafficRepository.totals(
                db, scope, rollup: .days, start: interval.start, end: interval.end, environment: window.environment,
                byOperation: byOperation)
            {
                result.append((Int64(index), row.operation, row.values))
            }
        }
        return result
    }

    private func report(_ db: SQLiteConnection, _ scope: TrafficScope, query: MetricsQuery) throws -> MetricsReport {
        let window = try MetricsWindow.resolve(
            query, now: nowMillis, defaultDuration: "1d", defaultInterval: "1h", environmentDefaultsToAll: true
        ) { try TrafficRepository.firstTime(db, scope) }
        var buckets: [Int64: MetricValues] = [:]
        for row in try intervalValues(db, scope, window) { buckets[row.index] = row.values }
        return MetricsReport(
            window: window, buckets: buckets, showSummary: query.showSummary ?? false, showIntervalData: query.showIntervalData ?? true)
    }

    /// `GET /api/apis/versions/{APIVersionID}/metrics/export`: the chart's intervals as table rows,
    /// per operation too with `ReportType=service.all.operations` (then only rows with calls).
    public func apiVersionMetricsExport(_ apiVersionID: String, query: MetricsQuery, caller: AuthenticatedSession) throws
        -> [MetricsExportRow]
    {
        let reportType = query.reportType.flatMap { $0.isEmpty ? nil : $0 } ?? "service.all"
        guard Self.exportReportTypes.contains(reportType) else {
            throw DomainError.badRequest(
                "ReportType must be one of \(Self.exportReportTypes.joined(separator: ", ")); not '\(reportType)'.")
        }
        let byOperation = reportType == "service.all.operations"
        return try database.read(in: caller.scope) { db in
            _ = try self.monitoredAPIVersion(db, apiVersionID, caller: caller)
            let scope = TrafficScope.apiVersion(apiVersionID)
            let window = try MetricsWindow.resolve(
                query, now: self.nowMillis, defaultDuration: "1d", defaultInterval: "1h", environmentDefaultsToAll: true
            ) { try TrafficRepository.firstTime(db, scope) }
            let rows = try self.intervalValues(db, scope, window, byOperation: byOperation)
            let intervals = window.intervals
            if byOperation {
                return rows.map { row in
                    let interval = intervals[Int(row.index)]
                    return MetricsExportRow(start: interval.start, end: interval.end, operation: row.operation, values: row.values)
                }
            }
            var buckets: [Int64: MetricValues] = [:]
            for row in rows { buckets[row.index] = row.values }
            return intervals.enumerated().map { index, interval in
                MetricsExportRow(
                    start: interval.start, end: interval.end, operation: nil, values: buckets[Int64(index)] ?? MetricValues())
            }
        }
    }

    /// `GET /api/apis/versions/{APIVersionID}/txlogs/export`: the version's transactions, newest
    /// first (at most `maxLoggedTransactions`), of the whole history unless a range is given; only
    /// those of `AppVersionID` and `ContractID` when given (the page marks ContractID required; it
    /// is optional here, as rwctl sends no parameter).
    public func apiVersionTransactions(_ apiVersionID: String, query: MetricsQuery, caller: AuthenticatedSession) throws
        -> [GatewayTransaction]
    {
        try database.read(in: caller.scope) { db in
            _ = try self.monitoredAPIVersion(db, apiVersionID, caller: caller)
            var appVersionID: String?
            if let given = query.appVersionID, !given.isEmpty {
                guard let version = try AppRepository.version(db, id: given), version.tenant == caller.tenant else {
                    throw DomainError.badRequest("AppVersionID: app version \(given) was not found.")
                }
                appVersionID = version.id
            }
            var contractID: String?
            if let given = query.contractID, !given.isEmpty {
                guard let contract = try ContractRepository.contract(db, id: given), contract.tenant == caller.tenant,
                    contract.apiVersionID == apiVersionID
                else { throw DomainError.badRequest("ContractID: contract \(given) is not a contract of API version \(apiVersionID).") }
                contractID = contract.id
            }
            var exact = query
            exact.timeInterval = "1s"
            let window = try MetricsWindow.resolve(
                exact, now: self.nowMillis, defaultDuration: "all", defaultInterval: "1s", environmentDefaultsToAll: true,
                listsIntervals: false
            ) { try TrafficRepository.firstTime(db, .apiVersion(apiVersionID)) }
            return try TrafficRepository.transactions(
                db, apiVersionID: apiVersionID, appVersionID: appVersionID, contractID: contractID, start: window.start,
                end: window.end, environment: window.environment, limit: Self.maxLoggedTransactions)
        }
    }

    /// `GET /api/businesses/{BusinessID}/metrics` (`ReportType=business.top10.apis`, the default):
    /// the ten API versions of the tenant with the most calls in the range that the caller may see
    /// ("Must have visibility of the business organization"), with the business's totals (Summary,
    /// on unless ShowSummary=false) and intervals (ShowIntervalData=true). Environment defaults to
    /// Production, as the business export page says.
    public func businessMetrics(_ businessID: String, query: MetricsQuery, caller: AuthenticatedSession) throws -> BusinessMetricsReport {
        _ = try TenantBusiness.named(businessID, tenant: caller.tenant)
        let reportType = query.reportType.flatMap { $0.isEmpty ? nil : $0 } ?? "business.top10.apis"
        guard Self.businessReportTypes.contains(reportType) else {
            throw DomainError.badRequest(
                "ReportType must be one of \(Self.businessReportTypes.joined(separator: ", ")); not '\(reportType)'.")
        }
        let showIntervals = query.showIntervalData ?? false
        return try database.read(in: caller.scope) { db in
            let scope = TrafficScope.tenant(caller.tenant)
            let window = try MetricsWindow.resolve(
                query, now: self.nowMillis, defaultDuration: "1d", defaultInterval: "1h", environmentDefaultsToAll: false,
                listsIntervals: showIntervals
            ) { try TrafficRepository.firstTime(db, scope) }
            var buckets: [Int64: MetricValues] = [:]
            if showIntervals {
                for row in try self.intervalValues(db, scope, window) { buckets[row.index] = row.values }
            }
            var entries: [BusinessMetricsReport.APIEntry] = []
            var summary = MetricValues()
            for (versionID, values) in try TrafficRepository.totalsByAPIVersion(db, tenant: caller.tenant, window) {
                summary = summary.adding(values)
                guard entries.count < 10, let version = try APIRepository.version(db, id: versionID),
                    try APIAccess.canRead(db, apiID: version.apiID, visibility: version.visibility, caller: caller),
                    let api = try APIRepository.api(db, id: version.apiID)
                else { continue }
                entries.append(
                    BusinessMetricsReport.APIEntry(
                        apiID: api.id, apiVersionID: version.id, apiName: api.name, versionName: version.name, values: values))
            }
            var chart = MetricsReport(
                window: window, buckets: buckets, showSummary: query.showSummary ?? true, showIntervalData: showIntervals)
            chart.summary = summary
            if !showIntervals { chart.intervals = [] }
            return BusinessMetricsReport(reportType: reportType, chart: chart, apis: entries)
        }
    }

    // MARK: - Stated traffic (`/_emulator/traffic`)

    /// Records the transactions a test states, in one write: every id checked against the tenant's
    /// API versions, app versions and contracts, every time resolved against the emulator clock.
    /// Any bad entry refuses them all (400 naming `Transaction[i].Field`); a taken TransactionID is 409.
    public func state(_ inputs: [StatedTransactionInput], tenant: String, scope: TransactionScope) throws -> [GatewayTransaction] {
        guard !inputs.isEmpty else { throw DomainError.badRequest("State at least one transaction.") }
        guard inputs.count <= Self.maxStatedPerRequest else {
            throw DomainError.badRequest(
                "\(inputs.count) transactions in one request; at most \(Self.maxStatedPerRequest) are accepted (send several requests).")
        }
        let now = nowMillis
        return try database.write(in: scope) { db in
            var apiVersions: [String: APIVersion] = [:]
            var appVersions: [String: AppVersion] = [:]
            var openContracts: [String: String] = [:]
            var taken = Set<String>()
            var recorded: [GatewayTransaction] = []
            recorded.reserveCapacity(inputs.count)
            for (index, input) in inputs.enumerated() {
                let field = { (name: String) in "Transaction[\(index)].\(name)" }
                let timeMillis = try Self.time(input.time, now: now, field: field("Time"))
                guard let apiVersionID = input.apiVersionID, !apiVersionID.isEmpty else {
                    throw DomainError.badRequest("\(field("APIVersionID")) is required.")
                }
                let apiVersion: APIVersion
                if let known = apiVersions[apiVersionID] {
                    apiVersion = known
                } else {
                    guard let found = try APIRepository.version(db, id: apiVersionID), found.tenant == tenant else {
                        throw DomainError.badRequest(
                            "\(field("APIVersionID")): API version \(apiVersionID) is not one of tenant \(tenant)'s.")
                    }
                    apiVersions[apiVersionID] = found
                    apiVersion = found
                }
                let environment: String
                switch input.environment?.lowercased() {
                case nil, "production": environment = "Production"
                case "sandbox": environment = "Sandbox"
                default:
                    throw DomainError.badRequest("\(field("Environment")) must be Sandbox or Production, not '\(input.environment ?? "")'.")
                }
                var appVersion: AppVersion?
                if let appVersionID = input.appVersionID, !appVersionID.isEmpty {
                    if let known = appVersions[appVersionID] {
                        appVersion = known
                    } else {
                        guard let found = try AppRepository.version(db, id: appVersionID), found.tenant == tenant else {
                            throw DomainError.badRequest(
                                "\(field("AppVersionID")): app version \(appVersionID) is not one of tenant \(tenant)'s.")
                        }
                        appVersions[appVersionID] = found
                        appVersion = found
                    }
                }
                var contractID = ""
                if let given = input.contractID, !given.isEmpty {
                    guard let contract = try ContractRepository.contract(db, id: given), contract.tenant == tenant,
                        contract.apiVersionID == apiVersionID, appVersion.map({ $0.id == contract.runtimeID }) ?? true
                    else {
                        throw DomainError.badRequest(
                            "\(field("ContractID")): contract \(given) is not a contract of API version \(apiVersionID)"
                                + (appVersion.map { " and app version \($0.id)" } ?? "") + ".")
                    }
                    contractID = contract.id
                } else if let appVersion {
                    // The contract that would have let the call through, as the gateway records it.
                    let key = "\(appVersion.id)|\(apiVersionID)|\(environment)"
                    if let known = openContracts[key] {
                        contractID = known
                    } else {
                        contractID =
                            try ContractRepository.openContract(
                                db, runtimeID: appVersion.id, apiVersionID: apiVersionID, environment: environment) ?? ""
                        openContracts[key] = contractID
                    }
                }
                let status = input.status ?? 200
                guard (100...599).contains(status) else {
                    throw DomainError.badRequest("\(field("Status")) must be an HTTP status from 100 to 599, not \(status).")
                }
                let responseTime = input.responseTime ?? 0
                guard responseTime.isFinite, (0...86_400_000).contains(responseTime) else {
                    throw DomainError.badRequest("\(field("ResponseTime")) must be a number of milliseconds from 0 to 86400000.")
                }
                for (name, size) in [("RequestSize", input.requestSize), ("ResponseSize", input.responseSize)] {
                    if let size, size < 0 { throw DomainError.badRequest("\(field(name)) must not be negative.") }
                }
                let transactionID = input.transactionID.flatMap { $0.isEmpty ? nil : $0 } ?? self.ids.uuid()
                guard taken.insert(transactionID).inserted, try !TrafficRepository.exists(db, transactionID: transactionID) else {
                    throw DomainError.conflict("\(field("TransactionID")): transaction \(transactionID) exists already.")
                }
                let date = Date(timeIntervalSince1970: Double(timeMillis) / 1000)
                var transaction = GatewayTransaction(
                    tenant: tenant, transactionID: transactionID, time: Timestamp.iso8601Milliseconds(date), timeMillis: timeMillis,
                    apiID: apiVersion.apiID, apiVersionID: apiVersionID,
                    implementationCode: input.implementationCode.flatMap { $0.isEmpty ? nil : $0 }
                        ?? (environment == "Production" ? "Live" : "Sandbox"),
                    environment: environment, operation: input.operation ?? "",
                    method: input.method.flatMap { $0.isEmpty ? nil : $0 } ?? "GET",
                    path: input.path.flatMap { $0.isEmpty ? nil : $0 } ?? "/", appID: appVersion?.appID ?? "",
                    appVersionID: appVersion?.id ?? "", contractID: contractID, status: status, fault: input.fault ?? (status >= 400),
                    faultMessage: input.faultMessage ?? "", durationMillis: responseTime, requestSize: input.requestSize ?? 0,
                    responseSize: input.responseSize ?? 0, clientAddress: input.clientAddress ?? "", source: .stated)
                transaction.seq = try TrafficRepository.record(db, transaction)
                recorded.append(transaction)
            }
            return recorded
        }
    }

    /// `now`, a date, an ISO-8601 UTC time, or `-15m` / `+2d` from `now`, in milliseconds.
    static func time(_ text: String?, now: Int64, field: String) throws -> Int64 {
        guard let text, !text.isEmpty, text.lowercased() != "now" else { return now }
        if let sign = text.first, sign == "-" || sign == "+", let span = MetricsWindow.span(String(text.dropFirst())) {
            return sign == "-" ? now - span : now + span
        }
        if let absolute = MetricsWindow.date(text) { return absolute }
        throw DomainError.badRequest(
            "\(field) must be an ISO-8601 UTC time (2026-01-05T10:00:00Z), a date, now, or relative to now such as -15m or -2d; not '\(text)'."
        )
    }

    /// Deletes every tenant's transactions (`tenant` nil) or one tenant's; returns how many.
    public func clear(tenant: String?, scope: TransactionScope) throws -> Int {
        try database.write(in: scope) { db in try TrafficRepository.clear(db, tenant: tenant) }
    }

    /// A tenant's latest transactions, newest first (`GET /_emulator/traffic`).
    public func latest(
        tenant: String, apiVersionID: String?, appVersionID: String?, environment: String?, limit: Int, scope: TransactionScope
    ) throws -> [GatewayTransaction] {
        let environment = try MetricsWindow.environment(environment, defaultAll: true)
        guard (1...Self.maxListed).contains(limit) else {
            throw DomainError.badRequest("limit must be from 1 to \(Self.maxListed), not \(limit).")
        }
        return try database.read(in: scope) { db in
            try TrafficRepository.latest(
                db, tenant: tenant, apiVersionID: apiVersionID, appVersionID: appVersionID, environment: environment, limit: limit)
        }
    }
}
