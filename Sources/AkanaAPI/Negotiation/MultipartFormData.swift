import AkanaDomain

/// A `multipart/form-data` body (RFC 7578): the parts by field name, with their file names.
///
/// Parameters (`boundary=…`, `name=…`, `filename=…`) may be quoted strings, which can hold `;`
/// and backslash-escaped quotes. The boundary is 1 to 70 characters (RFC 2046), so finding the
/// delimiters is linear in the body. Part headers must be valid UTF-8.
struct MultipartFormData {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var body: [UInt8]
    }

    var parts: [Part]

    func part(_ name: String) -> Part? {
        parts.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The longest boundary RFC 2046 allows.
    static let maxBoundaryLength = 70

    /// Parses `body` with the boundary from `contentType`; nil when it is not well-formed multipart.
    init?(contentType: String, body: [UInt8]) {
        guard let semicolon = Self.firstUnquoted(UInt8(ascii: ";"), in: Substring(contentType)),
            let boundary = Self.parameters(contentType[contentType.index(after: semicolon)...])
                .first(where: { $0.0 == "boundary" })?.1,
            !boundary.isEmpty, boundary.utf8.count <= Self.maxBoundaryLength
        else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard let first = Self.find(delimiter, in: body, from: 0) else { return nil }
        var cursor = first + delimiter.count
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF and a part follows.
            if cursor + 2 <= body.count, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { break }
            guard let lineEnd = Self.find([13, 10], in: body, from: cursor) else { return nil }
            let partStart = lineEnd + 2
            // Every part has a Content-Disposition header, so its head is never empty.
            guard let headEnd = Self.find([13, 10, 13, 10], in: body, from: partStart),
                let headText = UntrustedText.string(body[partStart..<headEnd])
            else { return nil }
            let contentStart = headEnd + 4
            guard let next = Self.find([13, 10] + delimiter, in: body, from: headEnd + 2) else { return nil }
            var name: String?
            var filename: String?
            var partType: String?
            for line in headText.split(separator: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { return nil }
                let field = MediaRange.trimmed(line[..<colon]).lowercased()
                let value = line[line.index(after: colon)...]
                if field == "content-disposition" {
                    guard let semicolon = Self.firstUnquoted(UInt8(ascii: ";"), in: value),
                        MediaRange.trimmed(value[..<semicolon]).lowercased() == "form-data"
                    else { return nil }
                    let parameters = Self.parameters(value[value.index(after: semicolon)...])
                    name = parameters.first { $0.0 == "name" }?.1
                    filename = parameters.first { $0.0 == "filename" }?.1
                } else if field == "content-type" {
                    partType = MediaRange.trimmed(value)
                }
            }
            guard let name, next >= contentStart else { return nil }
            parts.append(Part(name: name, filename: filename, contentType: partType, body: Array(body[contentStart..<next])))
            cursor = next + 2 + delimiter.count
        }
        self.parts = parts
    }

    /// `; a=1; b="x;y"` → `[("a", "1"), ("b", "x;y")]`: names lowered, quoted strings unquoted
    /// (`\"` and `\\` unescaped); nil-free: a malformed piece is skipped.
    static func parameters(_ text: Substring) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = text[...]
        while !rest.isEmpty {
            let end = firstUnquoted(UInt8(ascii: ";"), in: rest) ?? rest.endIndex
            let piece = rest[..<end]
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = MediaRange.trimmed(piece[..<equals]).lowercased()
            var value = MediaRange.trimmed(piece[piece.index(after: equals)...])
            if value.hasPrefix("\"") {
                guard let unquoted = unquote(value) else { continue }
                value = unquoted
            }
            result.append((name, value))
        }
        return result
    }

    /// The content of a quoted string (`"a\"b"` → `a"b`); nil when it is not closed at the end.
    private static func unquote(_ text: String) -> String? {
        var output = ""
        var escaped = false
        var closed = false
        for character in text.dropFirst() {
            if closed { return nil }  // something after the closing quote
            if escaped {
                output.append(character)
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "\"": closed = true
            default: output.append(character)
            }
        }
        return closed ? output : nil
    }

    /// The first `byte` outside a quoted string.
    static func firstUnquoted(_ byte: UInt8, in text: Substring) -> Substring.Index? {
        var quoted = false
        var escaped = false
        var index = text.utf8.startIndex
        while index < text.utf8.endIndex {
            let current = text.utf8[index]
            if escaped {
                escaped = false
            } else if quoted {
                if current == UInt8(ascii: "\\") { escaped = true } else if current == UInt8(ascii: "\"") { quoted = false }
            } else if current == UInt8(ascii: "\"") {
                quoted = true
            } else if current == byte {
                return index
            }
            index = text.utf8.index(after: index)
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start >= 0 else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
