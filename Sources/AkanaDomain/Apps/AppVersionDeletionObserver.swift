import SQLiteStore

/// Told, inside the deleting transaction, which app versions are about to be deleted (so their
/// contracts move on with `@AppDeleted` in the same commit).
public protocol AppVersionDeletionObserver: Sendable {
    func appVersionsDeleting(_ db: SQLiteConnection, ids: [String], userID: String) throws
}
