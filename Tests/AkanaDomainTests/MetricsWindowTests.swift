import Foundation
import Testing

@testable import AkanaDomain

/// The reports' time arithmetic: parameters to a window (aligned intervals, defaults, `all`), the
/// table of totals that can answer it, and a range cut into days, hours and minutes.
@Suite struct MetricsWindowTests {
    static let now = MetricsWindow.date("2026-03-10T12:30:00Z")!
    static let minute = MetricsWindow.minute
    static let hour = 60 * minute
    static let day = MetricsWindow.day

    func resolve(_ query: MetricsQuery, first: Int64? = nil) throws -> MetricsWindow {
        try MetricsWindow.resolve(
            query, now: Self.now, defaultDuration: "1d", defaultInterval: "1h", environmentDefaultsToAll: true
        ) { first }
    }

    func iso(_ millis: Int64) -> String { Timestamp.iso8601(Date(timeIntervalSince1970: Double(millis) / 1000)) }

    @Test func spansAndDates() {
        #expect(MetricsWindow.span("5s") == 5000)
        #expect(MetricsWindow.span("15m") == 15 * Self.minute)
        #expect(MetricsWindow.span("15H") == 15 * Self.hour)
        #expect(MetricsWindow.span("2w") == 14 * Self.day)
        for bad in ["", "m", "0m", "-1h", "1y", "1.5h", "99999999999d"] { #expect(MetricsWindow.span(bad) == nil, "\(bad)") }
        #expect(MetricsWindow.date("2026-03-10") == Self.now - 12 * Self.hour - 30 * Self.minute)
        #expect(MetricsWindow.date("2026-03-10T12:30:00.250Z") == Self.now + 250)
        #expect(MetricsWindow.date("10/03/2026") == nil)
    }

    /// What the CMReporting dashboard sends: local times without a zone, `1M` and `1Y` intervals.
    @Test func calendarMonthsAndYearsAndTimesWithoutAZone() throws {
        #expect(MetricsWindow.parseSpan("1M") == .months(1))
        #expect(MetricsWindow.parseSpan("1Y") == .months(12))
        #expect(MetricsWindow.parseSpan("1m") == .fixed(Self.minute))
        #expect(MetricsWindow.span("1M") == nil)
        #expect(MetricsWindow.date("2026-03-10T12:30:00") == Self.now)
        #expect(MetricsWindow.date("2026-03-10T12:30") == Self.now)
        #expect(MetricsWindow.date("2026-03-10T14:30:00+02:00") == Self.now)
        #expect(MetricsWindow.date("2026-03-10T07:30:00-05:00") == Self.now)
        #expect(MetricsWindow.date("2026-03-10T08:30:00", zone: TimeZone(identifier: "America/New_York")) == Self.now)
        #expect(MetricsWindow.date("2026-03-10T12:30:00+25:00") == nil)
        let month = try resolve(
            MetricsQuery(startDate: "2026-01-15T00:00:00", endDate: "2026-03-10T12:00:00", timeInterval: "1M"))
        #expect(
            month.intervals.map { "\(iso($0.start)) \(iso($0.end))" } == [
                "2026-01-01T00:00:00Z 2026-02-01T00:00:00Z", "2026-02-01T00:00:00Z 2026-03-01T00:00:00Z",
                "2026-03-01T00:00:00Z 2026-04-01T00:00:00Z"
            ])
        let year = try resolve(MetricsQuery(startDate: "2026-01-01T00:00:01", endDate: "2026-12-31T23:59:59", timeInterval: "1Y"))
        #expect((iso(year.start), iso(year.end), year.intervals.count) == ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 1))
        // Two calendar months back from 31 March: the end of January (its last day).
        let back = try resolve(MetricsQuery(endDate: "2026-03-31T10:00:00Z", duration: "1M", timeInterval: "1d"))
        #expect(iso(back.start) == "2026-02-28T00:00:00Z")
        #expect(TrafficRollup.serving(month) == .days)
    }

