import ByteCodecs

#if canImport(Glibc)
    import Glibc
#endif

/// A socket-free HTTP/1.1 request decoder: feed it bytes in any split with `append(_:)`, then call
/// `next()` until it says `.needMoreData`.
///
/// Framing rules (RFC 9112): request line `METHOD SP target SP HTTP/1.x` (other versions → 505),
/// CRLF line endings (lone LF tolerated, bare CR → 400), empty lines before a request ignored,
/// token header names with no whitespace before the colon, no obs-fold, `Host` required (exactly
/// once) in HTTP/1.1, body framed by `Content-Length` (digits only; conflicting values → 400) or
/// `Transfer-Encoding: chunked` (extensions ignored, trailers discarded); both together → 400;
/// other transfer codings → 501. Limits: header block → 431, header count → 431, body → 413
/// (checked before anything is allocated). `Expect: 100-continue` yields `.sendContinue` once the
/// head is complete and no body byte has arrived yet; other expectations → 417.
///
/// After an `.error` the decoder stays failed: the connection must be closed.
public struct HTTPRequestDecoder: Sendable {
    public struct Limits: Sendable, Equatable {
        public var maxHeaderBytes: Int
        public var maxHeaderCount: Int
        public var maxBodyBytes: Int

        public init(maxHeaderBytes: Int = 65_536, maxHeaderCount: Int = 200, maxBodyBytes: Int = 1_048_576) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }
    }

    public enum Event: Sendable {
        /// A complete request (its `remoteAddress` and `id` are empty; the server fills them in).
        case request(HTTPRequest)
        /// Everything buffered has been consumed or is an incomplete request.
        case needMoreData
        /// The client sent `Expect: 100-continue` and waits: write `HTTP/1.1 100 Continue`.
        case sendContinue
        /// The request is malformed or over a limit: answer `error.status` and close.
        case error(HTTPDecodingError)
    }

    private enum State: Sendable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int)
        case failed(HTTPDecodingError)
    }

    private struct Head: Sendable {
        var method: HTTPMethod
        var target: String
        var parsedTarget: HTTPRequestTarget
        var version: HTTPVersion
        var headers: HTTPHeaders
        /// Noted while the field lines are parsed, so framing looks up only the fields that are there.
        var hostCount = 0
        var hasContentLength = false
        var hasTransferEncoding = false
        var hasExpect = false
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    /// Index of the first unconsumed byte in `buffer`.
    private var start = 0
    /// Where the search for the end of the header block resumes.
    private var scanFrom = 0
    private var state: State = .head
    private var head: Head?
    private var body: [UInt8] = []
    private var continueOffered = false

    /// The longest chunk-size line (size plus extensions) accepted.
    static let maxChunkLineBytes = 4096

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Bytes received but not yet consumed by a complete request.
    public var bufferedByteCount: Int { buffer.count - start }

    /// True when part of a request has been received (buffered bytes or a body in progress).
    public var hasPartialRequest: Bool {
        if case .head = state { return start < buffer.count }
        return true
    }

    public var hasFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Decodes as far as the buffered bytes allow.
    public mutating func next() -> Event {
        while true {
            switch state {
            case .failed(let error):
                return .error(error)
            case .head:
                switch parseHead() {
                case .needMore: return .needMoreData
                case .failed(let error): return fail(error)
                case .parsed: break
                }
                if let complete = completeIfBodyDone() { return complete }
                if shouldOfferContinue() {
                    continueOffered = true
                    return .sendContinue
                }
            case .fixedBody(let remaining):
                let taken = takeBody(upTo: remaining)
                if taken < remaining {
                    state = .fixedBody(remaining: remaining - taken)
                    return .needMoreData
                }
                return complete()
            case .chunkSize:
                switch parseChunkSize() {
                case .needMore: return .needMoreData
                case .failed(let error): return fail(error)
                case .parsed: break
                }
            case .chunkData(let remaining):
                let taken = takeBody(upTo: remaining)
                if taken < remaining {
                    state = .chunkData(remaining: remaining - taken)
                    return .needMoreData
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard start < buffer.count else { return .needMoreData }
                if buffer[start] == .lf {
                    start += 1
                } else if buffer[start] == .cr {
                    guard start + 1 < buffer.count else { return .needMoreData }
                    guard buffer[start + 1] == .lf else { return fail(.badRequest("missing CRLF after chunk data")) }
                    start += 2
                } else {
                    return fail(.badRequest("missing CRLF after chunk data"))
                }
                state = .chunkSize
            case .trailers(let bytes):
                guard let lineFeed = findLineFeed(from: start) else {
                    if bytes + (buffer.count - start) > limits.maxHeaderBytes {
                        return fail(.init(.requestHeaderFieldsTooLarge, "trailer section too large"))
                    }
                    return .needMoreData
                }
                let lineStart = start
                var lineEnd = lineFeed
                if lineEnd > lineStart && buffer[lineEnd - 1] == .cr { lineEnd -= 1 }
                let lineLength = lineFeed + 1 - lineStart
                start = lineFeed + 1
                if lineEnd == lineStart { return complete() }
                let total = bytes + lineLength
                if total > limits.maxHeaderBytes {
                    return fail(.init(.requestHeaderFieldsTooLarge, "trailer section too large"))
                }
                state = .trailers(bytes: total)
            }
        }
    }

    // MARK: - Head

    private enum StepResult {
        case parsed
        case needMore
        case failed(HTTPDecodingError)
    }

    private mutating func parseHead() -> StepResult {
        // Ignore empty lines before a request line (RFC 9112 §2.2).
        while start < buffer.count {
            if buffer[start] == .lf {
                start += 1
            } else if buffer[start] == .cr {
                guard start + 1 < buffer.count else { return .needMore }
                guard buffer[start + 1] == .lf else { return .failed(.badRequest("bare CR in request")) }
                start += 2
            } else {
                break
            }
        }
        if scanFrom < start { scanFrom = start }
        guard let headEnd = findEndOfHead() else {
            if buffer.count - start > limits.maxHeaderBytes {
                return .failed(.init(.requestHeaderFieldsTooLarge, "request header section too large"))
            }
            return .needMore
        }
        if headEnd - start > limits.maxHeaderBytes {
            return .failed(.init(.requestHeaderFieldsTooLarge, "request header section too large"))
        }
        let parsed: Head
        let headStart = start
        let result = buffer.withUnsafeBufferPointer { all in
            Result { () throws(HTTPDecodingError) in
                try Self.parseHeadLines(UnsafeBufferPointer(rebasing: all[headStart..<headEnd]), limits: limits)
            }
        }
        switch result {
        case .success(let head): parsed = head
        case .failure(let error): return .failed(error)
        }
        start = headEnd
        scanFrom = headEnd
        do {
            state = try framing(of: parsed)
        } catch {
            return .failed(error)
        }
        head = parsed
        return .parsed
    }

    /// Finds the index just past the empty line ending the header block, resuming at `scanFrom`.
    /// Jumps from line feed to line feed with memchr.
    private mutating func findEndOfHead() -> Int? {
        let from = scanFrom
        let (end, resume) = buffer.withUnsafeBufferPointer { bytes -> (Int?, Int) in
            let count = bytes.count
            guard let base = bytes.baseAddress else { return (nil, from) }
            var index = from
            while index < count, let found = memchr(base + index, Int32(UInt8.lf), count - index) {
                let lf = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                guard lf + 1 < count else { return (nil, lf) }
                if base[lf + 1] == .lf { return (lf + 2, lf) }
                if base[lf + 1] == .cr {
                    guard lf + 2 < count else { return (nil, lf) }
                    if base[lf + 2] == .lf { return (lf + 3, lf) }
                }
                index = lf + 1
            }
            return (nil, count)
        }
        if end == nil { scanFrom = max(resume, from) }
        return end
    }

    /// Parses the head (request line, field lines, the terminating empty line) in place, with
    /// indices into the decoder's buffer: each field becomes two Strings and nothing else is
    /// copied. The checks and their order are those of RFC 9112 as listed on the type: a bare CR
    /// anywhere first, then the request line, the field count, each field line in turn, the target.
    private static func parseHeadLines(_ head: UnsafeBufferPointer<UInt8>, limits: Limits) throws(HTTPDecodingError) -> Head {
        guard let base = head.baseAddress else { throw .badRequest("empty request") }
        let count = head.count
        // Pass 1: a CR must end its line; count the lines (the last is the empty line).
        var lineCount = 0
        var position = 0
        while position < count, let found = memchr(base + position, Int32(UInt8.lf), count - position) {
            let lf = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let end = lf > position && base[lf - 1] == .cr ? lf - 1 : lf
            if end > position, memchr(base + position, Int32(UInt8.cr), end - position) != nil {
                throw .badRequest("bare CR in request head")
            }
            lineCount += 1
            position = lf + 1
        }
        guard lineCount >= 2 else { throw .badRequest("empty request") }

        // Pass 2: the lines themselves.
        position = 0
        /// The next line's bounds (without CR LF); pass 1 proved every line ends with LF.
        func nextLine() -> (start: Int, end: Int) {
            let lineStart = position
            let found = memchr(base + lineStart, Int32(UInt8.lf), count - lineStart)!
            let lf = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            position = lf + 1
            return (lineStart, lf > lineStart && base[lf - 1] == .cr ? lf - 1 : lf)
        }
        let requestLine = nextLine()
        let (method, targetStart, targetEnd, version) = try parseRequestLine(base, requestLine.start, requestLine.end)

        let fieldCount = lineCount - 2
        if fieldCount > limits.maxHeaderCount {
            throw HTTPDecodingError(.requestHeaderFieldsTooLarge, "too many header fields")
        }
        var headers = HTTPHeaders(reservingCapacity: fieldCount)
        var hostCount = 0
        var hasContentLength = false
        var hasTransferEncoding = false
        var hasExpect = false
        for _ in 0..<fieldCount {
            let line = nextLine()
            let (nameEnd, valueStart, valueEnd) = try parseFieldLine(base, line.start, line.end)
            let nameLength = nameEnd - line.start
            let namePointer = base + line.start
            switch nameLength {
            case 4 where asciiEqualsLowercase(namePointer, nameLength, "host"): hostCount += 1
            case 6 where asciiEqualsLowercase(namePointer, nameLength, "expect"): hasExpect = true
            case 14 where asciiEqualsLowercase(namePointer, nameLength, "content-length"): hasContentLength = true
            case 17 where asciiEqualsLowercase(namePointer, nameLength, "transfer-encoding"): hasTransferEncoding = true
            default: break
            }
            let name =
                knownName(namePointer, nameLength)
                ?? String(decoding: UnsafeBufferPointer(start: namePointer, count: nameLength), as: UTF8.self)
            let value =
                knownValue(base + valueStart, valueEnd - valueStart)
                ?? String(decoding: UnsafeBufferPointer(start: base + valueStart, count: valueEnd - valueStart), as: UTF8.self)
            headers.add(name, value)
        }
        let targetBytes = UnsafeBufferPointer(rebasing: head[targetStart..<targetEnd])
        let target = String(decoding: targetBytes, as: UTF8.self)
        let parsedTarget = try HTTPRequestTarget.parse(targetBytes, method: method, text: target)
        return Head(
            method: method, target: target, parsedTarget: parsedTarget, version: version, headers: headers,
            hostCount: hostCount, hasContentLength: hasContentLength, hasTransferEncoding: hasTransferEncoding,
            hasExpect: hasExpect)
    }

    /// `METHOD SP target SP version`: the method, the target's bounds and the version.
    private static func parseRequestLine(
        _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int
    ) throws(HTTPDecodingError) -> (HTTPMethod, Int, Int, HTTPVersion) {
        guard end > start, let first = memchr(base + start, Int32(UInt8.space), end - start) else {
            throw .badRequest("malformed request line")
        }
        let methodEnd = base.distance(to: first.assumingMemoryBound(to: UInt8.self))
        let targetStart = methodEnd + 1
        guard targetStart < end, let second = memchr(base + targetStart, Int32(UInt8.space), end - targetStart) else {
            throw .badRequest("malformed request line")
        }
        let targetEnd = base.distance(to: second.assumingMemoryBound(to: UInt8.self))
        guard methodEnd > start, targetEnd > targetStart else { throw .badRequest("malformed request line") }
        for index in start..<methodEnd where !isToken(base[index]) { throw .badRequest("invalid method") }
        let versionStart = targetEnd + 1
        let version: HTTPVersion
        if end - versionStart == 8 && same(base + versionStart, "HTTP/1.")
            && (base[versionStart + 7] == UInt8(ascii: "1") || base[versionStart + 7] == UInt8(ascii: "0"))
        {
            version = base[versionStart + 7] == UInt8(ascii: "1") ? .http11 : .http10
        } else {
            version = try parseVersion(Array(UnsafeBufferPointer(start: base + versionStart, count: end - versionStart))[...])
        }
        return (
            knownMethod(base + start, methodEnd - start)
                ?? HTTPMethod(rawValue: String(decoding: UnsafeBufferPointer(start: base + start, count: methodEnd - start), as: UTF8.self)),
            targetStart, targetEnd, version
        )
    }

    /// The standard methods as their static values (no String made per request); nil for others.
    private static func knownMethod(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> HTTPMethod? {
        switch length {
        case 3:
            if same(bytes, "GET") { return .get }
            if same(bytes, "PUT") { return .put }
        case 4:
            if same(bytes, "POST") { return .post }
            if same(bytes, "HEAD") { return .head }
        case 5:
            if same(bytes, "PATCH") { return .patch }
        case 6:
            if same(bytes, "DELETE") { return .delete }
        case 7:
            if same(bytes, "OPTIONS") { return .options }
        default:
            break
        }
        return nil
    }

    /// Common field names spelled exactly as received, as literals (no String made per field);
    /// nil for any other name or spelling, which then keeps the case it came in.
    private static func knownName(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> String? {
        switch length {
        case 4: if same(bytes, "Host") { return "Host" }
        case 6:
            if same(bytes, "Accept") { return "Accept" }
            if same(bytes, "Cookie") { return "Cookie" }
        case 10:
            if same(bytes, "Connection") { return "Connection" }
            if same(bytes, "User-Agent") { return "User-Agent" }
        case 12: if same(bytes, "Content-Type") { return "Content-Type" }
        case 14: if same(bytes, "Content-Length") { return "Content-Length" }
        case 15: if same(bytes, "Accept-Encoding") { return "Accept-Encoding" }
        default: break
        }
        return nil
    }

    /// Common field values, byte for byte, as literals: `application/json` is one byte too long
    /// for a small String, so it would cost an allocation (and a free) per request.
    private static func knownValue(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> String? {
        switch length {
        case 3: if same(bytes, "*/*") { return "*/*" }
        case 5: if same(bytes, "close") { return "close" }
        case 10:
            if same(bytes, "keep-alive") { return "keep-alive" }
            if same(bytes, "text/plain") { return "text/plain" }
        case 13: if same(bytes, "gzip, deflate") { return "gzip, deflate" }
        case 15: if same(bytes, "application/xml") { return "application/xml" }
        case 16: if same(bytes, "application/json") { return "application/json" }
        case 17: if same(bytes, "gzip, deflate, br") { return "gzip, deflate, br" }
        case 31: if same(bytes, "application/json; charset=utf-8") { return "application/json; charset=utf-8" }
        default: break
        }
        return nil
    }

    /// Whether the bytes at `bytes` start with `literal` (the caller has checked the length).
    @inline(__always)
    private static func same(_ bytes: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        memcmp(bytes, literal.utf8Start, literal.utf8CodeUnitCount) == 0
    }

    /// Whether the `length` bytes at `bytes` equal `lowercase` ignoring ASCII case.
    private static func asciiEqualsLowercase(_ bytes: UnsafePointer<UInt8>, _ length: Int, _ lowercase: StaticString) -> Bool {
        let expected = lowercase.utf8Start
        for index in 0..<length where HTTPHeaders.asciiLower(bytes[index]) != expected[index] { return false }
        return true
    }

    private static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPDecodingError) -> HTTPVersion {
        let prefix = Array("HTTP/".utf8)
        guard bytes.count > prefix.count, bytes.prefix(prefix.count).elementsEqual(prefix) else {
            throw .badRequest("malformed HTTP version")
        }
        let numbers = bytes.dropFirst(prefix.count)
        let pieces = numbers.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isDigit) }) else {
            throw .badRequest("malformed HTTP version")
        }
        let major = pieces[0].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        let minor = pieces[1].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard major == 1, minor == 0 || minor == 1 else {
            throw HTTPDecodingError(.httpVersionNotSupported, "HTTP version \(major).\(minor) not supported")
        }
        return HTTPVersion(major: major, minor: minor)
    }

    /// `name ":" OWS value OWS`: the end of the name and the bounds of the trimmed value.
    private static func parseFieldLine(
        _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int
    ) throws(HTTPDecodingError) -> (nameEnd: Int, valueStart: Int, valueEnd: Int) {
        guard end > start else { throw .badRequest("empty header line") }
        let first = base[start]
        if first == .space || first == .tab { throw .badRequest("obsolete line folding is not allowed") }
        guard let found = memchr(base + start, Int32(UInt8(ascii: ":")), end - start) else {
            throw .badRequest("header line without colon")
        }
        let colon = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        guard colon > start else { throw .badRequest("invalid header name") }
        for index in start..<colon where !isToken(base[index]) { throw .badRequest("invalid header name") }
        var valueStart = colon + 1
        var valueEnd = end
        while valueStart < valueEnd, base[valueStart] == .space || base[valueStart] == .tab { valueStart += 1 }
        while valueEnd > valueStart, base[valueEnd - 1] == .space || base[valueEnd - 1] == .tab { valueEnd -= 1 }
        // Eight bytes at a time: a word without a byte below 0x20 and without 0x7F is fine as it
        // is; a word with one (a tab, or a real control) is checked byte by byte.
        var index = valueStart
        while index + 8 <= valueEnd {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let low: UInt64 = 0x0101_0101_0101_0101
            let high: UInt64 = 0x8080_8080_8080_8080
            let below20 = (word &- low &* 0x20) & ~word & high
            let flipped = word ^ (low &* 0x7F)
            let is7F = (flipped &- low) & ~flipped & high
            if below20 | is7F != 0 {
                for offset in 0..<8 where !isFieldValueByte(base[index + offset]) {
                    throw .badRequest("invalid character in header value")
                }
            }
            index += 8
        }
        while index < valueEnd {
            if !isFieldValueByte(base[index]) { throw .badRequest("invalid character in header value") }
            index += 1
        }
        return (colon, valueStart, valueEnd)
    }

    /// HTAB, SP, VCHAR and obs-text.
    @inline(__always)
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        !((byte < 0x20 && byte != .tab) || byte == 0x7F)
    }

    /// RFC 9110 `tchar` from a 128-bit table (the same set as `UInt8.isTokenCharacter`).
    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        // Bits 0–63: `!#$%&'*+-.` and digits; bits 64–127: letters, `^_`|~`.
        let lowBits: UInt64 = 0x03FF_6CFA_0000_0000
        let highBits: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        if byte < 64 { return lowBits >> UInt64(byte) & 1 == 1 }
        if byte < 128 { return highBits >> UInt64(byte - 64) & 1 == 1 }
        return false
    }

    // MARK: - Framing

    private func framing(of head: Head) throws(HTTPDecodingError) -> State {
        let headers = head.headers
        if head.version == .http11 {
            if head.hostCount == 0 { throw .badRequest("missing Host header") }
            if head.hostCount > 1 { throw .badRequest("more than one Host header") }
        }
        let contentLengths = head.hasContentLength ? headers.values("Content-Length") : []
        if head.hasTransferEncoding {
            let transferCodings = headers.tokens("Transfer-Encoding")
            if !contentLengths.isEmpty { throw .badRequest("both Content-Length and Transfer-Encoding") }
            if transferCodings == ["chunked"] {
                try checkExpectation(head)
                return .chunkSize
            }
            if transferCodings.contains("chunked") { throw .badRequest("chunked must be the final transfer coding") }
            throw HTTPDecodingError(.notImplemented, "unsupported transfer coding")
        }
        var length = 0
        if !contentLengths.isEmpty {
            var seen: Int?
            for value in contentLengths {
                for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let candidate = try parseContentLength(element.trimmingHTTPWhitespace())
                    if let previous = seen, previous != candidate {
                        throw .badRequest("conflicting Content-Length values")
                    }
                    seen = candidate
                }
            }
            length = seen ?? 0
        }
        if length > limits.maxBodyBytes {
            throw HTTPDecodingError(.payloadTooLarge, "request body of \(length) bytes exceeds the limit of \(limits.maxBodyBytes)")
        }
        try checkExpectation(head)
        return .fixedBody(remaining: length)
    }

    /// Digits only; a value too large for `Int` is reported as too large (413).
    private func parseContentLength(_ text: String) throws(HTTPDecodingError) -> Int {
        guard !text.isEmpty, text.utf8.allSatisfy(\.isDigit) else { throw .badRequest("invalid Content-Length") }
        var value = 0
        for digit in text.utf8 {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            if overflow1 || overflow2 {
                throw HTTPDecodingError(.payloadTooLarge, "request body exceeds the limit of \(limits.maxBodyBytes)")
            }
            value = sum
        }
        return value
    }

    private func checkExpectation(_ head: Head) throws(HTTPDecodingError) {
        guard head.hasExpect else { return }
        let expectations = head.headers.values("Expect")
        guard !expectations.isEmpty else { return }
        for value in expectations where value.trimmingHTTPWhitespace().asciiLowercased() != "100-continue" {
            throw HTTPDecodingError(.expectationFailed, "unsupported expectation")
        }
    }

    private func shouldOfferContinue() -> Bool {
        guard !continueOffered, let head, head.version == .http11, start == buffer.count,
            head.hasExpect
        else { return false }
        switch state {
        case .fixedBody(let remaining): return remaining > 0
        case .chunkSize: return true
        default: return false
        }
    }

    // MARK: - Body

    /// Moves up to `limit` buffered bytes into the body; returns how many were moved.
    private mutating func takeBody(upTo limit: Int) -> Int {
        let taken = min(limit, buffer.count - start)
        guard taken > 0 else { return 0 }
        if body.isEmpty && taken == limit {
            body = Array(buffer[start..<(start + taken)])
        } else {
            if body.isEmpty, case .fixedBody = state { body.reserveCapacity(limit) }
            body.append(contentsOf: buffer[start..<(start + taken)])
        }
        start += taken
        return taken
    }

    private mutating func parseChunkSize() -> StepResult {
        guard let lineFeed = findLineFeed(from: start) else {
            if buffer.count - start > Self.maxChunkLineBytes { return .failed(.badRequest("chunk size line too long")) }
            return .needMore
        }
        if lineFeed - start > Self.maxChunkLineBytes { return .failed(.badRequest("chunk size line too long")) }
        var line = buffer[start..<lineFeed]
        if line.last == .cr { line = line.dropLast() }
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let value = Hex.value(line[index]) {
            let (times16, overflow1) = size.multipliedReportingOverflow(by: 16)
            let (sum, overflow2) = times16.addingReportingOverflow(Int(value))
            if overflow1 || overflow2 { return .failed(.badRequest("chunk size overflow")) }
            size = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { return .failed(.badRequest("invalid chunk size")) }
        // Whatever follows the size must be optional whitespace and a chunk extension (ignored).
        var rest = line[index...]
        while let byte = rest.first, byte == .space || byte == .tab { rest = rest.dropFirst() }
        if let byte = rest.first, byte != UInt8(ascii: ";") { return .failed(.badRequest("invalid chunk size")) }
        if rest.contains(where: { ($0 < 0x20 && $0 != .tab) || $0 == 0x7F }) {
            return .failed(.badRequest("invalid chunk extension"))
        }
        start = lineFeed + 1
        if size == 0 {
            state = .trailers(bytes: 0)
            return .parsed
        }
        if size > limits.maxBodyBytes - body.count {
            return .failed(.init(.payloadTooLarge, "chunked request body exceeds the limit of \(limits.maxBodyBytes)"))
        }
        state = .chunkData(remaining: size)
        return .parsed
    }

    private func findLineFeed(from index: Int) -> Int? {
        buffer[index...].firstIndex(of: .lf)
    }

    // MARK: - Completion

    private mutating func completeIfBodyDone() -> Event? {
        if case .fixedBody(let remaining) = state, remaining == 0 { return complete() }
        return nil
    }

    private mutating func complete() -> Event {
        guard let head else { return fail(.badRequest("internal decoder state")) }
        let request = HTTPRequest(
            method: head.method, target: head.target, parsedTarget: head.parsedTarget,
            version: head.version, headers: head.headers, body: body,
            remoteAddress: "", id: "")
        self.head = nil
        body = []
        continueOffered = false
        state = .head
        return .request(request)
    }

    private mutating func fail(_ error: HTTPDecodingError) -> Event {
        state = .failed(error)
        head = nil
        body = []
        return .error(error)
    }

    /// Drops consumed bytes so the buffer is reused rather than grown.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == buffer.count {
            if buffer.capacity > 256 * 1024 {
                buffer = []
            } else {
                buffer.removeAll(keepingCapacity: true)
            }
            scanFrom = 0
            start = 0
        } else if start >= 16 * 1024 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            scanFrom = max(0, scanFrom - start)
            start = 0
        }
    }
}

extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }

    /// RFC 9110 `tchar`.
    var isTokenCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
