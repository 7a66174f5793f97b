import Testing

@testable import AkanaDomain

/// The bounded parser of GET /api/search's `q`, and how a parsed query matches a hit.
@Suite struct SearchQueryTests {
    func hit(_ type: String, _ title: String, id: String = "x1.acmepaymentscorp", more: [String] = []) -> SearchHit {
        let details: SearchHit.Details =
            switch type {
            case "app": .app(visibility: "", state: "", connections: 0)
            case "user": .user(email: "", domain: "")
            case "model": .model(visibility: "")
            default: .api(visibility: "", versions: 0)
            }
        return SearchHit(
            id: id, title: title, description: "", updated: "", details: details, searchable: [title] + more, visible: true)
    }

    @Test func clausesTermsAndTypes() throws {
        let query = try SearchQuery.parse("type:app AND puzzle OR type:user -jane")
        #expect(query.clauses.count == 2)
        #expect(query.types == ["app", "user"])
        #expect(query.matches(hit("app", "Puzzle Master")))
        #expect(!query.matches(hit("app", "Anagrams")))
        #expect(query.matches(hit("user", "Kim")))
        #expect(!query.matches(hit("user", "Jane")))
        #expect(try SearchQuery.parse(nil).types == nil)
        #expect(try SearchQuery.parse("type:*  oauth").types == nil)
        #expect(try SearchQuery.parse("type:app type:user").types == [])
        #expect(try SearchQuery.parse("NOT type:user").types == nil)
        #expect(try SearchQuery.parse("OR OR a OR").clauses.count == 1)
    }

    @Test func wordsAreWholeWordsUnlessWildcarded() throws {
        #expect(try SearchQuery.parse("puzz").matches(hit("app", "Puzzle")) == false)
        #expect(try SearchQuery.parse("puzz*").matches(hit("app", "Puzzle")))
        #expect(try SearchQuery.parse("*zzl*").matches(hit("app", "Puzzle")))
        #expect(try SearchQuery.parse("p*e").matches(hit("app", "Puzzle")))
        #expect(try SearchQuery.parse("jane@acmepaymentscorp.com").matches(hit("user", "Jane", more: ["jane@acmepaymentscorp.com"])))
        #expect(try SearchQuery.parse("\"Puzzle\"").matches(hit("app", "puzzle")))
        let id = "d37990e2-800a-4963-b3b9-908b6a87dbcc.acmepaymentscorp"
        let byID = try SearchQuery.parse(id)
        #expect(byID.singleID == id)
        #expect(byID.matches(hit("app", "Anything", id: id)))
        #expect(try SearchQuery.parse("a* b").singleID == nil)
    }

    @Test func hostileQueriesAreRefused() throws {
        #expect(throws: DomainError.self) { try SearchQuery.parse(String(repeating: "a", count: 1_025)) }
        #expect(throws: DomainError.self) { try SearchQuery.parse(Array(repeating: "w", count: 33).joined(separator: " ")) }
        #expect(throws: DomainError.self) { try SearchQuery.parse("type:widget") }
        #expect(throws: DomainError.self) { try SearchQuery.parse("(a OR b) c") }
        #expect(throws: DomainError.self) { try SearchQuery.parse(String(repeating: "*a", count: 9)) }
        #expect(throws: DomainError.self) { try SearchQuery.parse(String(repeating: "b", count: 256)) }
        // A pathological pattern stays linear: many stars against a long text answers at once.
        #expect(!SearchText.glob("*a*a*a*a*a*a*a*b", String(repeating: "a", count: 200)))
        #expect(try SearchQuery.parse(Array(repeating: "w", count: 32).joined(separator: " ")).clauses[0].count == 32)
    }
}
