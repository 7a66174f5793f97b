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
/// - `StartDate`/`EndDate`: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, an offset
///   (`+02:00`) or no zone (what the CMReporting dashboard sends: then in `TimeZone`, UTC when
///   absent). With both, `Duration` is not used; with one, the other is that one moved by
///   `Duration`; with neither, the range ends now.
/// - `Duration`: a count and a unit (`s`, `m`, `h`, `d`, `w`; `M` months and `Y` years on the
///   calendar), or `all` (from the first transaction of what is reported).
/// - `TimeInterval`: the width of each interval, in the same form (`1M`, `1Y`: calendar months and
///   years, as the dashboard asks). Intervals are aligned in UTC: to whole multiples of their width
///   since the epoch (days at midnight, weeks on Mondays), months to the first of the month (years
///   to January); the range is widened to whole intervals and every interval is listed, empty ones
///   too. The platform aligns them to the time zone; the emulator does so in UTC (a deviation).
public struct MetricsWindow: Sendable, Equatable {
    /// A duration or interval: fixed milliseconds, or calendar months.
    public enum Span: Sendable, Equatable {
        case fixed(Int64)
        case months(Int)
    }

    /// Milliseconds since the epoch; `end` is exclusive. Both are interval boundaries.
    public var start: Int64
    public var end: Int64
    /// The width of every interval in milliseconds; 0 when the intervals are calendar months.
    public var interval: Int64
    /// The width of every interval in calendar months; 0 when the intervals are fixed.
    public var months: Int
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

    /// The intervals, in order: each one's start and end.
    public var intervals: [(start: Int64, end: Int64)] {
        if months > 0 {
            var result: [(Int64, Int64)] = []
            var at = start
            while at < end, result.count < Int(Self.maxIntervals) + 1 {
                let next = Self.addingMonths(months, to: at)
                result.append((at, next))
                at = next
            }
            return result
        }
        guard interval > 0 else { return [] }
        return stride(from: start, to: end, by: Int(interval)).map { (Int64($0), Int64($0) + interval) }
    }

    /// The intervals' starts, in order.
    public var intervalStarts: [Int64] { intervals.map(\.start) }

    /// Parses `5s`, `15m`, `1h`, `1d`, `2w` into milliseconds; nil for anything else (months too).
    public static func span(_ text: String) -> Int64? {
        guard case .fixed(let millis)? = parseSpan(text) else { return nil }
        return millis
    }

