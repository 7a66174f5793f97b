import Foundation
import SQLiteStore
import Synchronization

/// Runs objects through workflow definitions stored in the database (OSWorkflow 2.8 XML, the
/// platform's format). Definitions are versioned per key; each tenant assigns one per object type,
/// and every object remembers the exact version it started under, so uploading a new version never
/// changes the rules for objects already in flight.
///
/// The object operations (`start`, `perform`, …) take an open connection so a domain service can run
/// them inside its own write transaction: the change they govern and the state change commit
/// together or not at all. Mutations always run on the pool's single writer, so two actions on one
/// object serialize and the second sees the first one's state.
public final class WorkflowEngine: Sendable {
    /// Runs a `<function type="…">` inside the transition's transaction.
    public typealias FunctionHandler = @Sendable (SQLiteConnection, WorkflowFunctionContext) throws -> Void

    let database: DatabasePool
    let clock: EmulatorClock
    /// Parsed definitions by row id, with the XML they were parsed from: a row's XML is checked on
    /// every use, so a database reset or restore that reuses an id can never run a stale parse.
    private let cache = Mutex<[Int64: (xml: String, definition: WorkflowDefinition)]>([:])
    private let handlers = Mutex<[String: FunctionHandler]>([:])

    public init(database: DatabasePool, clock: EmulatorClock) {
        self.database = database
        self.clock = clock
    }

    /// Lets a domain service act on a function type (e.g. the apps service on `deleteAppVersion`).
    /// Replaces an earlier handler of the same type.
    public func registerFunction(_ type: String, handler: @escaping FunctionHandler) {
        handlers.withLock { $0[type] = handler }
    }

    func handler(for type: String) -> FunctionHandler? {
        handlers.withLock { $0[type] }
    }

    /// Drops every parsed definition (they are re-parsed on next use).
    public func invalidateCache() {
        cache.withLock { $0.removeAll() }
    }

    /// The parsed form of a stored definition.
    func parsed(id: Int64, xml: String) throws -> WorkflowDefinition {
        if let entry = cache.withLock({ $0[id] }), entry.xml == xml { return entry.definition }
        let definition: WorkflowDefinition
        do {
            definition = try WorkflowDefinition.parse(xml)
        } catch {
            // Only parsed definitions are ever stored, so this is a database edited by hand.
            throw DomainError.conflict(
                "Stored workflow definition #\(id) no longer parses (\(error.description)); install a corrected version.")
        }
        cache.withLock { $0[id] = (xml, definition) }
        return definition
    }

    var now: String { Timestamp.iso8601(clock.now()) }

    // MARK: - Definitions

    /// Stores `xml` as the next version of `key` (version 1 for a new key) after parsing it; a bad
    /// definition is refused with `.badRequest` naming the line and the problem. Name, description
    /// and object type default to the definition's `<meta>` of the same name. When an earlier version
    /// of the key is the active one for its object type, the new version takes over: objects created
    /// afterwards start under it, objects already running keep theirs.
    @discardableResult
    public func installDefinition(
        tenant: String, key: String, name: String? = nil, description: String? = nil,
        objectType: String? = nil, xml: String, scope: TransactionScope
    ) throws -> StoredWorkflowDefinition {
        try FieldLimits.check(key, field: "WorkflowDefinition.Key")
        if let name { try FieldLimits.check(name, field: "WorkflowDefinition.Name") }
        if let description { try FieldLimits.check(description, field: "WorkflowDefinition.Description") }
        if let objectType { try FieldLimits.check(objectType, field: "WorkflowDefinition.ObjectType") }
        let prepared = try Self.prepare(key: key, name: name, description: description, objectType: objectType, xml: xml)
        let stamp = now
        return try database.write(in: scope) { db in
            let id = try WorkflowDefinitionRepository.insert(db, tenant: tenant, prepared, now: stamp)
            return try self.stored(db, id: id)!
        }
    }

    /// POST /api/workflow/definitions: an uploaded definition. `name` is required; an absent or
    /// empty `key` is the name.
    public func uploadDefinition(
        tenant: String, name: String?, key: String?, description: String?, objectType: String?, xml: String,
        scope: TransactionScope
    ) throws -> StoredWorkflowDefinition {
        guard let name = name.flatMap({ $0.isEmpty ? nil : $0 }) else { throw DomainError.badRequest("Name is required.") }
        let key = key.flatMap { $0.isEmpty ? nil : $0 } ?? name
        return try installDefinition(
            tenant: tenant, key: key, name: name, description: description, objectType: objectType, xml: xml, scope: scope)
    }