    @Test func theRangeIsWidenedToWholeIntervalsAndEndsWithTheOneHoldingNow() throws {
        let window = try resolve(MetricsQuery())
        #expect(iso(window.start) == "2026-03-09T12:00:00Z")
        #expect(iso(window.end) == "2026-03-10T13:00:00Z")
        #expect(window.intervalStarts.count == 25)
        #expect(window.environment == nil)
        // An explicit end on a boundary is exclusive; a start inside an interval is floored.
        let explicit = try resolve(MetricsQuery(startDate: "2026-03-10T10:15:00Z", endDate: "2026-03-10T12:00:00Z"))
        #expect((iso(explicit.start), iso(explicit.end)) == ("2026-03-10T10:00:00Z", "2026-03-10T12:00:00Z"))
        // A week starts on Monday (2026-03-09), UTC.
        let weeks = try resolve(MetricsQuery(duration: "2w", timeInterval: "1w"))
        #expect(iso(weeks.start) == "2026-02-23T00:00:00Z")
        #expect(iso(weeks.end) == "2026-03-16T00:00:00Z")
        // StartDate plus Duration; Duration=all from the first call (none: an interval at now).
        let after = try resolve(MetricsQuery(startDate: "2026-03-01", duration: "2d", timeInterval: "1d"))
        #expect((iso(after.start), iso(after.end)) == ("2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z"))
        let all = try resolve(MetricsQuery(duration: "ALL", timeInterval: "1d"), first: Self.now - 3 * Self.day)
        #expect(iso(all.start) == "2026-03-07T00:00:00Z")
        let empty = try resolve(MetricsQuery(duration: "all", timeInterval: "15m"))
        #expect((iso(empty.start), iso(empty.end)) == ("2026-03-10T12:30:00Z", "2026-03-10T12:45:00Z"))
        #expect(try resolve(MetricsQuery(environment: "SANDBOX")).environment == "Sandbox")
    }

    @Test func theCoarsestTotalsThatMakeUpTheIntervalsAnswer() throws {
        #expect(TrafficRollup.serving(try resolve(MetricsQuery(timeInterval: "1d"))) == .days)
        #expect(TrafficRollup.serving(try resolve(MetricsQuery(timeInterval: "1w"))) == .days)
        #expect(TrafficRollup.serving(try resolve(MetricsQuery(timeInterval: "2h"))) == .hours)
        #expect(TrafficRollup.serving(try resolve(MetricsQuery(timeInterval: "15m"))) == .minutes)
        #expect(TrafficRollup.serving(try resolve(MetricsQuery(duration: "1h", timeInterval: "90s"))) == nil)
        #expect(TrafficRollup.serving(try resolve(MetricsQuery(duration: "1h", timeInterval: "30s"))) == nil)
    }

    @Test func aRangeIsCutIntoDaysHoursAndMinutes() {
        let start = MetricsWindow.date("2026-03-07T09:15:00Z")!
        let end = MetricsWindow.date("2026-03-10T12:45:00Z")!
        let parts = TrafficRollup.segments(start: start, end: end).map { "\($0.rollup) \(iso($0.start)) \(iso($0.end))" }
        #expect(
            parts == [
                "hours 2026-03-07T10:00:00Z 2026-03-08T00:00:00Z", "days 2026-03-08T00:00:00Z 2026-03-10T00:00:00Z",
                "hours 2026-03-10T00:00:00Z 2026-03-10T12:00:00Z", "minutes 2026-03-07T09:15:00Z 2026-03-07T10:00:00Z",
                "minutes 2026-03-10T12:00:00Z 2026-03-10T12:45:00Z"
            ])
        // Within one day: hours and minutes; within one hour: minutes.
        let sameDay = TrafficRollup.segments(start: start, end: start + 3 * Self.hour).map { "\($0.rollup)" }
        #expect(sameDay == ["hours", "minutes", "minutes"])
        #expect(TrafficRollup.segments(start: start, end: start + 30 * Self.minute).map { "\($0.rollup)" } == ["minutes"])
        // Aligned ends leave no empty pieces.
        let days = TrafficRollup.segments(
            start: Self.now - 12 * Self.hour - 30 * Self.minute, end: Self.now + 11 * Self.hour + 30 * Self.minute)
        #expect(days.map { "\($0.rollup)" } == ["days"])
    }
}
