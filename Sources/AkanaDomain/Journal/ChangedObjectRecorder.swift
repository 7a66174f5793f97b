import SQLiteStore

/// Hears which objects a write transaction changes. The request journal's participant
/// (`TransactionParticipant`) adopts it; repositories tell it through `SQLiteConnection.noteChanged`
/// inside their writes, so the ids are known before COMMIT and are committed with the change.
public protocol ChangedObjectRecorder: AnyObject {
    func recordChanged(_ id: String)
}

extension SQLiteConnection {
    /// Tells the transaction's participant, if it records changes, that the object `id` changed
    /// (created, updated, deleted or moved through its workflow). Does nothing otherwise.
    func noteChanged(_ id: String) {
        guard let participant else { return }
        (participant as? any ChangedObjectRecorder)?.recordChanged(id)
    }
}
