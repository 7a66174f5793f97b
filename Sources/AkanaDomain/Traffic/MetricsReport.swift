/// What a metrics report counts over a set of transactions: the platform's metric names
/// (`totalCount`, `successCount`, `faultCount`, `avgResponseTime`, `minResponseTime`,
/// `maxResponseTime`; times in milliseconds).
public struct MetricValues: Sendable, Equatable {
    public var totalCount: Int
    public var faultCount: Int
    /// Sum, minimum and maximum of the response times, in milliseconds (0 when there is no call).
    public var durationSum: Double
    public var durationMin: Double
    public var durationMax: Double

    public init(totalCount: Int = 0, faultCount: Int = 0, durationSum: Double = 0, durationMin: Double = 0, durationMax: Double = 0) {
        self.totalCount = totalCount
        self.faultCount = faultCount
        self.durationSum = durationSum
        self.durationMin = durationMin
        self.durationMax = durationMax
    }

    public var successCount: Int { totalCount - faultCount }
    /// Whole milliseconds: clients read the values as integers (rwctl's `Value int`).
    public var averageMillis: Int { totalCount == 0 ? 0 : Int((durationSum / Double(totalCount)).rounded()) }
    public var minMillis: Int { Int(durationMin.rounded()) }
    public var maxMillis: Int { Int(durationMax.rounded()) }

    /// These values and `other`'s together.
    public func adding(_ other: MetricValues) -> MetricValues {
        guard other.totalCount > 0 else { return self }
        guard totalCount > 0 else { return other }
        return MetricValues(
            totalCount: totalCount + other.totalCount, faultCount: faultCount + other.faultCount,
            durationSum: durationSum + other.durationSum, durationMin: min(durationMin, other.durationMin),
            durationMax: max(durationMax, other.durationMax))
    }

    /// The six metrics as (Name, Value), in the order the reports print them.
    public var named: [(name: String, value: Int)] {
        [
            ("totalCount", totalCount), ("successCount", successCount), ("faultCount", faultCount),
            ("avgResponseTime", averageMillis), ("minResponseTime", minMillis), ("maxResponseTime", maxMillis)
        ]
    }
}

/// A chart of metrics: the range, one entry per interval (empty ones too) and their sum.
public struct MetricsReport: Sendable, Equatable {
    public struct Interval: Sendable, Equatable {
        /// Milliseconds since the epoch.
        public var start: Int64
        public var values: MetricValues
    }

    public var window: MetricsWindow
    public var intervals: [Interval]
    public var summary: MetricValues
    public var showSummary: Bool
    public var showIntervalData: Bool

    init(window: MetricsWindow, buckets: [Int64: MetricValues], showSummary: Bool, showIntervalData: Bool) {
        self.window = window
        self.intervals = window.intervalStarts.enumerated().map { index, start in
            Interval(start: start, values: buckets[Int64(index)] ?? MetricValues())
        }
        self.summary = buckets.values.reduce(MetricValues()) { $0.adding($1) }
        self.showSummary = showSummary
        self.showIntervalData = showIntervalData
    }
}

/// One row of `GET /api/apis/versions/{id}/metrics/export`: an interval, and the operation when
/// the report is per operation (`ReportType=service.all.operations`).
public struct MetricsExportRow: Sendable, Equatable {
    public var start: Int64
    public var end: Int64
    public var operation: String?
    public var values: MetricValues
}

/// `GET /api/businesses/{BusinessID}/metrics?ReportType=business.top10.apis`: the API versions with
/// the most calls in the range, most first.
public struct BusinessMetricsReport: Sendable, Equatable {
    public struct APIEntry: Sendable, Equatable {
        public var apiID: String
        public var apiVersionID: String
        public var apiName: String
        public var versionName: String
        public var values: MetricValues
    }

    public var reportType: String
    public var chart: MetricsReport
    public var apis: [APIEntry]
}
