/// A complete response produced by a handler. The server adds `Date`, `Content-Length` and
/// `Connection` itself and replaces any the handler set.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `text` in UTF-8; sets `Content-Type` unless `headers` has one.
    public init(
        status: HTTPStatus, headers: HTTPHeaders = [:], text: String,
        contentType: String = "text/plain; charset=utf-8"
    ) {
        var headers = headers
        if !headers.contains("Content-Type") { headers.add("Content-Type", contentType) }
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }
}
