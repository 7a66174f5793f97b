import ByteCodecs
/// The parsed form of a request-target: decoded path, decoded segments and query items.
struct HTTPRequestTarget: Sendable, Equatable {
    var path: String
    var segments: [String]
    var query: [HTTPQueryItem]

    /// Parses origin-form (`/p?q`), absolute-form (`http://host/p?q`) and, for OPTIONS only, `*`.
    /// A fragment (`#…`) is ignored.
    static func parse(_ target: [UInt8], method: HTTPMethod) throws(HTTPDecodingError) -> HTTPRequestTarget {
        guard !target.isEmpty else { throw .badRequest("empty request target") }
        for byte in target where byte < 0x21 || byte > 0x7E {
            throw .badRequest("invalid character in request target")
        }
        if target == [UInt8(ascii: "*")] {
            guard method == .options else { throw .badRequest("'*' target is only allowed for OPTIONS") }
            return HTTPRequestTarget(path: "*", segments: [], query: [])
        }
        var bytes = target[...]
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) { bytes = bytes[..<hash] }
        if bytes.first != UInt8(ascii: "/") {
            // absolute-form: scheme "://" authority [path-abempty] ["?" query]
            guard let schemeEnd = findSchemeSeparator(bytes) else {
                throw .badRequest("request target must be origin-form or absolute-form")
            }
            let afterAuthorityStart = schemeEnd + 3
            let rest = bytes[afterAuthorityStart...]
            guard let authorityEnd = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
            else {
                guard !rest.isEmpty else { throw .badRequest("absolute-form target without authority") }
                return HTTPRequestTarget(path: "/", segments: [], query: [])
            }
            guard authorityEnd > afterAuthorityStart else {
                throw .badRequest("absolute-form target without authority")
            }
            bytes = bytes[authorityEnd...]
            if bytes.first == UInt8(ascii: "?") {
                let query = try parseQuery(bytes.dropFirst())
                return HTTPRequestTarget(path: "/", segments: [], query: query)
            }
        }
        let rawPath: ArraySlice<UInt8>
        var query: [HTTPQueryItem] = []
        if let questionMark = bytes.firstIndex(of: UInt8(ascii: "?")) {
            rawPath = bytes[..<questionMark]
            query = try parseQuery(bytes[(questionMark + 1)...])
        } else {
            rawPath = bytes
        }
        let path = try percentDecode(rawPath, plusAsSpace: false)
        var segments: [String] = []
        for segment in rawPath.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            segments.append(try percentDecode(segment, plusAsSpace: false))
        }
        return HTTPRequestTarget(path: path, segments: segments, query: query)
    }

    /// The index of `"://"` after a valid scheme (`http` or `https`, any case), or nil.
    private static func findSchemeSeparator(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let scheme = String(decoding: bytes[bytes.startIndex..<colon], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let separator = Array("://".utf8)
        guard bytes.count >= colon - bytes.startIndex + 3,
              Array(bytes[colon..<(colon + 3)]) == separator
        else { return nil }
        return colon
    }

    /// Splits on `&`, skips empty pairs, splits each pair at its first `=`; `+` means space.
    static func parseQuery(_ bytes: ArraySlice<UInt8>) throws(HTTPDecodingError) -> [HTTPQueryItem] {
        var items: [HTTPQueryItem] = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                let name = try percentDecode(pair[pair.startIndex..<equals], plusAsSpace: true)
                let value = try percentDecode(pair[(equals + 1)...], plusAsSpace: true)
                items.append(HTTPQueryItem(name: name, value: value))
            } else {
                items.append(HTTPQueryItem(name: try percentDecode(pair, plusAsSpace: true), value: ""))
            }
        }
        return items
    }

    /// Decodes `%XX` escapes (and `+` when `plusAsSpace`); the result must be valid UTF-8.
    static func percentDecode(_ bytes: ArraySlice<UInt8>, plusAsSpace: Bool) throws(HTTPDecodingError) -> String {
        guard PercentDecoding.needsDecoding(bytes, plusAsSpace: plusAsSpace) else {
            return String(decoding: bytes, as: UTF8.self)  // visible ASCII only: always valid
        }
        guard let decoded = PercentDecoding.decode(bytes, plusAsSpace: plusAsSpace) else {
            throw .badRequest("invalid percent-encoding in request target")
        }
        guard let string = String(validating: decoded, as: UTF8.self) else {
            throw .badRequest("percent-encoded bytes are not valid UTF-8")
        }
        return string
    }
}
