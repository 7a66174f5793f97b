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
        router.add(.post, "/_emulator/checkpoints", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let id = "cp-" + (0..<2).map { _ in String(UInt64.random(in: 0...UInt64.max) | (1 << 63), radix: 16) }.joined()
            let created = Timestamp.iso8601(environment.clock.now())
            let mark = try environment.database.write(in: request.scope) { db in
                try UndoLog.setMark(db, kind: .checkpoint, name: id, created: created)
            }
            return Responses.representation(checkpointJSON(mark, changes: 0), root: "Checkpoint", choice: choice, status: .created)
        }
        router.add(.get, "/_emulator/checkpoints", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let listed = try environment.database.read(in: request.scope) { db in
                try UndoLog.marks(db, kind: .checkpoint).map { checkpointJSON($0, changes: try UndoLog.changes(since: $0, db)) }
            }
            return Responses.representation(.object([("Checkpoint", .array(listed))]), root: "Checkpoints", choice: choice)
        }
        router.add(.post, "/_emulator/checkpoints/{id}/rollback", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let id = try request.parameter("id")
            let undone: Int?
            do {
                undone = try environment.database.write(in: request.scope) { db -> Int? in
                    guard let mark = try UndoLog.mark(db, kind: .checkpoint, name: id) else {
                        // Released because the undo log went past undo.maxEntries: say so (409), not 404.
                        if let release = try UndoLog.released(db, kind: .checkpoint, name: id) { throw UndoLog.releasedFault(release) }
                        return nil
                    }
                    let undone = try UndoLog.rollback(db, to: mark)
                    try environment.reloadGenerator(db)
                    return undone
                }
            } catch {
                try? environment.reloadAfterStateChange()  // the database is the truth, whatever failed
                throw error
            }
            guard let undone else { throw APIError.notFound("Checkpoint \(id) was not found.") }
            try environment.reloadAfterStateChange()
            return Responses.representation(.object([("rolledBack", .string(id)), ("changesUndone", .integer(Int64(undone)))]),
                                            root: "Rollback", choice: choice)
        }
        router.add(.delete, "/_emulator/checkpoints/{id}") { request in
            let id = try request.parameter("id")
            // A checkpoint released because the undo log went past its cap is gone already: 204 too.
            let removed = try environment.database.write(in: request.scope) { db in
                try UndoLog.removeMark(db, kind: .checkpoint, name: id) || UndoLog.forgetRelease(db, kind: .checkpoint, name: id)
            }
            guard removed else { throw APIError.notFound("Checkpoint \(id) was not found.") }
            return HTTPResponse(status: .noContent)
        }
    }

    static func checkpointJSON(_ mark: UndoLog.Mark, changes: Int) -> JSONValue {
        .object([("id", .string(mark.name)), ("created", .string(mark.created)), ("changesSince", .integer(Int64(changes)))])
    }
}

extension APIEnvironment {
    /// Inside the transaction that put another state in place: the deterministic id generator takes
    /// that state's position, so the before-commit hook keeps it instead of writing the old one back.
    func reloadGenerator(_ db: SQLiteConnection) throws {
        if case .deterministic(let generator) = ids.source { try generator.reload(from: db) }
    }

    /// After the database was put back to another state (a snapshot restore, a rollback): the
    /// in-memory views of it follow (virtual clock, workflow definitions, tenant settings, the
    /// deterministic id sequence).
    func reloadAfterStateChange() throws {
        clock.mode = try ClockStore.load(database)
        workflow.invalidateCache()
        try tenants.reloadSettings(from: database)
        if case .deterministic(let generator) = ids.source { try generator.reload(from: database) }
    }
}
