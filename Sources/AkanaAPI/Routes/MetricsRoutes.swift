import AkanaDomain
import DispatchHTTP

/// The platform's reports from the gateway's traffic (akana help `apis/m_apis_getMetrics.htm`,
/// `apis/m_apis_exportMetrics.htm`, `apis/m_apis_exportUsageLogs.htm`, the apps service's metrics
/// page, `businesses/m_businesses_getMetrics.htm`): charts as JSON or XML, exports as CSV.
enum MetricsRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let traffic = environment.traffic

        // GET /api/apis/versions/{APIVersionID}/metrics — StartDate, EndDate, Duration, TimeInterval,
        // Environment, TimeZone, ShowSummary, ShowIntervalData.
        router.add(.get, "/api/apis/versions/{APIVersionID}/metrics", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let report = try traffic.apiVersionMetrics(
                request.parameter("APIVersionID"), query: try MetricsQuery(request: request), caller: caller.session)
            return Responses.representation(MetricsRepresentation.report(report), root: "MetricInfo", choice: choice)
        }

        // GET /api/apis/versions/{APIVersionID}/metrics/export — the same intervals as CSV rows
        // (ReportType=service.all.operations: per operation). The page names Accept text/csv and its
        // sample sends a browser's Accept: the file is CSV whatever the request accepts.
        router.add(.get, "/api/apis/versions/{APIVersionID}/metrics/export", access: .session) { request in
            let caller = try request.caller
            let query = try MetricsQuery(request: request)
            let rows = try traffic.apiVersionMetricsExport(request.parameter("APIVersionID"), query: query, caller: caller.session)
            return MetricsRepresentation.export(rows, byOperation: query.reportType == "service.all.operations")
        }

        // GET /api/apis/versions/{APIVersionID}/txlogs/export — the transactions as CSV rows, newest
        // first (ContractID, AppVersionID, Environment, StartDate, EndDate, TimeZone, Duration). rwctl
        // `apis logs` sends Accept: application/json and prints the body: CSV whatever is accepted.
        router.add(.get, "/api/apis/versions/{APIVersionID}/txlogs/export", access: .session) { request in
            let caller = try request.caller
            let transactions = try traffic.apiVersionTransactions(
                request.parameter("APIVersionID"), query: try MetricsQuery(request: request), caller: caller.session)
            return MetricsRepresentation.transactionLog(transactions)
        }

        // GET /api/apps/versions/{AppVersionID}/metrics — ApiVersionID (one API, else all) and the
        // same parameters as the API version's report.
        router.add(.get, "/api/apps/versions/{AppVersionID}/metrics", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let report = try traffic.appVersionMetrics(
                request.parameter("AppVersionID"), query: try MetricsQuery(request: request), caller: caller.session)
            return Responses.representation(MetricsRepresentation.report(report), root: "MetricInfo", choice: choice)
        }

        // GET /api/businesses/{BusinessID}/metrics — ReportType=business.top10.apis (what atmotool
        // `list topapis` asks for), Environment, StartDate, EndDate, Duration, TimeInterval,
        // ShowSummary, ShowIntervalData.
        router.add(.get, "/api/businesses/{BusinessID}/metrics", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let report = try traffic.businessMetrics(
                request.parameter("BusinessID"), query: try MetricsQuery(request: request), caller: caller.session)
            return Responses.representation(MetricsRepresentation.business(report), root: "MetricInfo", choice: choice)
        }
    }
}
