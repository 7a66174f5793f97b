/// A complete, decoded request. The body is fully read before the handler is called.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The raw request-target as sent (`/a%2Fb/c?x=1`).
    public var target: String
    /// The percent-decoded path without the query (`/a/b/c`); `"*"` for `OPTIONS *`.
    public var path: String
    /// The raw path split on `/`, empty segments dropped, each segment percent-decoded on its own
    /// (`["a/b", "c"]`: an encoded slash stays inside its segment).
    public var pathSegments: [String]
    /// The query's `name=value` pairs, percent-decoded, `+` read as a space.
    public var query: [HTTPQueryItem]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer's address, `"127.0.0.1:54321"` or `"[::1]:54321"` (empty for requests built in code).
    public var remoteAddress: String
    /// Unique within the process (`"<loop>-<counter>"`), for log correlation (empty for requests
    /// built in code unless given).
    public var id: String

    /// Builds a request in code (for tests of handlers): `target` is parsed into `path`,
    /// `pathSegments` and `query` exactly as the server does it.
    ///
    /// - Throws: `HTTPDecodingError` (status 400) when `target` is not an origin-form or
    ///   absolute-form target (or `*`), contains characters outside visible ASCII, or has bad
    ///   percent-encoding (`%` not followed by two hex digits, or bytes that are not UTF-8).
    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http11,
        headers: HTTPHeaders = [:], body: [UInt8] = [], remoteAddress: String = "",
        id: String = ""
    ) throws(HTTPDecodingError) {
        let parsed = try HTTPRequestTarget.parse(Array(target.utf8), method: method)
        self.init(
            method: method, target: target, parsedTarget: parsed, version: version,
            headers: headers, body: body, remoteAddress: remoteAddress, id: id)
    }

    init(
        method: HTTPMethod, target: String, parsedTarget: HTTPRequestTarget, version: HTTPVersion,
        headers: HTTPHeaders, body: [UInt8], remoteAddress: String, id: String
    ) {
        self.method = method
        self.target = target
        self.path = parsedTarget.path
        self.pathSegments = parsedTarget.segments
        self.query = parsedTarget.query
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.id = id
    }

    /// The value of the first query item named exactly `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The value of the first query item whose name equals `name` ignoring case.
    public func queryValue(caseInsensitive name: String) -> String? {
        let lowered = name.lowercased()
        return query.first { $0.name == name || $0.name.lowercased() == lowered }?.value
    }

    /// Whether the client wants the connection kept open after the response: HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        if headers.containsToken("Connection", "close") { return false }
        if version.major == 1 && version.minor == 0 { return headers.containsToken("Connection", "keep-alive") }
        return version.major >= 1
    }
}