    /// Parses `5s`, `15m`, `1h`, `1d`, `2w` (case ignored), `1M` (calendar months: `M` alone is
    /// the month, `m` the minute) and `1Y` (years); nil for anything else.
    public static func parseSpan(_ text: String) -> Span? {
        guard let unit = text.last, let count = Int64(text.dropLast()), count > 0 else { return nil }
        let size: Int64
        switch unit {
        case "M": return count <= 1200 ? .months(Int(count)) : nil
        case "Y", "y": return count <= 100 ? .months(Int(count) * 12) : nil
        case "s", "S": size = second
        case "m": size = minute
        case "h", "H": size = 60 * minute
        case "d", "D": size = day
        case "w", "W": size = week
        default: return nil
        }
        guard count <= longest / size else { return nil }
        return .fixed(count * size)
    }

    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, an offset or no zone (then in
    /// `zone`, UTC when nil), in milliseconds; nil for anything else.
    public static func date(_ text: String, zone: TimeZone? = nil) -> Int64? {
        var text = text
        if text.utf8.count == 10 { text += "T00:00" }
        if text.utf8.count == 16 { text += ":00" }
        var offset: Int64?
        let bytes = Array(text.utf8)
        if bytes.count >= 25, bytes[bytes.count - 3] == UInt8(ascii: ":"),
            bytes[bytes.count - 6] == UInt8(ascii: "+") || bytes[bytes.count - 6] == UInt8(ascii: "-"),
            let hours = Int64(String(decoding: bytes[(bytes.count - 5)..<(bytes.count - 3)], as: UTF8.self)),
            let minutes = Int64(String(decoding: bytes[(bytes.count - 2)...], as: UTF8.self)), hours < 24, minutes < 60
        {
            let sign: Int64 = bytes[bytes.count - 6] == UInt8(ascii: "+") ? 1 : -1
            offset = sign * (hours * 60 + minutes) * minute
            text = String(decoding: bytes[..<(bytes.count - 6)], as: UTF8.self) + "Z"
        } else if let last = bytes.last, last >= UInt8(ascii: "0"), last <= UInt8(ascii: "9") {
            text += "Z"
            if let zone, let local = Timestamp.parse(text) {
                offset = Int64(zone.secondsFromGMT(for: local)) * 1000
            }
        }
        guard let date = Timestamp.parse(text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded()) - (offset ?? 0)
    }

    /// The month index (year × 12 + month − 1) of `millis`, UTC.
    static func monthIndex(_ millis: Int64) -> Int {
        var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (Int(parts.tm_year) + 1900) * 12 + Int(parts.tm_mon)
    }

    /// The first instant of month `index`, UTC, in milliseconds.
    static func monthStart(_ index: Int) -> Int64 {
        var parts = tm()
        parts.tm_year = Int32(index / 12 - 1900)
        parts.tm_mon = Int32(index % 12)
        parts.tm_mday = 1
        return Int64(timegm(&parts)) * 1000
    }

    /// The start of the `months`-wide interval holding `millis` (years from January).
    static func floorMonths(_ millis: Int64, _ months: Int) -> Int64 {
        let index = monthIndex(millis)
        return monthStart(index - ((index % months) + months) % months)
    }

    /// `millis` (a month's start) moved by `months` calendar months.
    static func addingMonths(_ months: Int, to millis: Int64) -> Int64 {
        monthStart(monthIndex(millis) + months)
    }

    /// `millis` moved back (`sign` −1) or forward by `span`: fixed milliseconds, or calendar
    /// months with the day and time kept (the month's last day when it has fewer).
    static func moved(_ millis: Int64, by span: Span, sign: Int) -> Int64 {
        switch span {
        case .fixed(let size): return millis + Int64(sign) * size
        case .months(let count):
            let index = monthIndex(millis)
            let target = index + sign * count
            let within = millis - monthStart(index)
            let targetLength = monthStart(target + 1) - monthStart(target)
            return monthStart(target) + min(within, targetLength - 1)
        }
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
        let units = "a count and a unit (s, m, h, d, w; M for months, Y for years)"
        let intervalText = query.timeInterval.flatMap { $0.isEmpty ? nil : $0 } ?? defaultInterval
        guard let interval = parseSpan(intervalText) else {
            throw DomainError.badRequest("TimeInterval must be \(units), such as 5s, 15m, 1h, 1d or 1M; not '\(intervalText)'.")
        }
        let durationText = query.duration.flatMap { $0.isEmpty ? nil : $0 } ?? defaultDuration
        let all = durationText.lowercased() == "all"
        let duration = all ? nil : parseSpan(durationText)
        if !all, duration == nil {
            throw DomainError.badRequest("Duration must be \(units), such as 1h, 1d or 4w, or all; not '\(durationText)'.")
        }
        var zone: TimeZone?
        if let name = query.timeZone, !name.isEmpty {
            guard let known = TimeZone(identifier: name) else {
                throw DomainError.badRequest("TimeZone '\(name)' is not a time zone name such as UTC or America/Los_Angeles.")
            }
            zone = known
        }
        func parsed(_ text: String?, _ name: String) throws -> Int64? {
            guard let text, !text.isEmpty else { return nil }
            guard let value = date(text, zone: zone) else {
                throw DomainError.badRequest(
                    "\(name) must be a date (2026-01-31) or a time (2026-01-31T10:00:00, with Z or an offset for UTC), not '\(text)'.")
            }
            return value
        }
        let givenStart = try parsed(query.startDate, "StartDate")
        let givenEnd = try parsed(query.endDate, "EndDate")
        let environment = try Self.environment(query.environment, defaultAll: environmentDefaultsToAll)
        var start: Int64
        var end: Int64
        switch (givenStart, givenEnd) {
        // `end` is exclusive: a range that ends now takes in a call made at this very millisecond.
        case (let s?, let e?): (start, end) = (s, e)
        case (let s?, nil): (start, end) = (s, duration.map { moved(s, by: $0, sign: 1) } ?? now + 1)
        case (nil, let e?): (start, end) = (try duration.map { moved(e, by: $0, sign: -1) } ?? min(first() ?? e, e), e)
        case (nil, nil):
            (start, end) = (try duration.map { moved(now + 1, by: $0, sign: -1) } ?? min(first() ?? now, now), now + 1)
        }
        guard start <= end else { throw DomainError.badRequest("StartDate must not be later than EndDate.") }
        switch interval {
        case .months(let months):
            // Whole calendar intervals: the start down to its interval's first month, the end up.
            start = floorMonths(start, months)
            end = max(addingMonths(months, to: floorMonths(end - 1, months)), addingMonths(months, to: start))
            let count = (monthIndex(end) - monthIndex(start)) / months
            guard count <= maxIntervals || !listsIntervals else { throw tooMany(intervalText, count: Int64(count)) }
            return MetricsWindow(start: start, end: end, interval: 0, months: months, environment: environment)
        case .fixed(let interval):
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
            guard count <= maxIntervals || !listsIntervals else { throw tooMany(intervalText, count: count) }
            return MetricsWindow(start: start, end: end, interval: interval, months: 0, environment: environment)
        }
    }

    static func tooMany(_ intervalText: String, count: Int64) -> DomainError {
        DomainError.badRequest(
            "TimeInterval \(intervalText) gives \(count) intervals over that range; at most \(maxIntervals) are reported. Choose a wider TimeInterval or a shorter range."
        )
    }
}
