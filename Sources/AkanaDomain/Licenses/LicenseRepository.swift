import SQLiteStore

/// SQL for licenses with their parts, agreements and scopes (`licenses` of 0009, the tables of
/// 0015). Every statement binds its values; writes go through the change funnel naming the license.
package enum LicenseRepository {
    package static func details(_ db: SQLiteConnection, id: String) throws -> LicenseDetails? {
        guard
            let row = try db.queryFirst(
                """
                SELECT id, tenant, business_id, name, description, visibility, sandbox_access_auto_approved,
                       production_access_auto_approved, active, environments, created, updated
                FROM licenses WHERE id = ?
                """, id)
        else { return nil }
        let tenant = try row.requiredString("tenant")
        let business = try row.requiredString("business_id")
        let created = try row.requiredString("created")
        let updated = try row.requiredString("updated")
        return LicenseDetails(
            id: id, tenant: tenant, businessID: business.isEmpty ? TenantBusiness.id(of: tenant) : business,
            name: try row.requiredString("name"), description: try row.requiredString("description"),
            visibility: try row.requiredString("visibility"),
            sandboxAccessAutoApproved: try row.requiredBool("sandbox_access_auto_approved"),
            productionAccessAutoApproved: try row.requiredBool("production_access_auto_approved"),
            active: try row.requiredBool("active"),
            environments: try row.requiredString("environments").split(separator: ",").map(String.init),
            agreements: try agreements(db, licenseID: id), parts: try parts(db, licenseID: id), created: created,
            updated: updated.isEmpty ? created : updated)
    }

    /// Inserts or replaces the license row with its parts and agreements.
    package static func save(_ db: SQLiteConnection, _ license: LicenseDetails) throws {
        try db.change(
            license.id,
            """
            INSERT INTO licenses (id, tenant, name, description, sandbox_access_auto_approved, production_access_auto_approved,
                                  created, visibility, active, environments, business_id, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
                sandbox_access_auto_approved = excluded.sandbox_access_auto_approved,
                production_access_auto_approved = excluded.production_access_auto_approved, visibility = excluded.visibility,
                active = excluded.active, environments = excluded.environments, business_id = excluded.business_id,
                updated = excluded.updated
            """, license.id, license.tenant, license.name, license.description, license.sandboxAccessAutoApproved,
            license.productionAccessAutoApproved, license.created, license.visibility, license.active,
            license.environments.joined(separator: ","), license.businessID, license.updated)
        try replaceParts(db, licenseID: license.id, license.parts)
        try db.change(license.id, "DELETE FROM license_agreements WHERE license_id = ?", license.id)
        for (position, agreement) in license.agreements.enumerated() {
            try db.change(
                license.id,
                """
                INSERT INTO license_agreements (license_id, position, name, description, content_path, agreement_type)
                VALUES (?, ?, ?, ?, ?, ?)
                """, license.id, position, agreement.name, agreement.description, agreement.contentPath, agreement.agreementType)
        }
    }

    /// Replaces the license's parts (their scopes and policy keys go by cascade).
    package static func replaceParts(_ db: SQLiteConnection, licenseID: String, _ parts: [LicensePart]) throws {
        try db.change(licenseID, "DELETE FROM license_parts WHERE license_id = ?", licenseID)
        for (part, value) in parts.enumerated() {
            try db.change(
                licenseID, "INSERT INTO license_parts (license_id, position, name) VALUES (?, ?, ?)", licenseID, part, value.name)
            for (position, scope) in value.scopeIDs.enumerated() {
                try db.change(
                    licenseID, "INSERT INTO license_part_scopes (license_id, part, position, scope_id) VALUES (?, ?, ?, ?)",
                    licenseID, part, position, scope)
            }
            for (position, key) in value.policyKeys.enumerated() {
                try db.change(
                    licenseID, "INSERT INTO license_part_policies (license_id, part, position, policy_key) VALUES (?, ?, ?, ?)",
                    licenseID, part, position, key)
            }
        }
    }

    /// Deletes the license; the contracts that named it lose it (each is named through the funnel).
    package static func delete(_ db: SQLiteConnection, id: String) throws {
        let contracts = try db.query("SELECT contract_id FROM contract_licenses WHERE license_id = ?", id)
            .map { try $0.requiredString("contract_id") }
        for contract in contracts {
            try db.change(contract, "DELETE FROM contract_licenses WHERE contract_id = ? AND license_id = ?", contract, id)
        }
        try db.change(id, "DELETE FROM licenses WHERE id = ?", id)
    }

    /// The licenses whose parts name `scopeID`.
    static func licenseIDs(_ db: SQLiteConnection, scopeID: String) throws -> [String] {
        try db.query("SELECT DISTINCT license_id FROM license_part_scopes WHERE scope_id = ?", scopeID)
            .map { try $0.requiredString("license_id") }
    }

    private static func parts(_ db: SQLiteConnection, licenseID: String) throws -> [LicensePart] {
        var parts = try db.query("SELECT position, name FROM license_parts WHERE license_id = ? ORDER BY position", licenseID).map {
            (position: try $0.requiredInt("position"), part: LicensePart(name: try $0.requiredString("name"), scopeIDs: [], policyKeys: []))
        }
        func index(_ position: Int) -> Int? { parts.firstIndex { $0.position == position } }
        for row in try db.query(
            "SELECT part, scope_id FROM license_part_scopes WHERE license_id = ? ORDER BY part, position", licenseID)
        {
            if let at = index(try row.requiredInt("part")) { parts[at].part.scopeIDs.append(try row.requiredString("scope_id")) }
        }
        for row in try db.query(
            "SELECT part, policy_key FROM license_part_policies WHERE license_id = ? ORDER BY part, position", licenseID)
        {
            if let at = index(try row.requiredInt("part")) { parts[at].part.policyKeys.append(try row.requiredString("policy_key")) }
        }
        return parts.map(\.part)
    }

    private static func agreements(_ db: SQLiteConnection, licenseID: String) throws -> [LicenseAgreement] {
        try db.query(
            "SELECT name, description, content_path, agreement_type FROM license_agreements WHERE license_id = ? ORDER BY position",
            licenseID
        ).map {
            LicenseAgreement(
                name: try $0.requiredString("name"), description: try $0.requiredString("description"),
                contentPath: try $0.requiredString("content_path"), agreementType: try $0.requiredString("agreement_type"))
        }
    }
}
