import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec

/// `GET /_emulator/requests.har`: the request journal as HAR 1.2 (the format browsers' developer
/// tools and HAR viewers open), oldest first. Headers and bodies are the journal's (bodies: their
/// first 16 KiB as UTF-8 text; a body that is not text is left out, its size kept). Unless
/// `redact=false`, what lets one replay a session is masked: cookie values (`Cookie`,
/// `Set-Cookie`), the CSRF header, `Authorization`, and the password of a login body.
enum HARExport {
    static let masked = "(redacted)"

    static func log(_ entries: [RequestJournalEntry], redact: Bool) -> JSONValue {
        .object([
            (
                "log",
                .object([
                    ("version", .string("1.2")),
                    ("creator", .object([("name", .string("akana-emulator")), ("version", .string(EmulatorVersion.current))])),
                    ("pages", .array([])),
                    ("entries", .array(entries.reversed().map { entry($0, redact: redact) }))
                ])
            )
        ])
    }

    static func entry(_ entry: RequestJournalEntry, redact: Bool) -> JSONValue {
        let requestHeaders = headers(entry.requestHeaders)
        let host = requestHeaders.first { $0.name.lowercased() == "host" }?.value ?? "127.0.0.1"
        let url = "http://\(host)\(entry.path)" + (entry.query.isEmpty ? "" : "?\(entry.query)")
        let requestContentType = requestHeaders.first { $0.name.lowercased() == "content-type" }?.value ?? ""
        var request: [(String, JSONValue)] = [
            ("method", .string(entry.method)), ("url", .string(url)), ("httpVersion", .string("HTTP/1.1")),
            ("cookies", .array(cookies(requestHeaders, redact: redact))),
            ("headers", .array(requestHeaders.map { pair($0.name, redact ? masked($0.name, $0.value) : $0.value) })),
            ("queryString", .array(queryString(entry.query))),
            ("headersSize", .integer(-1)), ("bodySize", .integer(Int64(entry.requestBytes)))
        ]
        if entry.requestBytes > 0 {
            var text = entry.requestBody ?? ""
            if redact, entry.path.hasSuffix("/login") || entry.path.hasSuffix("/ssoLogin") { text = maskedPassword(text) }
            request.append(("postData", .object([("mimeType", .string(requestContentType)), ("text", .string(text))])))
        }
        let responseHeaders = headers(entry.responseHeaders)
        let responseContentType = responseHeaders.first { $0.name.lowercased() == "content-type" }?.value ?? ""
        var content: [(String, JSONValue)] = [
            ("size", .integer(Int64(entry.responseBytes ?? 0))), ("mimeType", .string(responseContentType))
        ]
        if let body = entry.responseBody { content.append(("text", .string(body))) }
        let status = entry.status ?? 0
        let response: [(String, JSONValue)] = [
            ("status", .integer(Int64(status))),
            ("statusText", .string(status == 0 ? "" : HTTPStatus(code: status).reasonPhrase)),
            ("httpVersion", .string("HTTP/1.1")),
            ("cookies", .array(setCookies(responseHeaders, redact: redact))),
            ("headers", .array(responseHeaders.map { pair($0.name, redact ? masked($0.name, $0.value) : $0.value) })),
            ("content", .object(content)), ("redirectURL", .string("")),
            ("headersSize", .integer(-1)), ("bodySize", .integer(Int64(entry.responseBytes ?? -1)))
        ]
        let duration = entry.durationMs ?? 0
        var comment = "requestID \(entry.requestID)"
        if let route = entry.route, !route.isEmpty { comment += "; route \(route)" }
        if let fault = entry.faultID { comment += "; injected fault \(fault)" }
        if !entry.changedIDs.isEmpty { comment += "; changed \(entry.changedIDs.joined(separator: ", "))" }
        return .object([
            ("startedDateTime", .string(Timestamp.iso8601Milliseconds(entry.time))), ("time", .number(duration)),
            ("request", .object(request)), ("response", .object(response)), ("cache", .object([])),
            ("timings", .object([("send", .number(0)), ("wait", .number(duration)), ("receive", .number(0))])),
            ("comment", .string(comment))
        ])
    }

    static func pair(_ name: String, _ value: String) -> JSONValue {
        .object([("name", .string(name)), ("value", .string(value))])
    }

    /// The journal's `Name: value` lines as pairs (none for entries journaled without them).
    static func headers(_ lines: String?) -> [(name: String, value: String)] {
        guard let lines, !lines.isEmpty else { return [] }
        return lines.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            guard let colon = line.firstIndex(of: ":") else { return (String(line), "") }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
    }

    /// A header's value as shown when redacting: cookie values, the CSRF header and credentials masked.
    static func masked(_ name: String, _ value: String) -> String {
        let lower = name.lowercased()
        if lower == "cookie" {
            return value.split(separator: ";").map { cookie in
                let trimmed = cookie.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "=") else { return String(trimmed) }
                return "\(trimmed[..<equals])=\(masked)"
            }.joined(separator: "; ")
        }
        if lower == "set-cookie" {
            guard let equals = value.firstIndex(of: "=") else { return value }
            let rest = value[value.index(after: equals)...]
            let attributes = rest.firstIndex(of: ";").map { String(rest[$0...]) } ?? ""
            return "\(value[..<equals])=\(masked)\(attributes)"
        }
        if lower.hasPrefix("x-csrf-token") || lower == "authorization" || lower == "atmo-renew-token" { return masked }
        return value
    }

    static func cookies(_ headers: [(name: String, value: String)], redact: Bool) -> [JSONValue] {
        headers.filter { $0.name.lowercased() == "cookie" }.flatMap { header in
            header.value.split(separator: ";").compactMap { cookie -> JSONValue? in
                let trimmed = cookie.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "=") else { return nil }
                return pair(String(trimmed[..<equals]), redact ? masked : String(trimmed[trimmed.index(after: equals)...]))
            }
        }
    }

    static func setCookies(_ headers: [(name: String, value: String)], redact: Bool) -> [JSONValue] {
        headers.filter { $0.name.lowercased() == "set-cookie" }.compactMap { header in
            let first = header.value.prefix { $0 != ";" }
            guard let equals = first.firstIndex(of: "=") else { return nil }
            return pair(String(first[..<equals]), redact ? masked : String(first[first.index(after: equals)...]))
        }
    }

    static func queryString(_ query: String) -> [JSONValue] {
        guard !query.isEmpty else { return [] }
        return query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return pair(decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// A login body with its password masked: the JSON member `password` (any case) or the form
    /// field `password=`.
    static func maskedPassword(_ body: String) -> String {
        var text = body
        if let expression = try? Regex(#"("(?i:password)"\s*:\s*)"(?:[^"\\]|\\.)*""#) {
            text = text.replacing(expression) { match in "\(match.output[1].substring ?? "")\"\(masked)\"" }
        }
        if let form = try? Regex(#"((?:^|&)(?i:password)=)[^&]*"#) {
            text = text.replacing(form) { match in "\(match.output[1].substring ?? "")\(masked)" }
        }
        return text
    }
}
