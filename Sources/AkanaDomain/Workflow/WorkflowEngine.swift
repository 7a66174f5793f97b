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
            throw DomainError.conflict("Stored workflow definition #\(id) no longer parses (\(error.description)); install a corrected version.")
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
    public func installDefinition(tenant: String, key: String, name: String? = nil, description: String? = nil,
                                  objectType: String? = nil, xml: String, scope: TransactionScope = .detached) throws -> StoredWorkflowDefinition {
        try FieldLimits.check(key, field: "WorkflowDefinition.Key")
        if let name { try FieldLimits.check(name, field: "WorkflowDefinition.Name") }
        if let description { try FieldLimits.check(description, field: "WorkflowDefinition.Description") }
        if let objectType { try FieldLimits.check(objectType, field: "WorkflowDefinition.ObjectType") }
        let prepared = try Self.prepare(key: key, name: name, description: description, objectType: objectType, xml: xml)
        let stamp = now
        let id = try database.write(in: scope) { db in try Self.insert(db, tenant: tenant, prepared, now: stamp) }
        return try database.read(in: scope) { db in try self.stored(db, id: id)! }
    }

    /// Makes the latest version of the definition with this key (or, failing that, this name) the
    /// one new objects of `objectType` start under in `tenant`.
    @discardableResult
    public func assign(tenant: String, objectType: String, definitionKey: String, scope: TransactionScope = .detached) throws -> StoredWorkflowDefinition {
        let id = try database.write(in: scope) { db -> Int64 in
            let id = try Self.resolve(db, tenant: tenant, keyOrName: definitionKey)
            let row = try db.queryFirst("SELECT object_type FROM workflow_definitions WHERE id = ?", id)
            let definitionType = try row?.string("object_type") ?? ""
            guard definitionType == objectType else {
                throw DomainError.badRequest("Workflow definition '\(definitionKey)' is for object type '\(definitionType)', not '\(objectType)'.")
            }
            try Self.setAssignment(db, tenant: tenant, objectType: objectType, definitionID: id)
            return id
        }
        return try database.read(in: scope) { db in try self.stored(db, id: id)! }
    }

    /// New objects of `objectType` start without a workflow. Returns false when none was assigned.
    @discardableResult
    public func clearAssignment(tenant: String, objectType: String, scope: TransactionScope = .detached) throws -> Bool {
        try database.write(in: scope) { db in
            try db.run("DELETE FROM workflow_assignments WHERE tenant = ? AND object_type = ?", tenant, objectType) > 0
        }
    }

    /// The definition new objects of `objectType` start under, if any.
    public func activeDefinition(tenant: String, objectType: String) throws -> StoredWorkflowDefinition? {
        try database.read { db in
            guard let id = try db.queryFirst(
                "SELECT definition_id FROM workflow_assignments WHERE tenant = ? AND object_type = ?", tenant, objectType)?.int64(0)
            else { return nil }
            return try self.stored(db, id: id)
        }
    }

    /// The tenant's definitions, optionally of one object type: the latest version of each key, or
    /// every version with `allVersions`. Ordered by object type, key and version.
    public func definitions(tenant: String, objectType: String? = nil, allVersions: Bool = false) throws -> [StoredWorkflowDefinition] {
        try database.read { db in
            try db.query(
                Self.selectStored + """
                 WHERE d.tenant = ? AND (?2 IS NULL OR d.object_type = ?2)
                   AND (?3 OR d.version = (SELECT MAX(version) FROM workflow_definitions m WHERE m.tenant = d.tenant AND m.key = d.key))
                 ORDER BY d.object_type, d.key, d.version
                """, tenant, objectType, allVersions
            ).map(self.stored)
        }
    }

    /// One stored version by row id, with its parsed form.
    public func definition(id: Int64) throws -> (stored: StoredWorkflowDefinition, definition: WorkflowDefinition)? {
        try database.read { db in
            guard let row = try db.queryFirst(Self.selectStored + " WHERE d.id = ?", id) else { return nil }
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
            throw DomainError.badRequest("The definition declares <meta name=\"objectType\">\(declared)</meta> but ObjectType '\(objectType)' was given.")
        }
        let name = [name, parsed.meta["name"]].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty } ?? key
        return PreparedDefinition(key: key, name: name, description: description ?? parsed.meta["description"] ?? "",
                                  objectType: objectType, xml: xml)
    }

    static func insert(_ db: SQLiteConnection, tenant: String, _ definition: PreparedDefinition, now: String) throws -> Int64 {
        guard try db.queryFirst("SELECT 1 FROM tenants WHERE fedmemberid = ?", tenant) != nil else {
            throw DomainError.notFound("Tenant '\(tenant)' is not configured.")
        }
        let previous = try db.queryFirst(
            "SELECT MAX(version) AS version, MIN(object_type) AS type FROM workflow_definitions WHERE tenant = ? AND key = ?",
            tenant, definition.key)
        if let type = try previous?.string("type"), type != definition.objectType {
            throw DomainError.conflict("Workflow definition key '\(definition.key)' is for object type '\(type)'; a new version cannot be for '\(definition.objectType)'.")
        }
        let version = (try previous?.int("version") ?? 0) + 1
        try db.run(
            "INSERT INTO workflow_definitions (tenant, key, version, name, description, object_type, xml, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            tenant, definition.key, version, definition.name, definition.description, definition.objectType, definition.xml, now)
        let id = db.lastInsertRowID
        try db.run(
            """
            UPDATE workflow_assignments SET definition_id = ?
             WHERE tenant = ? AND object_type = ?
               AND definition_id IN (SELECT id FROM workflow_definitions WHERE tenant = ? AND key = ?)
            """, id, tenant, definition.objectType, tenant, definition.key)
        return id
    }

    static func setAssignment(_ db: SQLiteConnection, tenant: String, objectType: String, definitionID: Int64) throws {
        try db.run(
            """
            INSERT INTO workflow_assignments (tenant, object_type, definition_id) VALUES (?, ?, ?)
            ON CONFLICT (tenant, object_type) DO UPDATE SET definition_id = excluded.definition_id
            """, tenant, objectType, definitionID)
    }

    /// The latest version with this key, else with this name (which must then name one key).
    static func resolve(_ db: SQLiteConnection, tenant: String, keyOrName: String) throws -> Int64 {
        if let id = try db.queryFirst(
            "SELECT id FROM workflow_definitions WHERE tenant = ? AND key = ? ORDER BY version DESC LIMIT 1", tenant, keyOrName)?.int64(0) {
            return id
        }
        let keys = try db.query(
            "SELECT key, MAX(id) AS id FROM workflow_definitions WHERE tenant = ? AND name = ? GROUP BY key ORDER BY key", tenant, keyOrName)
        switch keys.count {
        case 0:
            throw DomainError.notFound("No workflow definition has the key or name '\(keyOrName)'.")
        case 1:
            // MAX(id) is the latest version: ids only grow.
            return try keys[0].int64("id")!
        default:
            let names = try keys.compactMap { try $0.string("key") }.joined(separator: ", ")
            throw DomainError.badRequest("Several workflow definitions are named '\(keyOrName)' (keys \(names)); give the key.")
        }
    }

    static let selectStored = """
        SELECT d.id, d.tenant, d.key, d.version, d.name, d.description, d.object_type, d.xml, d.created,
               EXISTS (SELECT 1 FROM workflow_assignments a WHERE a.definition_id = d.id) AS active,
               (SELECT COUNT(*) FROM workflow_objects o WHERE o.definition_id = d.id) AS refs
          FROM workflow_definitions d
        """

    func stored(_ db: SQLiteConnection, id: Int64) throws -> StoredWorkflowDefinition? {
        try db.queryFirst(Self.selectStored + " WHERE d.id = ?", id).map(stored)
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
