import AkanaDomain
import DispatchHTTP
import Foundation

/// Builds the journal's entry for one answered request (see `AkanaApplication.handle`).
enum RequestJournaling {
    /// The journal's own routes (GET, HEAD and DELETE `/_emulator/requests`) are not journaled:
    /// reading the journal would otherwise flood it.
    static func isJournalRoute(_ request: HTTPRequest) -> Bool {
        guard request.method == .get || request.method == .head || request.method == .delete else { return false }
        let segments = request.pathSegments
        return segments.count == 2 && segments[0] == "_emulator" && segments[1] == "requests"
    }

    /// Response members whose string value is the id of an object a create (or update) returns.
    static let idMembers: Set<String> = ["AppID", "AppVersionID", "ModelID", "ModelVersionID", "ObjectID"]

    static func entry(request: HTTPRequest, response: HTTPResponse, notes: RequestNotes, time: Date, micros: UInt64,
                      tenant: String) -> RequestJournalEntry {
        let contents = notes.snapshot
        var query = ""
        if let mark = request.target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            let rest = request.target[request.target.utf8.index(after: mark)...]
            query = String(rest.prefix { $0 != "#" })
        }
        let isMutation = request.method != .get && request.method != .head
        let changed = isMutation && (200..<300).contains(response.status.code)
            ? changedIDs(parameters: contents.parameters, noted: contents.changedIDs, response: response, tenant: tenant)
            : []
        return RequestJournalEntry(
            time: time, method: request.method.rawValue, path: request.path, query: query, status: response.status.code,
            durationMs: Double(micros) / 1000, tenant: tenant, user: contents.userID, requestBytes: request.body.count,
            responseBytes: response.body.count, requestID: request.id, changedIDs: changed)
    }

    /// The ids a successful mutation changed: its path parameters that are ids (`…ID`), ids a
    /// handler noted, a text/plain answer that is an id of the tenant (`<…>.<tenant>`, as POST
    /// /api/apps and POST …/versions return), and the `idMembers` of a JSON or XML answer (top level
    /// and the objects directly inside it, such as a new model's first `ModelVersion`). In that order,
    /// each id once.
    static func changedIDs(parameters: [(String, String)], noted: [String], response: HTTPResponse, tenant: String) -> [String] {
        var ids: [String] = []
        func add(_ id: String) {
            if !id.isEmpty, !ids.contains(id) { ids.append(id) }
        }
        for (name, value) in parameters where name.hasSuffix("ID") { add(value) }
        noted.forEach(add)
        guard !response.body.isEmpty else { return ids }
        let contentType = (response.headers["Content-Type"] ?? "").lowercased()
        if contentType.hasPrefix("text/plain") {
            if response.body.count <= 512 {
                let text = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if text.hasSuffix(".\(tenant)"), text.count > tenant.count + 1, !text.contains(where: \.isWhitespace) { add(text) }
            }
            return ids
        }
        let tree: JSONValue?
        if contentType.contains("json") {
            tree = try? JSONParser.parse(response.body)
        } else if contentType.contains("xml") {
            tree = try? XMLBodyParser.parse(response.body)
        } else {
            tree = nil
        }
        guard let members = tree?.objectMembers else { return ids }
        for (name, value) in members where idMembers.contains(name) { value.stringValue.map(add) }
        for (_, value) in members {
            guard let inner = value.objectMembers else { continue }
            for (name, value) in inner where idMembers.contains(name) { value.stringValue.map(add) }
        }
        return ids
    }

    /// The entry as `GET /_emulator/requests` shows it.
    static func json(_ entry: RequestJournalEntry) -> JSONValue {
        .object([
            ("time", .string(RequestJournalEntry.timestamp(entry.time))),
            ("method", .string(entry.method)),
            ("path", .string(entry.path)),
            ("query", .string(entry.query)),
            ("status", .integer(Int64(entry.status))),
            ("durationMs", .number(entry.durationMs)),
            ("tenant", .string(entry.tenant)),
            ("user", entry.user.map(JSONValue.string) ?? .null),
            ("requestBytes", .integer(Int64(entry.requestBytes))),
            ("responseBytes", .integer(Int64(entry.responseBytes))),
            ("requestID", .string(entry.requestID)),
            ("changedIDs", .array(entry.changedIDs.map(JSONValue.string))),
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
        return JournaledRequest(journal: journal, tenant: tenants.tenant(forHost: request.headers["Host"]).fedmemberid,
                                arrived: journal.clock.now())
    }
}

/// A request being journaled: its notes, tenant and arrival time, until the entry is recorded.
struct JournaledRequest {
    let journal: RequestJournal
    let notes = RequestNotes()
    let tenant: String
    let arrived: Date

    func record(_ request: HTTPRequest, _ response: HTTPResponse, micros: UInt64) {
        journal.record(RequestJournaling.entry(request: request, response: response, notes: notes, time: arrived,
                                               micros: micros, tenant: tenant))
    }
}
