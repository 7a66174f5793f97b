import Foundation

/// ISO-8601 UTC timestamps as the platform prints them (`2018-03-27T19:40:01Z`), and the
/// millisecond epoch values its cookies carry. Formatting is done by hand with `gmtime_r`: it runs on
/// hot paths and `ISO8601DateFormatter` is neither cheap nor `Sendable`.
public enum Timestamp {
    /// `2018-03-27T19:40:01Z` (whole seconds, UTC).
    public static func iso8601(_ date: Date) -> String {
        format(seconds: time_t(floor(date.timeIntervalSince1970)), milliseconds: nil)
    }

    /// `2018-03-27T19:40:01.234Z`: rounded to the nearest millisecond, always 24 characters (so text
    /// order is time order), and `parse` of the text gives back the same text.
    public static func iso8601Milliseconds(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        return format(seconds: time_t(seconds), milliseconds: Int(milliseconds - seconds * 1000))
    }

    /// Digits written into a fixed buffer: `String(format:)` cost ~38,000 instructions a call, and
    /// these stamps are written on every mutation.
    private static func format(seconds: time_t, milliseconds: Int?) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {  // a clock moved past year 9999: as many digits as it takes
            let fraction = milliseconds.map { ms in "." + String(1000 + ms).dropFirst() } ?? ""
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d", year, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)) + fraction + "Z"
        }
        var bytes = [UInt8](repeating: 0, count: milliseconds == nil ? 20 : 24)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(year, at: 0, digits: 4)
        bytes[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
        bytes[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), at: 8, digits: 2)
        bytes[10] = UInt8(ascii: "T")
        put(Int(parts.tm_hour), at: 11, digits: 2)
        bytes[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), at: 14, digits: 2)
        bytes[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), at: 17, digits: 2)
        if let milliseconds {
            bytes[19] = UInt8(ascii: ".")
            put(milliseconds, at: 20, digits: 3)
        }
        bytes[bytes.count - 1] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (also with a `+00:00` offset). Returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 116,
            bytes[13] == 58, bytes[16] == 58,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        // No day past the month's end: timegm would roll 2018-02-31 over to 3 March.
        guard day <= daysInMonth(month, year: year) else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        let rest = String(decoding: bytes[index...], as: UTF8.self)
        guard rest == "Z" || rest == "z" || rest == "+00:00" else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// The number of days of `month` (1-12) in `year` (proleptic Gregorian).
    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `Tue, 27 Mar 2018 19:40:01 GMT` (RFC 1123), as RSS `pubDate` and HTTP dates are written.
    public static func rfc1123(_ date: Date) -> String {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", days[Int(parts.tm_wday)], Int(parts.tm_mday), months[Int(parts.tm_mon)],
            Int(parts.tm_year) + 1900, Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Milliseconds since the epoch, as in the cookie's `issueTime` / `expirationTime`.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
