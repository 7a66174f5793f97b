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
    /// a key already present (shipped earlier, or uploaded under that key) is left alone, and so is
    /// an assignment (or its absence, after `clearAssignment`) for a type whose key was present.
    /// Returns the versions installed now.
    @discardableResult
    public func installShippedDefinitions(tenant: String, scope: TransactionScope) throws -> [StoredWorkflowDefinition] {
        let shipped = try ShippedWorkflow.all()
        let prepared = try shipped.map { workflow in
            (workflow, try Self.prepare(key: workflow.key, name: nil, description: nil, objectType: workflow.objectType, xml: workflow.xml))
        }
        let stamp = now
        let ids = try database.write(in: scope) { db -> [Int64] in
            var ids: [Int64] = []
            for (workflow, definition) in prepared {
                guard try !WorkflowDefinitionRepository.keyExists(db, tenant: tenant, key: workflow.key) else { continue }
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
