import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec
import SQLiteStore
import Synchronization

/// Builds the journal's entry for one answered request (see `AkanaApplication.handle`).
enum RequestJournaling {
    /// The journal's own routes (GET, HEAD and DELETE `/_emulator/requests`, its `count` and
    /// `unmatched`) are not journaled: reading the journal would otherwise flood it, and a count
    /// would count itself.
    static func isJournalRoute(_ request: HTTPRequest) -> Bool {
        guard request.method == .get || request.method == .head || request.method == .delete else { return false }
        let segments = request.pathSegments
        return segments.count >= 2 && segments.count <= 3 && segments[0] == "_emulator"
            && (segments[1] == "requests" || segments[1] == "requests.har")
    }

    /// The entry for `request`: the response half is nil when `response` is (an entry written by
    /// the transaction of the request's change, before the response exists).
    static func entry(
        request: HTTPRequest, response: HTTPResponse?, micros: UInt64, notes: RequestNotes.Contents,
        changedIDs: [String], time: Date, tenant: String, captureExchange: Bool
    ) -> RequestJournalEntry {
        var query = ""
        if let mark = request.target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            let rest = request.target[request.target.utf8.index(after: mark)...]
            query = String(rest.prefix { $0 != "#" })
        }
        return RequestJournalEntry(
            time: time, method: request.method.rawValue, path: request.path, query: query, status: response?.status.code,
            durationMs: response.map { _ in Double(micros) / 1000 }, tenant: tenant, user: notes.userID, requestBytes: request.body.count,
            responseBytes: response?.body.count, requestID: request.id, changedIDs: changedIDs,
            route: notes.route, faultID: notes.faultID, requestBody: storedBody(request.body),
            requestHeaders: captureExchange ? headerLines(request.headers) : nil,
            responseHeaders: captureExchange ? response.map { headerLines($0.headers) } : nil,
            responseBody: captureExchange ? response.flatMap { storedBody($0.body) } : nil)
    }

    /// Headers as the journal keeps them: `Name: value` lines joined by `\n`, in order.
    static func headerLines(_ headers: HTTPHeaders) -> String {
        var text = ""
        for (name, value) in headers {
            if !text.isEmpty { text += "\n" }
            text += name
            text += ": "
            text += value
        }
        return text
    }

    /// The body as the journal keeps it: UTF-8 text, at most `maxStoredBody` bytes (cut at a
    /// character boundary); nil when empty or not UTF-8.
    static func storedBody(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        var end = min(body.count, RequestJournalEntry.maxStoredBody)
        // Back up to the start of a character (continuation bytes are 10xxxxxx).
        if end < body.count { while end > 0 && body[end] & 0xC0 == 0x80 { end -= 1 } }
        return String(validating: body[..<end], as: UTF8.self)
    }

    /// The ids a request changed: its path parameters that are ids (`…ID`) when it is a mutation,
    /// then the ids its committed writes reported (`SQLiteConnection.noteChanged`); each once.
    static func changedIDs(isMutation: Bool, parameters: [(String, String)], noted: [String]) -> [String] {
        var ids: [String] = []
        if isMutation {
            for (name, value) in parameters where name.hasSuffix("ID") && !value.isEmpty && !ids.contains(value) { ids.append(value) }
        }
        guard !ids.isEmpty else { return noted }
        for id in noted where !ids.contains(id) { ids.append(id) }
        return ids
    }

    /// The entry as `GET /_emulator/requests` shows it.
    static func json(_ entry: RequestJournalEntry) -> JSONValue {
        .object([
            ("time", .string(Timestamp.iso8601Milliseconds(entry.time))),
            ("method", .string(entry.method)),
            ("path", .string(entry.path)),
            ("query", .string(entry.query)),
            ("status", entry.status.map { .integer(Int64($0)) } ?? .null),
            ("durationMs", entry.durationMs.map(JSONValue.number) ?? .null),
            ("tenant", .string(entry.tenant)),
            ("user", entry.user.map(JSONValue.string) ?? .null),
            ("requestBytes", .integer(Int64(entry.requestBytes))),
            ("responseBytes", entry.responseBytes.map { .integer(Int64($0)) } ?? .null),
            ("requestID", .string(entry.requestID)),
            ("changedIDs", .array(entry.changedIDs.map(JSONValue.string))),
            ("route", entry.route.map(JSONValue.string) ?? .null),
            ("faultID", entry.faultID.map(JSONValue.string) ?? .null)
        ])
    }
}

/// What `AkanaApplication` needs of the environment to journal requests, held by reference so
/// the request path copies nothing.
final class RequestJournalHook: Sendable {
    let journal: RequestJournal
    let tenants: TenantDirectory

    /// nil when the environment's journal is off.
    init?(_ environment: APIEnvironment) {
        guard environment.journal.isEnabled else { return nil }
        journal = environment.journal
        tenants = environment.tenants
    }

