/// A `multipart/form-data` body (RFC 7578): the parts by field name, with their file names.
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

    /// Parses `body` with the boundary from `contentType`; nil when it is not well-formed multipart.
    init?(contentType: String, body: [UInt8]) {
        guard let boundaryParameter = contentType.split(separator: ";").dropFirst()
            .map({ MediaRange.trimmed($0) })
            .first(where: { $0.lowercased().hasPrefix("boundary=") })
        else { return nil }
        var boundary = String(boundaryParameter.dropFirst("boundary=".count))
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard !boundary.isEmpty else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        var cursor = 0
        guard let first = Self.find(delimiter, in: body, from: 0) else { return nil }
        cursor = first + delimiter.count
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF and a part follows.
            if cursor + 2 <= body.count, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { break }
            guard let lineEnd = Self.find([13, 10], in: body, from: cursor) else { return nil }
            let partStart = lineEnd + 2
            guard let headEnd = Self.find([13, 10, 13, 10], in: body, from: partStart) else { return nil }
            let headText = String(decoding: body[partStart..<headEnd], as: UTF8.self)
            guard let next = Self.find([13, 10] + delimiter, in: body, from: headEnd + 4) else { return nil }
            var name: String?
            var filename: String?
            var partType: String?
            for line in headText.split(separator: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = Self.parameter("name", in: line)
                    filename = Self.parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    partType = MediaRange.trimmed(line.dropFirst("content-type:".count))
                }
            }
            guard let name else { return nil }
            parts.append(Part(name: name, filename: filename, contentType: partType, body: Array(body[(headEnd + 4)..<next])))
            cursor = next + 2 + delimiter.count
        }
        self.parts = parts
    }

    private static func parameter(_ key: String, in line: Substring) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, MediaRange.trimmed(pair[0]).lowercased() == key else { continue }
            var value = MediaRange.trimmed(pair[1])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
