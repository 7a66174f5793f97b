/// Model object states. The workflow speaks in status names (Draft, Pending Approval, Active,
/// Rejected: what the execute-action operations answer as text/plain); the Model and ModelVersion
/// objects carry the platform's wire values, `com.akana.model.state.*` (akana-api.md §3.3, open
/// question 7).
///
/// The rule lives here and in the `model_versions_state_*` triggers of `Migrations/0002_models.sql`,
/// which keep `model_versions.state` in step with the workflow whichever operation moves it:
/// `com.akana.model.state.` + the status in lower case, spaces as underscores.
public enum ModelState {
    public static let prefix = "com.akana.model.state."

    /// The wire value of a workflow status (`Pending Approval` → `com.akana.model.state.pending_approval`).
    public static func wireValue(status: String) -> String {
        prefix + status.lowercased().replacingOccurrences(of: " ", with: "_")
    }

    public static let draft = wireValue(status: "Draft")
    public static let pendingApproval = wireValue(status: "Pending Approval")
    public static let active = wireValue(status: "Active")
    public static let rejected = wireValue(status: "Rejected")
    /// Where the shipped workflow's `@delete` leads. A version in this state (reached through the
    /// generic workflow endpoint) is treated as deleted: it is neither listed nor readable.
    public static let deleted = wireValue(status: "Deleted")
}
