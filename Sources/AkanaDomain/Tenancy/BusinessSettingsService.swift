import Foundation
import SQLiteStore

/// `/api/businesses/{BusinessID}/…settings` and `…/loginpolicy`: the tenant's settings the way the
/// platform's own API sets them. One read or one write transaction per call; after a write the
/// tenant directory reloads, so the next request follows the change (the platform says a change
/// may take up to five minutes; here it takes none). Site Admins and Business Admins only; the
/// business must be the tenant's own (`tenantbusiness.<tenant>`), else 404.
public final class BusinessSettingsService: Sendable {
    let database: DatabasePool
    let tenants: TenantDirectory
    let clock: EmulatorClock
    let workflow: WorkflowEngine
    /// The configured session policy: the login policy's values where a tenant has not set them.
    let sessionPolicy: SessionPolicy

    public init(
        database: DatabasePool, tenants: TenantDirectory, clock: EmulatorClock, workflow: WorkflowEngine, sessionPolicy: SessionPolicy
    ) {
        self.sessionPolicy = sessionPolicy
        self.database = database
        self.tenants = tenants
        self.clock = clock
        self.workflow = workflow
    }

    /// Who may read or change settings, and which business is the caller's.
    private func authorize(_ caller: AuthenticatedSession, tenant: TenantSettings, businessID: String) throws {
        guard caller.isSiteAdmin || caller.isBusinessAdmin else {
            throw DomainError.forbidden("Only a Site Admin or Business Admin can read or change the business's settings.")
        }
        try TenantBusiness.named(businessID, tenant: tenant.fedmemberid)
    }

    // MARK: - Sections stored as members

    public func settings(
        _ section: BusinessSettingsSection, caller: AuthenticatedSession, tenant: TenantSettings, businessID: String
    ) throws -> BusinessSettingsObject {
        try authorize(caller, tenant: tenant, businessID: businessID)
        return try database.read(in: caller.scope) { db in try Self.read(db, section, tenant: tenant, policy: self.sessionPolicy) }
    }

    /// Sets the members given (absent ones keep their value), in one transaction; any bad member
    /// is a 400 and nothing changes. Returns the object as stored.
    public func save(
        _ section: BusinessSettingsSection, values: [(name: String, value: BusinessSettingValue)], caller: AuthenticatedSession,
        tenant: TenantSettings, businessID: String
    ) throws -> BusinessSettingsObject {
        try authorize(caller, tenant: tenant, businessID: businessID)
        let changes = try Self.validate(section, values)
        let stamp = Timestamp.iso8601(clock.now())
        let saved = try database.write(in: caller.scope) { db in
            for (field, stored) in changes {
                switch field.kind {
                case .workflow(let objectType):
                    try Self.badRequestIfUnknown {
                        try Self.assign(db, tenant: tenant.fedmemberid, businessID: businessID, objectType: objectType, key: stored)
                    }
                default:
                    try TenantRepository.setSetting(
                        db, tenant: tenant.fedmemberid, object: businessID, name: field.name, value: stored, updated: stamp)
                }
            }
            return try Self.read(db, section, tenant: tenant, policy: self.sessionPolicy)
        }
        try tenants.reloadSettings(from: database)
        return saved
    }

    /// A fixture's setting (`"settings": {"ChallengeCount": 3, "ReadRequestCSRFSupport": true}`):
    /// a member of a business settings object, checked as its PUT checks it (a feature may be
    /// given as a boolean too), as (its name, the text stored). Unknown or workflow members: nil.
    public static func fixtureSetting(_ name: String, _ value: BusinessSettingValue) throws -> (name: String, stored: String)? {
        guard let (section, field) = BusinessSettingsSection.storedField(named: name) else { return nil }
        var value = value
        if case .boolean(let on) = value, field.kind == .feature {
            value = .text(on ? FeatureSetting.enabled : FeatureSetting.disabled)
        }
        let (checked, stored) = try validate(section, [(field.name, value)])[0]
        return (checked.name, stored)
    }

