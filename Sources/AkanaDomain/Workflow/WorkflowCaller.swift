import SQLiteStore
/// Who performs a workflow action. The domain service calling the engine decides the roles,
/// including relationship roles such as AppTeamMember, and passes them in: the engine knows
/// nothing about teams or businesses.
public struct WorkflowCaller: Sendable, Hashable {
    public var userID: String
    public var roles: Set<String>
    /// The request the workflow runs for (its journal entry and deadline); not part of equality.
    public var scope: TransactionScope = .detached

    public init(userID: String, roles: Set<String>, scope: TransactionScope = .detached) {
        self.userID = userID
        self.roles = roles
        self.scope = scope
    }

    public static func == (lhs: WorkflowCaller, rhs: WorkflowCaller) -> Bool { lhs.userID == rhs.userID && lhs.roles == rhs.roles }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(userID)
        hasher.combine(roles)
    }

    /// The emulator itself (e.g. `POST /_emulator/objects` starting a test object): every role the
    /// emulator knows, so shipped role conditions never stop it.
    public static func emulator(userID: String = "emulator", scope: TransactionScope = .detached) -> WorkflowCaller {
        WorkflowCaller(userID: userID, roles: Set(WorkflowVocabulary.roles), scope: scope)
    }
}
