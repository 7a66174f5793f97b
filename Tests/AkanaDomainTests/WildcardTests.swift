import Testing

@testable import AkanaDomain
@testable import EmulatorMachinery

/// The one wildcard matcher behind fault-rule paths and search words.
@Suite struct WildcardTests {
    @Test func starsAndSingleWildcards() {
        #expect(FaultRule.glob(Array("/api/apps/*".utf8), Array("/api/apps/x/versions".utf8)))
        #expect(FaultRule.glob(Array("/api/?pps".utf8), Array("/api/apps".utf8)))
        #expect(!FaultRule.glob(Array("/api/?pps".utf8), Array("/api/pps".utf8)))
        #expect(SearchText.glob("cros*", "crosfhocal"))
        #expect(SearchText.glob("*hoc*", "crosfhocal"))
        #expect(!SearchText.glob("cros?", "crosf"))  // `?` is literal in search words
        #expect(SearchText.glob("cros?", "cros?"))
    }

    /// A `*` in the pattern stays a wildcard where the text holds a `*` too (the fault matcher
    /// used to take it literally, so `a*` did not match `a*b`).
    @Test func aStarFacingAStarIsStillAWildcard() {
        #expect(FaultRule.glob(Array("a*".utf8), Array("a*b".utf8)))
        #expect(SearchText.glob("a*", "a*b"))
        #expect(FaultRule.glob(Array("a*c".utf8), Array("a**bc".utf8)))
    }
}
