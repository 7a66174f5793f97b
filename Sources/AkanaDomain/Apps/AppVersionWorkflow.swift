import SQLiteStore

/// What the apps service needs from the workflow engine. Every call runs on the writer connection
/// inside the caller's transaction, so a state change and the change it governs commit together.
public protocol AppVersionWorkflow: Sendable {
    /// Starts the tenant's active app-version workflow for a new version (nil when none is assigned).
    func start(_ db: SQLiteConnection, tenant: String, objectID: String, caller: (userID: String, roles: Set<String>)) throws -> String?
    /// True when a workflow governs the object.
    func isGoverned(_ db: SQLiteConnection, objectID: String) throws -> Bool
    /// Performs an action valid in the object's state (4xx `DomainError` otherwise); returns the new
    /// status and the function types the transition names (e.g. `deleteAppVersion`).
    func perform(
        _ db: SQLiteConnection, objectID: String, actionName: String, comments: [String],
        caller: (userID: String, roles: Set<String>)
    ) throws -> (status: String, functions: [String])
}
