/// Who performs a workflow action. The domain service calling the engine decides the roles,
/// including relationship roles such as AppTeamMember, and passes them in: the engine knows
/// nothing about teams or businesses. Which request the action runs for is the transaction's
/// business: the engine's operations run inside the caller's transaction, or take its scope.
public struct WorkflowCaller: Sendable, Hashable {
    public var userID: String
    public var roles: Set<String>

    public init(userID: String, roles: Set<String>) {
        self.userID = userID
        self.roles = roles
    }

    /// The emulator itself (e.g. `POST /_emulator/objects` starting a test object): every role the
    /// emulator knows, so shipped role conditions never stop it.
    public static func emulator(userID: String = "emulator") -> WorkflowCaller {
        WorkflowCaller(userID: userID, roles: Set(WorkflowVocabulary.roles))
    }
}
