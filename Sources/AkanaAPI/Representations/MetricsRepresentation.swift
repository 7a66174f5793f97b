import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec

/// The shapes of the metrics reports (akana help `apis/m_apis_getMetrics.htm` and the apps and
/// businesses services' metrics pages): `{StartTime, EndTime, Interval[{StartTime, Metric[{Name,
/// Value}]}], Summary{StartTime, EndTime, Metric[…]}}`, what rwctl `apis metrics` reads; the CSV
/// exports; the transactions `/_emulator/traffic` lists.
enum MetricsRepresentation {
    static func time(_ millis: Int64) -> String { Timestamp.iso8601(Date(timeIntervalSince1970: Double(millis) / 1000)) }

    /// `[{Name, Value}]`, values whole numbers (milliseconds for the times).
    static func metrics(_ values: MetricValues) -> JSONValue {
        .array(values.named.map { .object([("Name", .string($0.name)), ("Value", .integer(Int64($0.value)))]) })
    }

    static func report(_ report: MetricsReport) -> JSONValue {
        .object(members(report))
    }

    static func members(_ report: MetricsReport) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("StartTime", .string(time(report.window.start))), ("EndTime", .string(time(report.window.end)))
        ]
        if report.showIntervalData {
            members.append(
                (
                    "Interval",
                    .array(
                        report.intervals.map { interval in
                            .object([("StartTime", .string(time(interval.start))), ("Metric", metrics(interval.values))])
                        })
                ))
        }
        if report.showSummary {
            members.append(
                (
                    "Summary",
                    .object([
                        ("StartTime", .string(time(report.window.start))), ("EndTime", .string(time(report.window.end))),
                        ("Metric", metrics(report.summary))
                    ])
                ))
        }
        return members
    }

    /// The business report: the range, its ReportType and Environment, the top API versions
    /// (`API[{APIID, APIVersionID, Name, VersionName, Metric[…]}]`), then Summary and Interval as
    /// the other charts print them.
    static func business(_ report: BusinessMetricsReport) -> JSONValue {
        var members = members(report.chart)
        let api: (String, JSONValue) = (
            "API",
            .array(
                report.apis.map { entry in
                    .object([
                        ("APIID", .string(entry.apiID)), ("APIVersionID", .string(entry.apiVersionID)), ("Name", .string(entry.apiName)),
                        ("VersionName", .string(entry.versionName)), ("Metric", metrics(entry.values))
                    ])
                })
        )
        members.insert(
            contentsOf: [
                ("ReportType", .string(report.reportType)), ("Environment", .string(report.chart.window.environment ?? "All")), api
            ], at: 2)
        return .object(members)
    }

    // MARK: - CSV

    /// One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func field(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func csv(_ rows: [[String]], filename: String) -> HTTPResponse {
        let text = rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return HTTPResponse(
            status: .ok,
            headers: ["Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=\"\(filename)\""],
            body: Array(text.utf8))
    }

    static let metricColumns = ["totalCount", "successCount", "faultCount", "avgResponseTime", "minResponseTime", "maxResponseTime"]

    /// `…/metrics/export`: `StartTime,EndTime[,Operation],totalCount,…,maxResponseTime`.
    static func export(_ rows: [MetricsExportRow], byOperation: Bool) -> HTTPResponse {
        var table = [["StartTime", "EndTime"] + (byOperation ? ["Operation"] : []) + metricColumns]
        for row in rows {
            table.append(
                [time(row.start), time(row.end)] + (byOperation ? [row.operation ?? ""] : []) + row.values.named.map { String($0.value) })
        }
        return csv(table, filename: "metrics.csv")
    }

    static let transactionColumns = [
        "TransactionID", "Time", "APIID", "APIVersionID", "ImplementationCode", "Environment", "Operation", "Method", "Path", "AppID",
        "AppVersionID", "ContractID", "Status", "Fault", "FaultMessage", "ResponseTime", "RequestSize", "ResponseSize", "ClientAddress"
    ]

    /// `…/txlogs/export`: one row per transaction, newest first.
    static func transactionLog(_ transactions: [GatewayTransaction]) -> HTTPResponse {
        var table = [transactionColumns]
        for tx in transactions {
            table.append([
                tx.transactionID, tx.time, tx.apiID, tx.apiVersionID, tx.implementationCode, tx.environment, tx.operation, tx.method,
                tx.path, tx.appID, tx.appVersionID, tx.contractID, String(tx.status), tx.fault ? "true" : "false", tx.faultMessage,
                milliseconds(tx.durationMillis), String(tx.requestSize), String(tx.responseSize), tx.clientAddress
            ])
        }
        return csv(table, filename: "txlogs.csv")
    }

    /// Milliseconds without a trailing `.0` (12, 12.5).
    static func milliseconds(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    // MARK: - /_emulator/traffic

    static func transaction(_ tx: GatewayTransaction) -> JSONValue {
        .object([
            ("TransactionID", .string(tx.transactionID)), ("Time", .string(tx.time)), ("APIID", .string(tx.apiID)),
            ("APIVersionID", .string(tx.apiVersionID)), ("ImplementationCode", .string(tx.implementationCode)),
            ("Environment", .string(tx.environment)), ("Operation", .string(tx.operation)), ("Method", .string(tx.method)),
            ("Path", .string(tx.path)), ("AppID", .string(tx.appID)), ("AppVersionID", .string(tx.appVersionID)),
            ("ContractID", .string(tx.contractID)), ("Status", .integer(Int64(tx.status))), ("Fault", .bool(tx.fault)),
            ("FaultMessage", .string(tx.faultMessage)), ("ResponseTime", .number(tx.durationMillis)),
            ("RequestSize", .integer(Int64(tx.requestSize))), ("ResponseSize", .integer(Int64(tx.responseSize))),
            ("ClientAddress", .string(tx.clientAddress)), ("Source", .string(tx.source.rawValue))
        ])
    }
}
