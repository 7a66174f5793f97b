import Foundation

/// The query parameters the platform's metrics and transaction-log reports share, as the request
/// gave them (akana help `apis/m_apis_getMetrics.htm`, `apis/m_apis_exportMetrics.htm`,
/// `apis/m_apis_exportUsageLogs.htm`, `apps/…metrics`, `businesses/m_businesses_getMetrics.htm`):
/// plain text, checked by `MetricsWindow.resolve` (a bad value is a 400 naming the parameter).
public struct MetricsQuery: Sendable, Equatable {
    public var startDate: String?
    public var endDate: String?
    /// `5s`, `15m`, `1h`, `1d`, `1w` or `all` (case ignored).
    public var duration: String?
    /// `5s`, `1m`, `15m`, `1h`, `1d`, `1w`.
    public var timeInterval: String?
    /// `Sandbox`, `Production` or `All` (case ignored).
    public var environment: String?
    /// An IANA time zone name (`America/Los_Angeles`, `UTC`); checked, see `MetricsWindow`.
    public var timeZone: String?
    public var showSummary: Bool?
    public var showIntervalData: Bool?
    /// The app version report's `ApiVersionID`; the txlogs export's `AppVersionID` and `ContractID`.
    public var apiVersionID: String?
    public var appVersionID: String?
    public var contractID: String?
    /// `service.all.operations` (metrics export), `business.top10.apis` (business metrics).
    public var reportType: String?

    public init(
        startDate: String? = nil, endDate: String? = nil, duration: String? = nil, timeInterval: String? = nil,
        environment: String? = nil, timeZone: String? = nil, showSummary: Bool? = nil, showIntervalData: Bool? = nil,
        apiVersionID: String? = nil, appVersionID: String? = nil, contractID: String? = nil, reportType: String? = nil
    ) {
        self.startDate = startDate
        self.endDate = endDate
        self.duration = duration
        self.timeInterval = timeInterval
        self.environment = environment
        self.timeZone = timeZone
        self.showSummary = showSummary
        self.showIntervalData = showIntervalData
        self.apiVersionID = apiVersionID
        self.appVersionID = appVersionID
        self.contractID = contractID
        self.reportType = reportType
    }
}

/// A report's time range and interval, resolved from a `MetricsQuery` against the emulator clock.
///
/// - `StartDate`/`EndDate`: `YYYY-MM-DD` (midnight UTC) or ISO-8601 UTC (`2026-01-05T10:00:00Z`,
///   milliseconds and a `+00:00` offset allowed). With both, `Duration` is not used; with one, the
///   other is that one moved by `Duration`; with neither, the range ends now.
/// - `Duration`: a count and a unit (`s`, `m`, `h`, `d`, `w`), or `all` (from the first transaction
///   of what is reported).
/// - `TimeInterval`: the width of each interval, in the same form. Intervals are aligned to whole
///   multiples of their width since the epoch, UTC (days at midnight UTC; weeks on Mondays), so the
///   range is widened to whole intervals and every interval is listed, empty ones too.
/// - `TimeZone`: the help pages list it; a name the system does not know is a 400. The emulator
///   aligns intervals in UTC whatever the zone (a deviation: the platform aligns days to the zone).
public struct MetricsWindow: Sendable, Equatable {
    /// Milliseconds since the epoch; `end` is exclusive. Both are multiples of the interval (plus
    /// the week alignment).
    public var start: Int64
    public var end: Int64
    public var interval: Int64
    /// `Sandbox`, `Production`, or nil for every environment.
    public var environment: String?

    public static let second: Int64 = 1000
    public static let minute: Int64 = 60_000
    public static let day: Int64 = 86_400_000
    public static let week: Int64 = 604_800_000
    /// 1970-01-05, the first Monday after the epoch: weekly intervals start on Mondays.
    static let mondayOffset: Int64 = 4 * day
    /// A report lists at most this many intervals (a wider interval answers longer ranges).
    public static let maxIntervals: Int64 = 10_000
    /// The longest duration or interval accepted: about 100 years.
    static let longest: Int64 = 36_500 * day

    /// The intervals, in order.
    public var intervalStarts: [Int64] {
        interval > 0 ? Array(stride(from: start, to: end, by: Int(interval)).map { Int64($0) }) : []
    }

    /// Parses `5s`, `15m`, `1h`, `1d`, `2w` into milliseconds; nil for anything else.
    public static func span(_ text: String) -> Int64? {
        let lowered = text.lowercased()
        guard let unit = lowered.last, let count = Int64(lowered.dropLast()), count > 0 else { return nil }
        let size: Int64
        switch unit {
        case "s": size = second
        case "m": size = minute
        case "h": size = 60 * minute
        case "d": size = day
        case "w": size = week
        default: return nil
        }
        guard count <= longest / size else { return nil }
        return count * size
    }