    /// Makes the latest version of the definition with this key (or, failing that, this name) the
    /// one new objects of `objectType` start under in `tenant`.
    @discardableResult
    public func assign(tenant: String, objectType: String, definitionKey: String, scope: TransactionScope) throws
        -> StoredWorkflowDefinition
    {
        try database.write(in: scope) { db in
            let id = try WorkflowDefinitionRepository.resolve(db, tenant: tenant, keyOrName: definitionKey)
            let definitionType = try WorkflowDefinitionRepository.objectType(db, id: id) ?? ""
            guard definitionType == objectType else {
                throw DomainError.badRequest(
                    "Workflow definition '\(definitionKey)' is for object type '\(definitionType)', not '\(objectType)'.")
            }
            try WorkflowDefinitionRepository.setAssignment(db, tenant: tenant, objectType: objectType, definitionID: id)
            return try self.stored(db, id: id)!
        }
    }

    /// New objects of `objectType` start without a workflow. Returns false when none was assigned.
    @discardableResult
    public func clearAssignment(tenant: String, objectType: String, scope: TransactionScope) throws -> Bool {
        try database.write(in: scope) { db in
            try WorkflowDefinitionRepository.clearAssignment(db, tenant: tenant, objectType: objectType)
        }
    }

    /// The definition new objects of `objectType` start under, if any.
    public func activeDefinition(tenant: String, objectType: String, scope: TransactionScope) throws -> StoredWorkflowDefinition? {
        try database.read(in: scope) { db in
            guard let id = try WorkflowDefinitionRepository.assignedID(db, tenant: tenant, objectType: objectType) else { return nil }
            return try self.stored(db, id: id)
        }
    }

    /// The tenant's definitions, optionally of one object type: the latest version of each key, or
    /// every version with `allVersions`. Ordered by object type, key and version.
    public func definitions(
        tenant: String, objectType: String? = nil, allVersions: Bool = false,
        scope: TransactionScope
    ) throws -> [StoredWorkflowDefinition] {
        try database.read(in: scope) { db in
            try WorkflowDefinitionRepository.storedRows(db, tenant: tenant, objectType: objectType, allVersions: allVersions).map(
                self.stored)
        }
    }

    /// One stored version by row id, with its parsed form.
    public func definition(id: Int64, scope: TransactionScope) throws -> (stored: StoredWorkflowDefinition, definition: WorkflowDefinition)?
    {
        try database.read(in: scope) { db in
            guard let row = try WorkflowDefinitionRepository.storedRow(db, id: id) else { return nil }
            return (try self.stored(row), try self.parsed(id: id, xml: row.requiredString("xml")))
        }
    }

    // MARK: Definition storage

    struct PreparedDefinition {
        var key: String
        var name: String
        var description: String
        var objectType: String
        var xml: String
    }

    /// Parses and fills in the defaults; throws the 400 an upload gets.
    static func prepare(key: String, name: String?, description: String?, objectType: String?, xml: String) throws -> PreparedDefinition {
        let parsed: WorkflowDefinition
        do {
            parsed = try WorkflowDefinition.parse(xml)
        } catch {
            throw error.domainError
        }
        let key = key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { throw DomainError.badRequest("A workflow definition needs a non-empty key.") }
        let declared = parsed.meta["objectType"]
        let objectType = (objectType ?? declared ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !objectType.isEmpty else {
            throw DomainError.badRequest("ObjectType is required (e.g. model, discussion, appversion, ticket, apicontract).")
        }
        if let declared, declared != objectType {
            throw DomainError.badRequest(
                "The definition declares <meta name=\"objectType\">\(declared)</meta> but ObjectType '\(objectType)' was given.")
        }
        let name =
            [name, parsed.meta["name"]].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty } ?? key
        return PreparedDefinition(
            key: key, name: name, description: description ?? parsed.meta["description"] ?? "",
            objectType: objectType, xml: xml)
    }

    func stored(_ db: SQLiteConnection, id: Int64) throws -> StoredWorkflowDefinition? {
        try WorkflowDefinitionRepository.storedRow(db, id: id).map(stored)
    }

    func stored(_ row: SQLiteRow) throws -> StoredWorkflowDefinition {
        let id = try row.requiredInt64("id")
        return StoredWorkflowDefinition(
            id: id, tenant: try row.requiredString("tenant"), key: try row.requiredString("key"), version: try row.requiredInt("version"),
            name: try row.requiredString("name"), description: try row.requiredString("description"),
            objectType: try row.requiredString("object_type"), created: try row.requiredString("created"),
            isActive: try row.bool("active") ?? false, objectReferenceCount: try row.int("refs") ?? 0,
            warnings: try parsed(id: id, xml: row.requiredString("xml")).warnings)
    }
}
