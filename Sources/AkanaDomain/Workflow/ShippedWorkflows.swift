import Foundation
import SQLiteStore

/// A definition shipped in `Config/workflows/` (embedded in the binary at build time).
public struct ShippedWorkflow: Sendable {
    public var fileName: String
    /// `<meta name="key">`, else the file name without `.xml`.
    public var key: String
    public var objectType: String
    /// `<meta name="activeByDefault">true</meta>`: assigned to its object type on install.
    public var activeByDefault: Bool
    public var xml: String
    public var definition: WorkflowDefinition

    /// SHA-256 (hex) of the texts earlier releases shipped under a key. A tenant whose newest
    /// version of that key is one of them still runs what was shipped (nobody uploaded their own
    /// under the key since), so the next start installs the current text as a new version of it.
    static let superseded: [String: Set<String>] = [
        "apicontract": [
            // 2026-11-22: the first contract workflow; 2026-12-01: contracts with API versions.
            "e34d3f69a97cca5a19f0ceed0df18f9e30ab64d1afe8fa2409848e18e740cb4f",
            "a0f9bdb8c60d2ca28d5ed9b0aa679d02ba2170bd3c8f6ea304e38d24d8943f6b"
        ]
    ]

    /// Every embedded file, parsed. A broken shipped file is a build defect: the error names the file.
    public static func all() throws -> [ShippedWorkflow] {
        try EmbeddedWorkflows.files.map { file in
            let definition: WorkflowDefinition
            do {
                definition = try WorkflowDefinition.parse(file.text)
            } catch {
                throw DomainError.conflict("Shipped workflow \(file.name) is invalid: \(error)")
            }
            guard let objectType = definition.meta["objectType"], !objectType.isEmpty else {
                throw DomainError.conflict("Shipped workflow \(file.name) has no <meta name=\"objectType\">.")
            }
            let stem = file.name.hasSuffix(".xml") ? String(file.name.dropLast(4)) : file.name
            return ShippedWorkflow(
                fileName: file.name, key: definition.meta["key"] ?? stem, objectType: objectType,
                activeByDefault: definition.meta["activeByDefault"]?.lowercased() == "true", xml: file.text,
                definition: definition)
        }
    }
}

extension WorkflowEngine {
    /// Installs every shipped definition whose key the tenant does not have yet, and makes the
    /// active-by-default ones active for object types that have no active definition. Idempotent:
    /// a key already present (uploaded under that key, or shipped as it is now) is left alone, and
    /// so is an assignment (or its absence, after `clearAssignment`) for a type whose key was present.
    /// A key whose newest version is a text an earlier release shipped (`ShippedWorkflow.superseded`)
    /// gets the current text as its next version (an assignment to the key moves to it; objects
    /// already started keep the version they run under). Returns the versions installed now.
    @discardableResult
    public func installShippedDefinitions(tenant: String, scope: TransactionScope) throws -> [StoredWorkflowDefinition] {
        try installShippedDefinitions(tenant: tenant, superseded: ShippedWorkflow.superseded, scope: scope)
    }

    /// `installShippedDefinitions(tenant:scope:)` with the superseded texts given (tests name their own).
    func installShippedDefinitions(
        tenant: String, superseded: [String: Set<String>], scope: TransactionScope
    ) throws -> [StoredWorkflowDefinition] {
        let shipped = try ShippedWorkflow.all()
        let prepared = try shipped.map { workflow in
            (workflow, try Self.prepare(key: workflow.key, name: nil, description: nil, objectType: workflow.objectType, xml: workflow.xml))
        }
        let stamp = now
        let ids = try database.write(in: scope) { db -> [Int64] in
            var ids: [Int64] = []
            for (workflow, definition) in prepared {
                if try WorkflowDefinitionRepository.keyExists(db, tenant: tenant, key: workflow.key) {
                    guard let newest = try WorkflowDefinitionRepository.newestXML(db, tenant: tenant, key: workflow.key),
                        superseded[workflow.key]?.contains(Crypto.sha256Hex(Array(newest.utf8))) == true
                    else { continue }
                    ids.append(try WorkflowDefinitionRepository.insert(db, tenant: tenant, definition, now: stamp))
                    continue
                }
                let id = try WorkflowDefinitionRepository.insert(db, tenant: tenant, definition, now: stamp)
                if workflow.activeByDefault {
                    try WorkflowDefinitionRepository.assignIfUnassigned(
                        db, tenant: tenant, objectType: workflow.objectType, definitionID: id)
                }
                ids.append(id)
            }
            return ids
        }
        return try database.read(in: scope) { db in try ids.compactMap { try self.stored(db, id: $0) } }
    }
}
