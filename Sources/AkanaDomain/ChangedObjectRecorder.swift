import SQLiteStore

/// Hears which objects a write transaction changes. The request journal's participant
/// (`TransactionParticipant`) adopts it. Repositories write through the one funnel,
/// `SQLiteConnection.change(_:_:_:)`, which names the object each statement changes, so the ids
/// are known before COMMIT and are committed with the change — no write has to remember a note.
public protocol ChangedObjectRecorder: AnyObject {
    func recordChanged(_ id: String)
}

extension SQLiteConnection {
    /// Runs a write statement (INSERT, UPDATE, DELETE) that changes the domain object `object`
    /// (an app, an app version, a model, a workflow object …; a child row names its owner): the
    /// funnel every repository write goes through, so the request journal learns what changed.
    @discardableResult
    func change(_ object: String, _ sql: String, _ arguments: any SQLiteBindable...) throws -> Int {
        noteChanged(object)
        return try run(sql, arguments)
    }

    /// `change` with its arguments as an array (statements built from a table's column list, as
    /// the package import's inserts are).
    @discardableResult
    func change(_ object: String, _ sql: String, arguments: [any SQLiteBindable]) throws -> Int {
        noteChanged(object)
        return try run(sql, arguments)
    }

    /// Tells the transaction's participant, if it records changes, that the object `id` changed
    /// (created, updated, deleted or moved through its workflow). Does nothing otherwise.
    private func noteChanged(_ id: String) {
        guard let participant else { return }
        (participant as? any ChangedObjectRecorder)?.recordChanged(id)
    }
}
