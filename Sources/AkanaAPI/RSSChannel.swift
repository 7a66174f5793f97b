import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec

/// The platform's list shape: an RSS 2.0 channel. JSON `{"channel":{"title":…,"item":[…]}}`,
/// XML `<rss version="2.0"><channel><title>…</title><item>…</item></channel></rss>`.
struct RSSChannel {
    struct Item {
        var title: String
        var description: String
        var guid: String
        var categories: [(domain: String, value: String)]
        var pubDate: Date
        /// Per-type members after the RSS ones (search: apps' Connections, users' Email…; API lists'
        /// EntityReference, EntityReferences and Endpoints objects, written to XML by `XMLWriter`).
        var fields: [(String, JSONValue)] = []

        init(
            title: String, description: String, guid: String, categories: [(domain: String, value: String)], pubDate: Date,
            fields: [(String, JSONValue)] = []
        ) {
            self.title = title
            self.description = description
            self.guid = guid
            self.categories = categories
            self.pubDate = pubDate
            self.fields = fields
        }

        /// An item dated by a stored timestamp (the epoch when it cannot be read).
        init(title: String, description: String, guid: String, categories: [(domain: String, value: String)], created: String) {
            self.init(
                title: title, description: description, guid: guid, categories: categories,
                pubDate: Timestamp.parse(created) ?? Date(timeIntervalSince1970: 0))
        }

        /// A version in a versions channel (app versions, model versions): visibility and state as categories.
        init(versionNamed name: String, description: String, id: String, visibility: String, state: String, created: String) {
            self.init(
                title: name, description: description, guid: id,
                categories: [("uddi:soa.com:visibility", visibility), ("uddi:soa.com:state", state)], created: created)
        }
    }

    /// `Versions of <name>`: the channel of `GET /api/apps/{AppID}/versions` and `GET /api/models/{ModelID}/versions`.
    static func versions(of name: String, _ versions: [some ChannelVersion]) -> RSSChannel {
        RSSChannel(
            title: "Versions of \(name)",
            items: versions.map {
                Item(
                    versionNamed: $0.name, description: $0.description, id: $0.id, visibility: $0.visibility, state: $0.state,
                    created: $0.created)
            })
    }

    var title: String
    var items: [Item]

    func response(choice: ContentNegotiation.Choice) -> HTTPResponse {
        let body: [UInt8]
        switch choice.representation {
        case .xml: body = xml()
        case .json, .text: body = JSONWriter.bytes(json())
        }
        return HTTPResponse(status: .ok, headers: ["Content-Type": choice.contentType], body: body)
    }

    func json() -> JSONValue {
        .object([
            (
                "channel",
                .object([
                    ("title", .string(title)),
                    (
                        "item",
                        .array(
                            items.map { item in
                                .object(
                                    [
                                        ("title", .string(item.title)),
                                        ("description", .string(item.description)),
                                        ("guid", .object([("value", .string(item.guid))])),
                                        (
                                            "category",
                                            .array(
                                                item.categories.map {
                                                    .object([("domain", .string($0.domain)), ("value", .string($0.value))])
                                                })
                                        ),
                                        ("pubDate", .string(Timestamp.rfc1123(item.pubDate)))
                                    ] + item.fields)
                            })
                    )
                ])
            )
        ])
    }

    func xml() -> [UInt8] {
        var output = Array(#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>"#.utf8)
        XMLWriter.escape(title, into: &output)
        output.append(contentsOf: "</title>".utf8)
        for item in items {
            output.append(contentsOf: "<item><title>".utf8)
            XMLWriter.escape(item.title, into: &output)
            output.append(contentsOf: "</title><description>".utf8)
            XMLWriter.escape(item.description, into: &output)
            output.append(contentsOf: "</description><guid>".utf8)
            XMLWriter.escape(item.guid, into: &output)
            output.append(contentsOf: "</guid>".utf8)
            for category in item.categories {
                output.append(contentsOf: "<category domain=\"".utf8)
                XMLWriter.escape(category.domain, into: &output)
                output.append(contentsOf: "\">".utf8)
                XMLWriter.escape(category.value, into: &output)
                output.append(contentsOf: "</category>".utf8)
            }
            output.append(contentsOf: "<pubDate>\(Timestamp.rfc1123(item.pubDate))</pubDate>".utf8)
            for (name, value) in item.fields {
                if case .object = value {
                    XMLWriter.element(name, value, into: &output)
                    continue
                }
                output.append(contentsOf: "<\(name)>".utf8)
                switch value {
                case .string(let text): XMLWriter.escape(text, into: &output)
                case .integer(let number): output.append(contentsOf: String(number).utf8)
                case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
                default: break
                }
                output.append(contentsOf: "</\(name)>".utf8)
            }
            output.append(contentsOf: "</item>".utf8)
        }
        output.append(contentsOf: "</channel></rss>".utf8)
        return output
    }
}

/// A version listed in a versions channel (app versions, model versions).
protocol ChannelVersion {
    var id: String { get }
    var name: String { get }
    var description: String { get }
    var visibility: String { get }
    var state: String { get }
    var created: String { get }
}

extension AppVersion: ChannelVersion {}
extension ModelVersion: ChannelVersion {}
