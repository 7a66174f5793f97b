import AkanaDomain
import JSONCodec
import Testing

@testable import AkanaAPI

/// A search hit's RSS item: the categories and per-type fields the domain used to shape, exactly
/// as GET /api/search has always written them (domains, names, order).
@Suite struct SearchRepresentationTests {
    func hit(_ details: SearchHit.Details) -> SearchHit {
        SearchHit(
            id: "x1.acmepaymentscorp", title: "Kim", description: "d", updated: "2026-01-02T03:04:05Z", details: details,
            searchable: [], visible: true)
    }

    func categories(_ details: SearchHit.Details) -> [String] {
        SearchRepresentation.categories(hit(details)).map { "\($0.domain)=\($0.value)" }
    }

    func fields(_ details: SearchHit.Details) -> [String] {
        SearchRepresentation.fields(hit(details)).map { name, value in "\(name)=\(String(decoding: JSONWriter.bytes(value), as: UTF8.self))"
        }
    }

    @Test func eachTypeKeepsItsCategoriesAndFields() {
        let app = SearchHit.Details.app(visibility: "Public", state: "app.state.active", connections: 3)
        #expect(
            categories(app) == [
                "uddi:soa.com:resourcetype=app", "uddi:soa.com:visibility=Public", "uddi:soa.com:state=app.state.active"
            ])
        #expect(fields(app) == ["Connections=3", "Followers=0", "Rating=0"])
        let user = SearchHit.Details.user(email: "kim@acmepaymentscorp.com", domain: "Local Domain")
        #expect(categories(user) == ["uddi:soa.com:resourcetype=user"])
        #expect(fields(user) == [#"Email="kim@acmepaymentscorp.com""#, #"UserName="Kim""#, #"Domain="Local Domain""#])
        let model = SearchHit.Details.model(visibility: "Limited")
        #expect(categories(model) == ["uddi:soa.com:resourcetype=model", "uddi:soa.com:visibility=Limited"])
        #expect(fields(model).isEmpty)
        let api = SearchHit.Details.api(visibility: "RegisteredUsers", versions: 2)
        #expect(categories(api) == ["uddi:soa.com:resourcetype=api", "uddi:soa.com:visibility=RegisteredUsers"])
        #expect(fields(api) == ["Versions=2"])
        let item = SearchRepresentation.item(hit(api))
        #expect(item.title == "Kim" && item.description == "d" && item.guid == "x1.acmepaymentscorp")
        #expect(item.pubDate.timeIntervalSince1970 == 1_767_323_045)
    }
}
