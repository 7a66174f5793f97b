#if canImport(Glibc)
    import Glibc
#endif

/// IMF-fixdate formatting (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) without Foundation
/// formatters, and a per-second cache of the `Date` header value (one per event loop).
struct HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private var cachedSecond: time_t = -1
    private var cachedValue: [UInt8] = []

    /// The current time as IMF-fixdate bytes, recomputed at most once per second.
    mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != cachedSecond {
            cachedSecond = now
            cachedValue = Array(Self.format(now).utf8)
        }
        return cachedValue
    }

    static func format(_ seconds: time_t) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let weekday = days[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        var year = "\(parts.tm_year + 1900)"
        while year.count < 4 { year = "0" + year }
        return "\(weekday), \(two(parts.tm_mday)) \(month) \(year) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
