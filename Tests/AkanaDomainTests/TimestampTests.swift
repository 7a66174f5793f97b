import Foundation
import Testing

@testable import AkanaDomain

@Suite struct TimestampTests {
    @Test func formatsLikeThePlatform() {
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_522_179_601)) == "2018-03-27T19:40:01Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 0.999)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.iso8601Milliseconds(Date(timeIntervalSince1970: 1_522_179_601.2345)) == "2018-03-27T19:40:01.235Z")
        #expect(Timestamp.iso8601Milliseconds(Date(timeIntervalSince1970: 0.9996)) == "1970-01-01T00:00:01.000Z")
        #expect(Timestamp.iso8601Milliseconds(Date(timeIntervalSince1970: -0.25)) == "1969-12-31T23:59:59.750Z")
        // A clock advanced past year 9999 still prints the whole year.
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00Z")
        #expect(Timestamp.iso8601Milliseconds(Date(timeIntervalSince1970: 253_402_300_800.007)) == "10000-01-01T00:00:00.007Z")
    }

    @Test func parsesWhatItFormatsAndFractions() throws {
        #expect(Timestamp.parse("2018-03-27T19:40:01Z") == Date(timeIntervalSince1970: 1_522_179_601))
        #expect(Timestamp.parse("2018-03-27T19:40:01.250Z") == Date(timeIntervalSince1970: 1_522_179_601.25))
        #expect(Timestamp.parse("2018-03-27T19:40:01+00:00") == Date(timeIntervalSince1970: 1_522_179_601))
    }

    @Test(arguments: [
        "", "2018-03-27", "2018-13-27T19:40:01Z", "2018-03-27T19:40:01", "2018-03-27T19:40:01+02:00", "2018-03-27 19:40:01Z",
        "2018-03-27T19:40:01.Z"
    ])
    func rejectsOtherShapes(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func millisecondsForCookies() {
        #expect(Timestamp.milliseconds(Date(timeIntervalSince1970: 1_531_000_000.1234)) == 1_531_000_000_123)
    }

    @Test func clockCanBeFrozenAndAdvanced() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let clock = EmulatorClock(mode: .frozen(start))
        #expect(clock.now() == start)
        clock.advance(by: 90)
        #expect(clock.now() == start.addingTimeInterval(90))
        let live = EmulatorClock()
        live.advance(by: 3600)
        #expect(abs(live.now().timeIntervalSinceNow - 3600) < 5)
    }
}
