import AkanaDomain
import DispatchHTTP
import Foundation

/// The platform's list shape: an RSS 2.0 channel. JSON `{"channel":{"title":…,"item":[…]}}`,
/// XML `<rss version="2.0"><channel><title>…</title><item>…</item></channel></rss>`.
struct RSSChannel {
    struct Item {
        var title: String
        var description: String
        var guid: String
        var categories: [(domain: String, value: String)]
        var pubDate: Date
        /// Per-type members after the RSS ones (search: apps' Connections, users' Email…); scalars.
        var fields: [(String, JSONValue)] = []
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
        .object([("channel", .object([
            ("title", .string(title)),
            ("item", .array(items.map { item in
                .object([
                    ("title", .string(item.title)),
                    ("description", .string(item.description)),
                    ("guid", .object([("value", .string(item.guid))])),
                    ("category", .array(item.categories.map { .object([("domain", .string($0.domain)), ("value", .string($0.value))]) })),
                    ("pubDate", .string(Timestamp.rfc1123(item.pubDate))),
                ] + item.fields)
            })),
        ]))])
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
