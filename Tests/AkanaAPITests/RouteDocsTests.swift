import TestSupport
import Testing

@testable import AkanaAPI

/// docs/api-coverage.md's route list against the router's table: it cannot drift.
@Suite struct RouteDocsTests {
    @Test func theRouteListNamesExactlyTheRoutesOfTheRouter() throws {
        let app = try TestApp()
        let table = AkanaRoutes.makeRouter(environment: app.environment).table.map { "\($0.method.rawValue) \($0.template)" }
        let page = try MarkdownPage("docs/api-coverage.md")
        let listed = page.section("## Every route").filter { $0.hasPrefix("- ") }.compactMap(MarkdownPage.code)
        #expect(Set(listed).count == listed.count, "docs/api-coverage.md lists a route twice")
        let missing = table.filter { !listed.contains($0) }
        #expect(
            missing == [],
            "routes missing from docs/api-coverage.md's \"Every route\":\n\(missing.map { "- `\($0)`" }.joined(separator: "\n"))")
        let extra = listed.filter { !table.contains($0) }
        #expect(extra == [], "docs/api-coverage.md lists routes the router does not have")
    }
}
