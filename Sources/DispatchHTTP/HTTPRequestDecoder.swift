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
        do {
            parsed = try parseHeadLines(buffer[start..<headEnd])
        } catch {
            return .failed(error)
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
    private mutating func findEndOfHead() -> Int? {
        var index = scanFrom
        let count = buffer.count
        while index < count {
            if buffer[index] == .lf {
                guard index + 1 < count else { break }
                if buffer[index + 1] == .lf { return index + 2 }
                if buffer[index + 1] == .cr {
                    guard index + 2 < count else { break }
                    if buffer[index + 2] == .lf { return index + 3 }
                }
            }
            index += 1
        }
        scanFrom = index
        return nil
    }

    private func parseHeadLines(_ bytes: ArraySlice<UInt8>) throws(HTTPDecodingError) -> Head {
        // Line ends and stray CRs are found with memchr: a byte-by-byte loop over a head with a long
        // Cookie was a measurable share of every request.
        var lines: [ArraySlice<UInt8>] = []
        lines.reserveCapacity(16)
        let bareCR = bytes.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            var start = 0
            while start < buffer.count, let found = memchr(base + start, Int32(UInt8.lf), buffer.count - start) {
                let lf = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let end = lf > start && buffer[lf - 1] == .cr ? lf - 1 : lf
                if end > start, memchr(base + start, Int32(UInt8.cr), end - start) != nil { return true }
                lines.append(bytes[(bytes.startIndex + start)..<(bytes.startIndex + end)])
                start = lf + 1
            }
            return false
        }
        if bareCR { throw .badRequest("bare CR in request head") }
        // The last line is the terminating empty line.
        guard let requestLine = lines.first, lines.count >= 2 else { throw .badRequest("empty request") }
        let (method, targetBytes, version) = try parseRequestLine(requestLine)

        let fieldLines = lines[1..<(lines.count - 1)]
        if fieldLines.count > limits.maxHeaderCount {
            throw HTTPDecodingError(.requestHeaderFieldsTooLarge, "too many header fields")
        }
        var headers = HTTPHeaders()
        for line in fieldLines {
            let (name, value) = try parseFieldLine(line)
            headers.add(name, value)
        }
        let parsedTarget = try HTTPRequestTarget.parse(Array(targetBytes), method: method)
        return Head(method: method, target: String(decoding: targetBytes, as: UTF8.self),
                    parsedTarget: parsedTarget, version: version, headers: headers)
    }

    private func parseRequestLine(
        _ line: ArraySlice<UInt8>
    ) throws(HTTPDecodingError) -> (HTTPMethod, ArraySlice<UInt8>, HTTPVersion) {
        let parts = line.split(separator: .space, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .badRequest("malformed request line")
        }
        guard parts[0].allSatisfy(\.isTokenCharacter) else { throw .badRequest("invalid method") }
        let version = try parseVersion(parts[2])
        return (HTTPMethod(rawValue: String(decoding: parts[0], as: UTF8.self)), parts[1], version)
    }

    private func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPDecodingError) -> HTTPVersion {
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

    private func parseFieldLine(_ line: ArraySlice<UInt8>) throws(HTTPDecodingError) -> (String, String) {
        guard let first = line.first else { throw .badRequest("empty header line") }
        if first == .space || first == .tab { throw .badRequest("obsolete line folding is not allowed") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .badRequest("header line without colon") }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(\.isTokenCharacter) else {
            throw .badRequest("invalid header name")
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == .space || byte == .tab { value = value.dropFirst() }
        while let byte = value.last, byte == .space || byte == .tab { value = value.dropLast() }
        for byte in value where !(byte == .tab || byte >= 0x20) || byte == 0x7F {
            throw .badRequest("invalid character in header value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    // MARK: - Framing

    private func framing(of head: Head) throws(HTTPDecodingError) -> State {
        let headers = head.headers
        if head.version == .http1_1 {
            let hosts = headers.values("Host")
            if hosts.isEmpty { throw .badRequest("missing Host header") }
            if hosts.count > 1 { throw .badRequest("more than one Host header") }
        }
        let contentLengths = headers.values("Content-Length")
        let transferCodings = headers.tokens("Transfer-Encoding")
        if headers.contains("Transfer-Encoding") {
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
        let expectations = head.headers.values("Expect")
        guard !expectations.isEmpty else { return }
        for value in expectations where value.trimmingHTTPWhitespace().asciiLowercased() != "100-continue" {
            throw HTTPDecodingError(.expectationFailed, "unsupported expectation")
        }
    }

    private func shouldOfferContinue() -> Bool {
        guard !continueOffered, let head, head.version == .http1_1, start == buffer.count,
              head.headers.contains("Expect")
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
        let request = HTTPRequest(method: head.method, target: head.target, parsedTarget: head.parsedTarget,
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