    /// The request's journaling state, or nil for the journal's own routes.
    func begin(_ request: HTTPRequest) -> JournaledRequest? {
        guard !RequestJournaling.isJournalRoute(request) else { return nil }
        return JournaledRequest(
            journal: journal, request: request, tenant: tenants.tenant(forHost: request.headers["Host"]).fedmemberid,
            arrived: journal.clock.now())
    }
}

/// A request being journaled: its notes, tenant and arrival time, until its entry is recorded.
///
/// It joins every write transaction the request commits (`TransactionParticipant`): the first one
/// writes the entry, without its response half, so the change and its entry commit together; a
/// later one updates the entry's changed ids if they grew. Repositories report the objects they
/// change to it (`ChangedObjectRecorder`). Once the response exists, `record` buffers the response
/// half of a written entry, or the whole entry of a request that committed nothing.
final class JournaledRequest: TransactionParticipant, ChangedObjectRecorder {
    let journal: RequestJournal
    let request: HTTPRequest
    let notes = RequestNotes()
    let tenant: String
    let arrived: Date

    private struct Written {
        /// The entry's row, once a transaction that wrote it committed.
        var rowID: Int64?
        /// How many changed ids that row holds.
        var idCount = 0
        /// Set by `willCommit` until the transaction ends.
        var pending: RequestJournal.JoinedEntry?
        var pendingIDCount = 0
        /// Ids the running transaction reported: they join the request's notes only if it commits.
        var staged: [String] = []
    }

    private let written = Mutex(Written())

    init(journal: RequestJournal, request: HTTPRequest, tenant: String, arrived: Date) {
        self.journal = journal
        self.request = request
        self.tenant = tenant
        self.arrived = arrived
    }

    private var isMutation: Bool { request.method != .get && request.method != .head }

    func recordChanged(_ id: String) {
        written.withLock { $0.staged.append(id) }
    }

    func willCommit(_ connection: SQLiteConnection) throws {
        var contents = notes.snapshot
        for id in written.withLock({ $0.staged }) { contents.addChanged(id) }  // as if this transaction commits
        let ids = RequestJournaling.changedIDs(isMutation: isMutation, parameters: contents.parameters, noted: contents.changedIDs)
        let (rowID, idCount) = written.withLock { ($0.rowID, $0.idCount) }
        if let rowID {
            if ids.count != idCount { try journal.updateChangedIDs(rowID: rowID, requestID: request.id, ids, db: connection) }
            written.withLock { $0.pendingIDCount = ids.count }
            return
        }
        let entry = RequestJournaling.entry(
            request: request, response: nil, micros: 0, notes: contents, changedIDs: ids,
            time: arrived, tenant: tenant, captureExchange: journal.policy.captureExchange)
        let joined = try journal.insert(entry, joining: connection)
        written.withLock {
            $0.pending = joined
            $0.pendingIDCount = ids.count
        }
    }

    func didCommit() {
        let staged = written.withLock { written -> [String] in
            if let pending = written.pending { written.rowID = pending.rowID }
            written.idCount = written.pendingIDCount
            written.pending = nil
            defer { written.staged = [] }
            return written.staged
        }
        staged.forEach(notes.noteChanged)
    }

    /// The transaction's own ids are forgotten (nothing of it happened); buffered entries it took
    /// along go back to the journal's buffer.
    func didRollBack() {
        let pending = written.withLock { written -> RequestJournal.JoinedEntry? in
            defer {
                written.pending = nil
                written.staged = []
            }
            return written.pending
        }
        pending.map(journal.rolledBack)
    }

    /// Buffers what the journal still lacks of this request, now that `response` exists.
    func record(_ response: HTTPResponse, micros: UInt64) {
        if let rowID = written.withLock({ $0.rowID }) {
            journal.complete(
                RequestJournal.Completion(
                    rowID: rowID, requestID: request.id, status: response.status.code,
                    durationMs: Double(micros) / 1000, responseBytes: response.body.count,
                    responseHeaders: journal.policy.captureExchange ? RequestJournaling.headerLines(response.headers) : nil,
                    responseBody: journal.policy.captureExchange ? RequestJournaling.storedBody(response.body) : nil))
            return
        }
        let contents = notes.snapshot
        // Nothing committed: a 2xx mutation (one that needed no write) still names its path's ids.
        let ids =
            isMutation && (200..<300).contains(response.status.code)
            ? RequestJournaling.changedIDs(isMutation: true, parameters: contents.parameters, noted: contents.changedIDs)
            : []
        journal.record(
            RequestJournaling.entry(
                request: request, response: response, micros: micros, notes: contents,
                changedIDs: ids, time: arrived, tenant: tenant, captureExchange: journal.policy.captureExchange))
    }
}

/// The outbox links each captured message to the journal entry of the request that caused it by
/// this id (the entry's `requestID`).
extension JournaledRequest: RequestIdentified {
    var requestID: String { request.id }
}
