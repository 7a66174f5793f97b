import ByteCodecs

#if canImport(Glibc)
    import Glibc
#endif

/// The parsed form of a request-target: decoded path, decoded segments and query items.
struct HTTPRequestTarget: Sendable, Equatable {
    var path: String
    var segments: [String]
    var query: [HTTPQueryItem]

    /// Parses origin-form (`/p?q`), absolute-form (`http://host/p?q`) and, for OPTIONS only, `*`.
    /// A fragment (`#…`) is ignored.
    static func parse(_ target: [UInt8], method: HTTPMethod) throws(HTTPDecodingError) -> HTTPRequestTarget {
        let result = target.withUnsafeBufferPointer { bytes in
            Result { () throws(HTTPDecodingError) in try parse(bytes, method: method, text: nil) }
        }
        return try result.get()
    }

    /// The same on bytes in place (the decoder's buffer). `text`, when given, is `target` as a
    /// String: a path that is the whole target and needs no decoding reuses it instead of making
    /// a second copy.
    ///
    /// Works on indices into `target` (no slices, no copies): the generic `ArraySlice` version
    /// this replaced cost about ten thousand instructions for a 60-byte target.
    static func parse(
        _ target: UnsafeBufferPointer<UInt8>, method: HTTPMethod,
        text: String?
    ) throws(HTTPDecodingError) -> HTTPRequestTarget {
        guard !target.isEmpty else { throw .badRequest("empty request target") }
        var slashes = 0
        for byte in target {
            if byte < 0x21 || byte > 0x7E { throw .badRequest("invalid character in request target") }
            if byte == UInt8(ascii: "/") { slashes += 1 }
        }
        if target.count == 1 && target[0] == UInt8(ascii: "*") {
            guard method == .options else { throw .badRequest("'*' target is only allowed for OPTIONS") }
            return HTTPRequestTarget(path: "*", segments: [], query: [])
        }
        var lower = 0
        var upper = target.count
        if let hash = firstIndex(of: UInt8(ascii: "#"), in: target, lower, upper) { upper = hash }
        if lower == upper || target[lower] != UInt8(ascii: "/") {
            // absolute-form: scheme "://" authority [path-abempty] ["?" query]
            guard let schemeEnd = findSchemeSeparator(target, lower, upper) else {
                throw .badRequest("request target must be origin-form or absolute-form")
            }
            let afterAuthorityStart = schemeEnd + 3
            var authorityEnd: Int?
            for index in afterAuthorityStart..<upper
            where target[index] == UInt8(ascii: "/") || target[index] == UInt8(ascii: "?") {
                authorityEnd = index
                break
            }
            guard let authorityEnd else {
                guard afterAuthorityStart < upper else { throw .badRequest("absolute-form target without authority") }
                return HTTPRequestTarget(path: "/", segments: [], query: [])
            }
            guard authorityEnd > afterAuthorityStart else {
                throw .badRequest("absolute-form target without authority")
            }
            lower = authorityEnd
            if target[lower] == UInt8(ascii: "?") {
                let query = try parseQuery(target, lower + 1, upper)
                return HTTPRequestTarget(path: "/", segments: [], query: query)
            }
        }
        var pathEnd = upper
        var query: [HTTPQueryItem] = []
        if let questionMark = firstIndex(of: UInt8(ascii: "?"), in: target, lower, upper) {
            pathEnd = questionMark
            query = try parseQuery(target, questionMark + 1, upper)
        }
        let rawPath = UnsafeBufferPointer(rebasing: target[lower..<pathEnd])
        let path: String
        if let text, lower == 0, pathEnd == target.count, !PercentDecoding.needsDecoding(rawPath, plusAsSpace: false) {
            path = text
        } else {
            path = try percentDecode(rawPath, plusAsSpace: false)
        }
        var segments: [String] = []
        segments.reserveCapacity(slashes)
        var segmentStart = lower
        for index in lower...pathEnd where index == pathEnd || target[index] == UInt8(ascii: "/") {
            if index > segmentStart {
                segments.append(try percentDecode(UnsafeBufferPointer(rebasing: target[segmentStart..<index]), plusAsSpace: false))
            }
            segmentStart = index + 1
        }
        return HTTPRequestTarget(path: path, segments: segments, query: query)
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Int? {
        guard lower < upper, let base = bytes.baseAddress,
            let found = memchr(base + lower, Int32(byte), upper - lower)
        else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The index of `"://"` after a valid scheme (`http` or `https`, any case), or nil.
    private static func findSchemeSeparator(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Int? {
        guard let colon = firstIndex(of: UInt8(ascii: ":"), in: bytes, lower, upper) else { return nil }
        let scheme = String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<colon]), as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        guard upper - colon >= 3, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/")
        else { return nil }
        return colon
    }

    /// Splits on `&`, skips empty pairs, splits each pair at its first `=`; `+` means space.
    static func parseQuery(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) throws(HTTPDecodingError) -> [HTTPQueryItem] {
        var items: [HTTPQueryItem] = []
        var pairStart = lower
        var index = lower
        while index <= upper {
            if index == upper || bytes[index] == UInt8(ascii: "&") {
                if index > pairStart {
                    if let equals = firstIndex(of: UInt8(ascii: "="), in: bytes, pairStart, index) {
                        let name = try percentDecode(UnsafeBufferPointer(rebasing: bytes[pairStart..<equals]), plusAsSpace: true)
                        let value = try percentDecode(UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<index]), plusAsSpace: true)
                        items.append(HTTPQueryItem(name: name, value: value))
                    } else {
                        let name = try percentDecode(UnsafeBufferPointer(rebasing: bytes[pairStart..<index]), plusAsSpace: true)
                        items.append(HTTPQueryItem(name: name, value: ""))
                    }
                }
                pairStart = index + 1
            }
            index += 1
        }
        return items
    }

    /// Decodes `%XX` escapes (and `+` when `plusAsSpace`); the result must be valid UTF-8.
    static func percentDecode(_ bytes: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool) throws(HTTPDecodingError) -> String {
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
