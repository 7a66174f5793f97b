import SQLiteStore

/// SQL for the policies a tenant adds to the built-in catalogue (`policies`) and for the policies
/// attached to implementations and their operations (`api_implementation_policies`). Built-in
/// policies are not stored: `PolicyCatalogue` answers for them.
package enum PolicyRepository {
    // MARK: - Catalogue

    /// Whether `key` names a policy of the tenant's catalogue (built-in or added), active or not.
    /// Licenses' `PolicyKey[]` are checked against it too.
    package static func policyExists(_ db: SQLiteConnection, tenant: String, key: String) throws -> Bool {
        try policy(db, tenant: tenant, key: key) != nil
    }

    /// The tenant's policy with this key, built-in or added.
    package static func policy(_ db: SQLiteConnection, tenant: String, key: String) throws -> Policy? {
        if let builtIn = PolicyCatalogue.builtIn(tenant: tenant, key: key) { return builtIn }
        return try db.queryFirst(
            """
            SELECT policy_key, name, description, type, sub_type, business_id, active FROM policies
             WHERE tenant = ? AND policy_key = ?
            """, tenant, key
        ).map(Self.policy)
    }

    /// The tenant's catalogue: the built-in policies in the shipped order, then the added ones by key.
    package static func policies(_ db: SQLiteConnection, tenant: String) throws -> [Policy] {
        let added = try db.query(
            "SELECT policy_key, name, description, type, sub_type, business_id, active FROM policies WHERE tenant = ? ORDER BY policy_key",
            tenant
        ).map(Self.policy)
        return PolicyCatalogue.builtIns(tenant: tenant) + added
    }

    /// Adds a policy to the tenant's catalogue (fixtures).
    package static func insertPolicy(_ db: SQLiteConnection, tenant: String, _ policy: Policy, now: String) throws {
        try db.change(
            policy.key,
            """
            INSERT INTO policies (tenant, policy_key, name, description, type, sub_type, business_id, active, created)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, tenant, policy.key, policy.name, policy.description, policy.type, policy.subType, policy.businessID, policy.active, now)
    }

    private static func policy(_ row: SQLiteRow) throws -> Policy {
        Policy(
            key: try row.requiredString("policy_key"), name: try row.requiredString("name"),
            description: try row.requiredString("description"), type: try row.requiredString("type"),
            subType: try row.requiredString("sub_type"), businessID: try row.string("business_id"), active: try row.requiredBool("active"))
    }

    // MARK: - Attachments

    /// The policy keys attached to the implementation (operation '') and to its operations, in order.
    static func attachments(_ db: SQLiteConnection, apiVersionID: String, code: String) throws -> [(operation: String, key: String)] {
        try db.query(
            """
            SELECT operation, policy_key FROM api_implementation_policies
             WHERE api_version_id = ? AND code = ? ORDER BY operation, position
            """, apiVersionID, code
        ).map { (try $0.requiredString("operation"), try $0.requiredString("policy_key")) }
    }

    /// Replaces what is attached to the implementation: `keys` on the implementation itself, and
    /// each operation's keys.
    package static func replaceAttachments(
        _ db: SQLiteConnection, apiVersionID: String, code: String, keys: [String], operations: [(name: String, keys: [String])]
    ) throws {
        try db.change(
            apiVersionID, "DELETE FROM api_implementation_policies WHERE api_version_id = ? AND code = ?", apiVersionID, code)
        for (operation, list) in [("", keys)] + operations.map({ ($0.name, $0.keys) }) {
            for (position, key) in list.enumerated() {
                try db.change(
                    apiVersionID,
                    "INSERT INTO api_implementation_policies (api_version_id, code, operation, position, policy_key) VALUES (?, ?, ?, ?, ?)",
                    apiVersionID, code, operation, position, key)
            }
        }
    }
}
