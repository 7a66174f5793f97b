import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec
import SQLiteStore

/// Per-test undo: `POST /_emulator/checkpoints` marks the current state, and
/// `POST /_emulator/checkpoints/{id}/rollback` undoes exactly the changes made since (every table
/// but the request journal), at a cost proportional to those changes. Marks live in the database
/// (they survive a restart); a full reset or a snapshot restored by copying its file drops the
/// marks the restored state does not know. The undo log is bounded (`undo.maxEntries`): past it the
/// oldest marks are released, and a rollback to a released checkpoint is a 409 fault that says so.
enum EmulatorCheckpointRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let admin = environment.admin
        router.add(.post, "/_emulator/checkpoints", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let mark = try admin.createCheckpoint(scope: request.scope)
            return Responses.representation(checkpointJSON(mark, changes: 0), root: "Checkpoint", choice: choice, status: .created)
        }
        router.add(.get, "/_emulator/checkpoints", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let listed = try admin.checkpoints(scope: request.scope).map { checkpointJSON($0.mark, changes: $0.changesSince) }
            return Responses.representation(.object([("Checkpoint", .array(listed))]), root: "Checkpoints", choice: choice)
        }
        router.add(.post, "/_emulator/checkpoints/{id}/rollback", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let id = try request.parameter("id")
            guard let undone = try admin.rollback(toCheckpoint: id, scope: request.scope) else {
                throw APIError.notFound("Checkpoint \(id) was not found.")
            }
            return Responses.representation(
                .object([("rolledBack", .string(id)), ("changesUndone", .integer(Int64(undone)))]),
                root: "Rollback", choice: choice)
        }
        // What a test changed: the changes since the checkpoint, by object (ChangeDiff).
        router.add(.get, "/_emulator/checkpoints/{id}/diff", produces: [.json, .xml]) { request in
            let choice = try request.choice
            return try diffResponse(since: try request.parameter("id"), request: request, admin: admin, choice: choice)
        }
        router.add(.get, "/_emulator/diff", produces: [.json, .xml]) { request in
            let choice = try request.choice
            guard let since = request.http.queryValue("since"), !since.isEmpty else {
                throw APIError.badRequest("since is required: the id of a checkpoint (POST /_emulator/checkpoints answers it).")
            }
            return try diffResponse(since: since, request: request, admin: admin, choice: choice)
        }
        router.add(.delete, "/_emulator/checkpoints/{id}") { request in
            let id = try request.parameter("id")
            guard try admin.deleteCheckpoint(id, scope: request.scope) else { throw APIError.notFound("Checkpoint \(id) was not found.") }
            return HTTPResponse(status: .noContent)
        }
    }

    /// Rows listed at most, unless `limit` says fewer.
    static let maxDiffRows = 10_000

    static func diffResponse(since id: String, request: RouteRequest, admin: EmulatorAdmin, choice: ContentNegotiation.Choice) throws
        -> HTTPResponse
    {
        var limit = maxDiffRows
        if let text = request.http.queryValue("limit"), !text.isEmpty {
            guard let count = Int(text), (1...maxDiffRows).contains(count) else {
                throw APIError.badRequest("limit must be a whole number from 1 to \(maxDiffRows), not '\(text)'.")
            }
            limit = count
        }
        guard let found = try admin.diff(sinceCheckpoint: id, limit: limit, scope: request.scope) else {
            throw APIError.notFound("Checkpoint \(id) was not found.")
        }
        return Responses.representation(diffJSON(found.diff, since: found.mark), root: "Diff", choice: choice)
    }

    static func diffJSON(_ diff: ChangeDiff, since mark: UndoLog.Mark) -> JSONValue {
        func value(_ value: ChangeDiff.Value?) -> JSONValue {
            switch value {
            case nil, .null?: .null
            case .integer(let integer)?: .integer(integer)
            case .real(let real)?: .number(real)
            case .text(let text)?: .string(text)
            case .blob(let size)?: .string("<\(size) bytes>")
            case .hidden?: .string("(hidden)")
            }
        }
        func object(_ object: ChangeDiff.Object, _ field: (ChangeDiff.Field) -> JSONValue) -> JSONValue {
            var members: [(String, JSONValue)] = []
            if let type = object.type { members.append(("type", .string(type))) }
            if let id = object.id { members.append(("id", .string(id))) }
            members += [
                ("table", .string(object.table)), ("rowid", .integer(object.rowID)),
                ("fields", .object(object.fields.map { ($0.name, field($0)) }))
            ]
            return .object(members)
        }
        return .object([
            ("since", .string(mark.name)), ("sinceCreated", .string(mark.created)), ("entries", .integer(Int64(diff.entries))),
            ("truncated", .bool(diff.truncated)),
            ("created", .array(diff.created.map { object($0) { value($0.after) } })),
            ("changed", .array(diff.changed.map { object($0) { .object([("before", value($0.before)), ("after", value($0.after))]) } })),
            ("deleted", .array(diff.deleted.map { object($0) { value($0.before) } }))
        ])
    }

    static func checkpointJSON(_ mark: UndoLog.Mark, changes: Int) -> JSONValue {
        .object([("id", .string(mark.name)), ("created", .string(mark.created)), ("changesSince", .integer(Int64(changes)))])
    }
}
