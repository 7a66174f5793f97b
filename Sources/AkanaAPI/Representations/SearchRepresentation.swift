import AkanaDomain
import Foundation
import JSONCodec

/// GET /api/search's items: a hit as the platform's RSS item, its categories (`uddi:soa.com:*`
/// domains) and its per-type fields after the RSS ones, in the order the platform shows them.
enum SearchRepresentation {
    static func item(_ hit: SearchHit) -> RSSChannel.Item {
        RSSChannel.Item(
            title: hit.title, description: hit.description, guid: hit.id, categories: categories(hit),
            pubDate: Timestamp.parse(hit.updated) ?? Date(timeIntervalSince1970: 0), fields: fields(hit))
    }

    static func categories(_ hit: SearchHit) -> [(domain: String, value: String)] {
        let type = ("uddi:soa.com:resourcetype", hit.type)
        switch hit.details {
        case .app(let visibility, let state, _):
            return [type, ("uddi:soa.com:visibility", visibility), ("uddi:soa.com:state", state)]
        case .user:
            return [type]
        case .model(let visibility), .api(let visibility, _):
            return [type, ("uddi:soa.com:visibility", visibility)]
        }
    }

    static func fields(_ hit: SearchHit) -> [(String, JSONValue)] {
        switch hit.details {
        case .app(_, _, let connections):
            // The emulator has no followers or ratings: every app has none.
            return [("Connections", .integer(connections)), ("Followers", .integer(0)), ("Rating", .integer(0))]
        case .user(let email, let domain):
            return [("Email", .string(email)), ("UserName", .string(hit.title)), ("Domain", .string(domain))]
        case .model:
            return []
        case .api(_, let versions):
            return [("Versions", .integer(versions))]
        }
    }
}
