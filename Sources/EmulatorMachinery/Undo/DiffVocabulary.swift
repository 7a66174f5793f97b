/// How a diff (`ChangeDiff`) names the rows of the platform's resources: the table's resource type,
/// the columns that make its id, and its fields' names — the names the API's objects use (`AppID`,
/// `Name`, `APIVersionID` …), made from the column names by one rule (`fieldName(_:)`) with the
/// exceptions each resource lists. Tables not named here are shown by table, rowid and column.
enum DiffVocabulary {
    struct Resource {
        var type: String
        /// The columns whose values, joined with `:`, are the object's id.
        var key: [String]
        /// Column → field name where the rule gives the wrong name (the id column's name first of all).
        var names: [String: String] = [:]
        /// Columns whose values are never shown (they are still compared).
        var hidden: Set<String> = []

        func fieldName(_ column: String) -> String { names[column] ?? DiffVocabulary.fieldName(column) }
    }

    /// The emulator's bookkeeping, not state a test asserts on: the id sequence's position, login
    /// sessions (their tokens), failed-login counters, and the traffic totals triggers keep from
    /// the transactions (the transactions themselves are shown).
    static let notShown: Set<String> = [
        "emulator_state", "sessions", "login_failures", "gateway_traffic_minutes", "gateway_traffic_hours", "gateway_traffic_days"
    ]

    static let resources: [String: Resource] = [
        "tenants": Resource(type: "Tenant", key: ["fedmemberid"], names: ["fedmemberid": "FedmemberID"]),
        "users": Resource(type: "User", key: ["id"], names: ["id": "UserID"], hidden: ["password_hash"]),
        "apps": Resource(type: "App", key: ["id"], names: ["id": "AppID"]),
        "app_versions": Resource(
            type: "AppVersion", key: ["id"], names: ["id": "AppVersionID", "identity": "ConsumerKey", "name": "Name"]),
        "apis": Resource(type: "API", key: ["id"], names: ["id": "APIID"]),
        "api_versions": Resource(type: "APIVersion", key: ["id"], names: ["id": "APIVersionID"]),
        "api_implementations": Resource(
            type: "APIImplementation", key: ["api_version_id", "code"], names: ["code": "ImplementationCode"]),
        "contracts": Resource(type: "Contract", key: ["id"], names: ["id": "ContractID", "runtime_id": "AppVersionID"]),
        "models": Resource(type: "Model", key: ["id"], names: ["id": "ModelID"]),
        "model_versions": Resource(type: "ModelVersion", key: ["id"], names: ["id": "ModelVersionID"]),
        "licenses": Resource(type: "License", key: ["id"], names: ["id": "LicenseID"]),
        "scopes": Resource(type: "Resource", key: ["id"], names: ["id": "ResourceID"]),
        "policies": Resource(type: "Policy", key: ["policy_key"]),
        "workflow_objects": Resource(type: "WorkflowObject", key: ["object_id"], names: ["object_id": "ObjectID"]),
        "settings": Resource(type: "Setting", key: ["tenant", "name"]),
        "groups": Resource(type: "Group", key: ["id"], names: ["id": "GroupID"]),
        "group_members": Resource(type: "GroupMembership", key: ["request_id"], names: ["request_id": "MembershipRequestID"]),
        "content_files": Resource(type: "ContentFile", key: ["store", "path"]),
        "outbox": Resource(type: "OutboxMessage", key: ["id"], names: ["id": "MessageID", "to_user": "ToUserID"]),
        "gateway_transactions": Resource(type: "Transaction", key: ["transaction_id"], names: ["transaction_id": "TransactionID"])
    ]

    /// `snake_case` → `PascalCase`, with the platform's acronyms: `api_version_id` → `APIVersionID`,
    /// `website_address` → `WebsiteAddress`, `oauth_grant_default_resource` → `OAuthGrantDefaultResource`.
    static func fieldName(_ column: String) -> String {
        column.split(separator: "_").map { part -> String in
            switch part {
            case "id": "ID"
            case "api": "API"
            case "url": "URL"
            case "oauth": "OAuth"
            case "csrf": "CSRF"
            case "ms": "Ms"
            default: part.prefix(1).uppercased() + part.dropFirst()
            }
        }.joined()
    }
}