    /// `YYYY-MM-DD` or an ISO-8601 UTC time, in milliseconds; nil for anything else.
    public static func date(_ text: String) -> Int64? {
        if text.utf8.count == 10, let date = Timestamp.parse(text + "T00:00:00Z") {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        guard let date = Timestamp.parse(text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// `Sandbox`/`Production` as stored, nil for `All`; `defaultAll` says what an absent value means.
    public static func environment(_ text: String?, defaultAll: Bool) throws -> String? {
        guard let text, !text.isEmpty else { return defaultAll ? nil : "Production" }
        switch text.lowercased() {
        case "all": return nil
        case "sandbox": return "Sandbox"
        case "production": return "Production"
        default: throw DomainError.badRequest("Environment must be Sandbox, Production or All, not '\(text)'.")
        }
    }

    /// The window `query` asks for, at `now` (milliseconds). `first` gives the time of the first
    /// transaction reported (for `Duration=all`), nil when there is none. `listsIntervals` false: the
    /// report does not list the intervals, so there is no limit to their number.
    public static func resolve(
        _ query: MetricsQuery, now: Int64, defaultDuration: String, defaultInterval: String, environmentDefaultsToAll: Bool,
        listsIntervals: Bool = true, first: () throws -> Int64?
    ) throws -> MetricsWindow {
        let intervalText = query.timeInterval.flatMap { $0.isEmpty ? nil : $0 } ?? defaultInterval
        guard let interval = span(intervalText) else {
            throw DomainError.badRequest(
                "TimeInterval must be a count and a unit (s, m, h, d or w), such as 5s, 15m, 1h or 1d; not '\(intervalText)'.")
        }
        let durationText = query.duration.flatMap { $0.isEmpty ? nil : $0 } ?? defaultDuration
        let all = durationText.lowercased() == "all"
        let duration = all ? nil : span(durationText)
        if !all, duration == nil {
            throw DomainError.badRequest(
                "Duration must be a count and a unit (s, m, h, d or w), such as 1h, 1d or 4w, or all; not '\(durationText)'.")
        }
        func parsed(_ text: String?, _ name: String) throws -> Int64? {
            guard let text, !text.isEmpty else { return nil }
            guard let value = date(text) else {
                throw DomainError.badRequest(
                    "\(name) must be a date (2026-01-31) or an ISO-8601 UTC time (2026-01-31T10:00:00Z), not '\(text)'.")
            }
            return value
        }
        let givenStart = try parsed(query.startDate, "StartDate")
        let givenEnd = try parsed(query.endDate, "EndDate")
        if let zone = query.timeZone, !zone.isEmpty, TimeZone(identifier: zone) == nil {
            throw DomainError.badRequest("TimeZone '\(zone)' is not a time zone name such as UTC or America/Los_Angeles.")
        }
        let environment = try Self.environment(query.environment, defaultAll: environmentDefaultsToAll)
        var start: Int64
        var end: Int64
        switch (givenStart, givenEnd) {
        // `end` is exclusive: a range that ends now takes in a call made at this very millisecond.
        case (let s?, let e?): (start, end) = (s, e)
        case (let s?, nil): (start, end) = (s, duration.map { s + $0 } ?? now + 1)
        case (nil, let e?): (start, end) = (try duration.map { e - $0 } ?? min(first() ?? e, e), e)
        case (nil, nil): (start, end) = (try duration.map { now + 1 - $0 } ?? min(first() ?? now, now), now + 1)
        }
        guard start <= end else { throw DomainError.badRequest("StartDate must not be later than EndDate.") }
        // Whole intervals: the start down, the end up; at least one interval.
        let offset = interval % week == 0 ? mondayOffset : 0
        func floor(_ t: Int64) -> Int64 {
            let shifted = t - offset
            let remainder = ((shifted % interval) + interval) % interval
            return shifted - remainder + offset
        }
        start = floor(start)
        end = max(floor(end - 1) + interval, start + interval)
        let count = (end - start) / interval
        guard count <= maxIntervals || !listsIntervals else {
            throw DomainError.badRequest(
                "TimeInterval \(intervalText) gives \(count) intervals over that range; at most \(maxIntervals) are reported. Choose a wider TimeInterval or a shorter range."
            )
        }
        return MetricsWindow(start: start, end: end, interval: interval, environment: environment)
    }
}