    /// Each member given, checked against the catalogue and turned into its stored text.
    static func validate(
        _ section: BusinessSettingsSection, _ values: [(name: String, value: BusinessSettingValue)]
    ) throws -> [(BusinessSettingField, String)] {
        let fields = section.fields
        var seen: Set<String> = []
        return try values.map { name, value in
            guard let field = fields.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw DomainError.badRequest(
                    "\(name) is not a member of \(section.root); it has \(fields.map(\.name).joined(separator: ", ")).")
            }
            guard seen.insert(field.name).inserted else { throw DomainError.badRequest("\(field.name) is given twice.") }
            let what = "\(section.root).\(field.name)"
            switch (field.kind, value) {
            case (.feature, .text(let text)):
                let allowed =
                    field.honoured
                    ? [FeatureSetting.enabled, FeatureSetting.disabled]
                    : [FeatureSetting.enabled, FeatureSetting.disabled, FeatureSetting.enabledForSiteAdmins]
                guard allowed.contains(text) else {
                    throw DomainError.badRequest("\(what) must be \(allowed.joined(separator: " or ")), not '\(text)'.")
                }
                // The CSRF switches keep the form the configuration and fixtures write.
                return (field, field.honoured ? (text == FeatureSetting.enabled ? "true" : "false") : text)
            case (.integer, .integer(let number)):
                guard (0...1_000_000).contains(number) else { throw DomainError.badRequest("\(what) must be 0 to 1000000, not \(number).") }
                return (field, String(number))
            case (.integer, .text(let text)):
                // The login policy's sample sends its numbers as strings.
                guard let number = Int64(text), (0...1_000_000).contains(number) else {
                    throw DomainError.badRequest("\(what) must be a whole number from 0 to 1000000, not '\(text)'.")
                }
                return (field, String(number))
            case (.boolean, .boolean(let flag)):
                return (field, flag ? "true" : "false")
            case (.boolean, .text(let text)) where text == "true" || text == "false":
                return (field, text)
            case (.text, .text(let text)), (.workflow, .text(let text)):
                return (field, try FieldLimits.check(text, field: what))
            default:
                let expected =
                    switch field.kind {
                    case .feature: "\(FeatureSetting.enabled) or \(FeatureSetting.disabled)"
                    case .integer: "a whole number"
                    case .boolean: "true or false"
                    case .text, .workflow: "a string"
                    }
                throw DomainError.badRequest("\(what) must be \(expected).")
            }
        }
    }

    /// The section's members: the stored value, else what the emulator does (honoured members),
    /// else left out (a member nobody set and the emulator does not act on has no value to show).
    static func read(_ db: SQLiteConnection, _ section: BusinessSettingsSection, tenant: TenantSettings, policy: SessionPolicy) throws
        -> BusinessSettingsObject
    {
        let fields = section.fields
        let stored = try TenantRepository.settings(
            db, tenant: tenant.fedmemberid, named: fields.filter { if case .workflow = $0.kind { false } else { true } }.map(\.name))
        var values: [(name: String, value: BusinessSettingValue)] = []
        for field in fields {
            let text = stored[field.name]
            switch field.kind {
            case .feature where field.honoured:
                let on =
                    text.map { $0 == "true" }
                    ?? (field.name == TenantDirectory.readRequestCSRFSetting ? tenant.readRequestCSRF : tenant.writeRequestCSRF)
                values.append((field.name, .text(on ? FeatureSetting.enabled : FeatureSetting.disabled)))
            case .integer where field.honoured:
                // The login policy: stored, else the configured session policy's (minutes; a count of failures).
                let configured: Double =
                    switch field.name {
                    case TenantDirectory.inactiveSessionTimeoutSetting: policy.lifetime / 60
                    case TenantDirectory.activeSessionTimeoutSetting: policy.maxLifetime / 60
                    case TenantDirectory.failedLoginWindowSetting: policy.failureWindow / 60
                    case TenantDirectory.lockDurationSetting: policy.lockDuration / 60
                    default: Double(policy.maxFailures)
                    }
                let number = text.flatMap { Int64($0) }.flatMap {
                    $0 > 0 || field.name == TenantDirectory.maxFailedLoginsSetting ? $0 : nil
                }
                values.append((field.name, .integer(number ?? Int64(configured.rounded()))))
            case .feature, .text:
                if let text { values.append((field.name, .text(text))) }
            case .integer:
                if let text, let number = Int64(text) { values.append((field.name, .integer(number))) }
            case .boolean:
                if let text { values.append((field.name, .boolean(text == "true"))) }
            case .workflow(let objectType):
                // The key of the definition new objects of the type start under; "" when none does.
                let key = try WorkflowDefinitionRepository.assignedID(db, tenant: tenant.fedmemberid, objectType: objectType)
                    .flatMap { try WorkflowDefinitionRepository.summary(db, id: $0)?.key }
                values.append((field.name, .text(key ?? "")))
            }
        }
        return BusinessSettingsObject(businessID: tenant.tenantBusinessID, section: section, values: values)
    }

    // MARK: - Connection settings (contracts' workflow per environment)

    public struct ConnectionSettings: Sendable, Equatable {
        public var businessID: String
        public var workflowSettings: [ConnectionWorkflowSetting]
    }

    public func connectionSettings(caller: AuthenticatedSession, tenant: TenantSettings, businessID: String) throws -> ConnectionSettings {
        try authorize(caller, tenant: tenant, businessID: businessID)
        return try database.read(in: caller.scope) { db in try Self.readConnections(db, tenant: tenant) }
    }

    /// The emulator governs the contracts of both environments with one definition (the tenant's
    /// `apicontract` assignment): settings naming two different keys are a 400.
    public func saveConnectionSettings(
        _ settings: [ConnectionWorkflowSetting], caller: AuthenticatedSession, tenant: TenantSettings, businessID: String
    ) throws -> ConnectionSettings {
        try authorize(caller, tenant: tenant, businessID: businessID)
        var environments: Set<String> = []
        for setting in settings {
            guard ConnectionWorkflowSetting.environments.contains(setting.environment) else {
                throw DomainError.badRequest("WorkflowSetting.Environment must be Production or Sandbox, not '\(setting.environment)'.")
            }
            guard environments.insert(setting.environment).inserted else {
                throw DomainError.badRequest("WorkflowSetting for \(setting.environment) is given twice.")
            }
        }
        let keys = Set(settings.compactMap(\.workflowDefinitionKey))
        guard keys.count <= 1 else {
            throw DomainError.badRequest(
                "The emulator governs Production and Sandbox contracts with one workflow definition; the WorkflowSettings name \(keys.sorted().joined(separator: " and "))."
            )
        }
        let stamp = Timestamp.iso8601(clock.now())
        return try database.write(in: caller.scope) { db in
            if let key = keys.first {
                try Self.badRequestIfUnknown {
                    try Self.assign(db, tenant: tenant.fedmemberid, businessID: businessID, objectType: "apicontract", key: key)
                }
            }
            for setting in settings {
                if let comment = setting.connectionCommentWorkflowDefKey {
                    try FieldLimits.check(comment, field: "WorkflowSetting.ConnectionCommentWorkflowDefKey")
                    try TenantRepository.setSetting(
                        db, tenant: tenant.fedmemberid, object: businessID,
                        name: Self.commentSetting(setting.environment), value: comment, updated: stamp)
                }
            }
            return try Self.readConnections(db, tenant: tenant)
        }
    }

    static func commentSetting(_ environment: String) -> String { "ConnectionCommentWorkflowDefKey.\(environment)" }

    static func readConnections(_ db: SQLiteConnection, tenant: TenantSettings) throws -> ConnectionSettings {
        let key = try WorkflowDefinitionRepository.assignedID(db, tenant: tenant.fedmemberid, objectType: "apicontract")
            .flatMap { try WorkflowDefinitionRepository.summary(db, id: $0)?.key }
        let comments = try TenantRepository.settings(
            db, tenant: tenant.fedmemberid, named: ConnectionWorkflowSetting.environments.map(commentSetting))
        return ConnectionSettings(
            businessID: tenant.tenantBusinessID,
            workflowSettings: ConnectionWorkflowSetting.environments.map {
                ConnectionWorkflowSetting(
                    environment: $0, workflowDefinitionKey: key ?? "", connectionCommentWorkflowDefKey: comments[commentSetting($0)] ?? "")
            })
    }

    // MARK: - Workflow assignments

    /// Assigns the definition `key` names to `objectType` (`PUT /_emulator/workflows/{ObjectType}`
    /// is an alias of this). Returns the definition assigned.
    public func assignWorkflow(tenant: TenantSettings, objectType: String, key: String, scope: TransactionScope) throws
        -> StoredWorkflowDefinition
    {
        try database.write(in: scope) { db in
            guard
                let id = try Self.assign(
                    db, tenant: tenant.fedmemberid, businessID: tenant.tenantBusinessID, objectType: objectType, key: key),
                let stored = try self.workflow.stored(db, id: id)
            else { throw DomainError.notFound("No workflow definition has the key or name '\(key)'.") }
            return stored
        }
    }

    /// Stops new objects of `objectType` from starting under a workflow. False when none was assigned.
    public func clearWorkflow(tenant: TenantSettings, objectType: String, scope: TransactionScope) throws -> Bool {
        try database.write(in: scope) { db in
            try TenantRepository.clearAssignment(db, tenant: tenant.fedmemberid, object: tenant.tenantBusinessID, objectType: objectType)
        }
    }

    /// `key`: a stored definition's key or name; the platform's built-in keys
    /// (`workflow:definition:apicontract`, `workflow:definition:apicontract:v72`, …) name the
    /// definition the emulator ships for that object type (`Config/workflows/<type>.xml`, key
    /// `<type>`) unless the tenant stored a definition under that very key. "": the system default
    /// (the shipped definition where it is active by default, else no workflow).
    @discardableResult
    static func assign(_ db: SQLiteConnection, tenant: String, businessID: String, objectType: String, key: String) throws -> Int64? {
        var resolvedKey = key
        if key.isEmpty {
            guard let shipped = try ShippedWorkflow.all().first(where: { $0.objectType == objectType && $0.activeByDefault }) else {
                try TenantRepository.clearAssignment(db, tenant: tenant, object: businessID, objectType: objectType)
                return nil
            }
            resolvedKey = shipped.key
        } else if !(try WorkflowDefinitionRepository.keyExists(db, tenant: tenant, key: key)), let builtIn = builtInType(key) {
            guard builtIn == objectType else {
                throw DomainError.badRequest("Workflow definition '\(key)' is for object type '\(builtIn)', not '\(objectType)'.")
            }
            resolvedKey = objectType
        }
        let id = try WorkflowDefinitionRepository.resolve(db, tenant: tenant, keyOrName: resolvedKey)
        let definitionType = try WorkflowDefinitionRepository.objectType(db, id: id) ?? ""
        guard definitionType == objectType else {
            throw DomainError.badRequest("Workflow definition '\(key)' is for object type '\(definitionType)', not '\(objectType)'.")
        }
        try TenantRepository.setAssignment(db, tenant: tenant, object: businessID, objectType: objectType, definitionID: id)
        return id
    }

    /// An unknown definition key in a settings body is a bad value (400), like every other bad member.
    static func badRequestIfUnknown(_ body: () throws -> Int64?) throws {
        do {
            _ = try body()
        } catch let error as DomainError where error.kind == .notFound {
            throw DomainError.badRequest(error.message)
        }
    }

    /// The object type of a platform built-in key `workflow:definition:<type>[:v<version>]`.
    static func builtInType(_ key: String) -> String? {
        let parts = key.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4, parts[0] == "workflow", parts[1] == "definition", !parts[2].isEmpty else { return nil }
        if parts.count == 4 {
            guard parts[3].count > 1, parts[3].first == "v", parts[3].dropFirst().allSatisfy(\.isNumber) else { return nil }
        }
        return String(parts[2])
    }
}
