import Foundation

/// One request as the journal records it (a row of `request_journal`).
public struct RequestJournalEntry: Sendable, Equatable {
    /// The emulator clock when the request arrived (stored to the millisecond, as
    /// `Timestamp.iso8601Milliseconds`: fixed width, so text order is time order).
    public var time: Date
    public var method: String
    /// Percent-decoded path, without the query.
    public var path: String
    /// The raw query string as sent, without `?` ("" when none).
    public var query: String
    /// nil (with `durationMs` and `responseBytes`) while only the request's committed change is
    /// written: the response is recorded right after; after a kill -9 in between it stays nil.
    public var status: Int?
    /// Time spent computing the response, in milliseconds (3 decimals).
    public var durationMs: Double?
    /// The fedmemberid the `Host` header selected.
    public var tenant: String
    /// The session's UserID when the request carried a valid session cookie.
    public var user: String?
    /// Body sizes in bytes.
    public var requestBytes: Int
    public var responseBytes: Int?
    public var requestID: String
    /// The ids of the objects the request changed: for a request that committed a change, those
    /// its transactions reported (and its path's ids); for a 2xx mutation that wrote nothing, its path's ids.
    public var changedIDs: [String]
    /// The matched route template; "" when no route (404) or no method (405) matched; nil when the
    /// request was answered before routing.
    public var route: String?
    /// The injected fault that answered (or delayed, or closed) the request.
    public var faultID: String?
    /// The body as text when it is UTF-8: its first 16 KiB.
    public var requestBody: String?
    /// The request's header lines, `Name: value` joined by `\n`, in the order sent.
    public var requestHeaders: String?
    /// The response's header lines (as the application set them) and body (UTF-8 text, its first
    /// 16 KiB); nil until the response exists.
    public var responseHeaders: String?
    public var responseBody: String?

    /// The most of a body the journal keeps.
    public static let maxStoredBody = 16 * 1024

    public init(
        time: Date, method: String, path: String, query: String, status: Int?, durationMs: Double?, tenant: String,
        user: String?, requestBytes: Int, responseBytes: Int?, requestID: String, changedIDs: [String] = [],
        route: String? = nil, faultID: String? = nil, requestBody: String? = nil, requestHeaders: String? = nil,
        responseHeaders: String? = nil, responseBody: String? = nil
    ) {
        self.requestHeaders = requestHeaders
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.route = route
        self.faultID = faultID
        self.requestBody = requestBody
        self.time = time
        self.method = method
        self.path = path
        self.query = query
        self.status = status
        self.durationMs = durationMs
        self.tenant = tenant
        self.user = user
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.requestID = requestID
        self.changedIDs = changedIDs
    }
}

/// What `GET /_emulator/requests` asks for; every condition is optional.
public struct RequestJournalFilter: Sendable, Equatable {
    public static let defaultLimit = 100
    public static let maxLimit = 10_000

    /// Upper-case method name.
    public var method: String?
    /// An exact path, or a prefix when `pathIsPrefix`.
    public var path: String?
    public var pathIsPrefix = false
    /// Statuses to keep (`404...404`, or `400...499` for `4xx`).
    public var status: ClosedRange<Int>?
    /// Entries at or after this time.
    public var since: Date?
    /// Entries whose stored body contains this text.
    public var bodyContains: String?
    /// Only requests that matched no route or no method.
    public var unmatchedOnly = false
    public var limit = RequestJournalFilter.defaultLimit

    public init(
        method: String? = nil, path: String? = nil, pathIsPrefix: Bool = false, status: ClosedRange<Int>? = nil,
        since: Date? = nil, limit: Int = RequestJournalFilter.defaultLimit
    ) {
        self.method = method
        self.path = path
        self.pathIsPrefix = pathIsPrefix
        self.status = status
        self.since = since
        self.limit = limit
    }
}
