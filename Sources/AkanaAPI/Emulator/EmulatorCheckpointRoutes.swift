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
        router.add(.delete, "/_emulator/checkpoints/{id}") { request in
            let id = try request.parameter("id")
            guard try admin.deleteCheckpoint(id, scope: request.scope) else { throw APIError.notFound("Checkpoint \(id) was not found.") }
            return HTTPResponse(status: .noContent)
        }
    }

    static func checkpointJSON(_ mark: UndoLog.Mark, changes: Int) -> JSONValue {
        .object([("id", .string(mark.name)), ("created", .string(mark.created)), ("changesSince", .integer(Int64(changes)))])
    }
}
