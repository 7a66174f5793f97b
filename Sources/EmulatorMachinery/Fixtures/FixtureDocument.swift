import AkanaDomain
import Foundation
import JSONCodec

/// One fixture document: a file of `Config/fixtures/` or the body of `POST /_emulator/fixtures`
/// (the same format). JSON with `//` and `/* */` comments and trailing commas. Every section is
/// optional; see `Config/fixtures/seed-samples.json` for the format with comments.
///
///     {
///       "tenant": "acmepaymentscorp",                      // elements' tenant unless they name one
///       "settings": {"ReadRequestCSRFSupport": false, "WriteRequestCSRFSupport": true},   // AutoAcceptAppTeamInvitations (a workflow assignment), or any
///                                                    // member of the business settings objects (ChallengeCount, InactiveSessionTimeout, …)
///       "users": [{"email": …, "password": …, "name": …, "roles": […], "tenant": …}],
///       "workflowAssignments": {"appversion": "appversion"},   // object type → definition key/name (null: none)
///       "apps": [{"AppID": …, "Name": …, "Team": [email | {"email", "role"}],
///                 "Versions": [{"AppVersionID": …, "Name": …, "Identity": …, "SharedSecret": …, "Actions": […], …}]}],
///       "models": [{"ModelID": …, "Name": …, "CreatedBy": email, "Versions": [{"ModelVersionID": …, "Name": …, "Actions": […]}]}],
///       "objects": [{"ObjectType": "discussion", "ObjectID": …, "InitialAction": …, "Actions": […]}],
///       "groups": [{"GroupID": …, "Name": …, "Members": [email | {"email", "role", "state", "message"}]}]
///     }
///
/// Parsing checks shapes and types; what depends on the database (does a user exist, is an id
/// taken) is checked when the document is applied. Errors name the source and the element.
public struct FixtureDocument: Sendable {
    /// Where the document came from, for messages: a file path, or "request body".
    public var source: String
    public var tenant: String?
    public var settings: [Setting] = []
    public var users: [User] = []
    public var workflowAssignments: [Assignment] = []
    public var apps: [App] = []
    public var models: [Model] = []
    public var objects: [WorkflowObject] = []
    /// `licenses`, `apis`, `contracts` (FixtureDocument+APIs.swift).
    public var apiSection = APIFixtureSection()
    public var policySection = PolicyFixtureSection()
    /// `groups` (FixtureDocument+Groups.swift).
    public var groupSection = GroupFixtureSection()

    public struct Setting: Sendable {
        public var name: String
        /// As `settings` stores it (`true`/`false` for the switches, the documented value otherwise).
        public var value: String
    }

    public struct User: Sendable {
        public var path: String
        public var tenant: String?
        public var email: String
        public var password: String
        public var name: String
        public var roles: [String]
    }

    public struct Assignment: Sendable {
        public var objectType: String
        /// Key or name of the definition; nil: objects of the type start without a workflow.
        public var definition: String?
    }

    public struct Action: Sendable {
        public var name: String
        public var comments: [String]
    }

    public struct TeamMember: Sendable {
        public var email: String
        public var role: String
    }

    public struct App: Sendable {
        public var path: String
        public var tenant: String?
        public var id: String?
        public var name: String
        public var summary: String
        public var description: String
        public var businessID: String?
        public var team: [TeamMember]
        /// Nil when the document lists none (a new app then gets one version, "1.0").
        public var versions: [AppVersionElement]?
    }

    public struct AppVersionElement: Sendable {
        public var path: String
        public var id: String?
        var input: AppVersionInput
        public var actions: [Action]
    }

    public struct Model: Sendable {
        public var path: String
        public var tenant: String?
        public var id: String?
        public var name: String
        public var summary: String
        public var description: String
        public var category: String
        public var visibility: String?
        public var businessID: String?
        public var createdBy: String?
        public var tags: [String]
        public var versions: [ModelVersionElement]?
    }

    public struct ModelVersionElement: Sendable {
        public var path: String
        public var id: String?
        public var name: String?
        public var description: String
        public var visibility: String?
        public var schema: String
        public var tags: [String]
        public var actions: [Action]
    }

    public struct WorkflowObject: Sendable {
        public var path: String
        public var tenant: String?
        public var objectType: String
        public var objectID: String
        public var initialAction: String?
        public var actions: [Action]
    }

    public init(source: String) {
        self.source = source
    }

    public var isEmpty: Bool {
        settings.isEmpty && users.isEmpty && workflowAssignments.isEmpty && apps.isEmpty && models.isEmpty && objects.isEmpty
            && apiSection.isEmpty && policySection.isEmpty && groupSection.isEmpty
    }

    // MARK: - Reading

    /// Parses fixture JSON text (comments and trailing commas allowed).
    public static func parse(_ bytes: [UInt8], source: String) throws -> FixtureDocument {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, options: .init(allowComments: true))
        } catch {
            throw DomainError.badRequest("\(source) is not valid JSON: \(error.description).")
        }
        return try parse(value, source: source)
    }

    /// Reads one file.
    public static func load(path: String) throws -> FixtureDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DomainError.badRequest("Cannot read fixture file \(path).")
        }
        return try parse(Array(data), source: path)
    }

    /// Every `*.json` file of `directory`, in name order. A missing directory has none.
    public static func loadDirectory(_ directory: String) throws -> [FixtureDocument] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return try names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { name in
            try load(path: (directory as NSString).appendingPathComponent(name))
        }
    }

    public static func parse(_ value: JSONValue, source: String) throws -> FixtureDocument {
        var document = FixtureDocument(source: source)
        let top = try Reader(value, path: "the document", source: source)
        document.tenant = try top.tenant("tenant")
        if let settings = top.value("settings") {
            let reader = try Reader(settings, path: "settings", source: source)
            for (name, given) in reader.members {
                // The emulator's own switch, and every member of the business settings objects
                // (GET/PUT /api/businesses/{BusinessID}/securitysettings, …), checked as their PUT checks them.
                // AutoAcceptAppTeamInvitations names the group membership workflow: true assigns the
                // shipped groupmembership-autoaccept (invitees join at once), false the default one.
                if name.lowercased() == GroupService.autoAcceptSetting.lowercased() {
                    guard let on = given.boolValue else { throw reader.error("\(name) must be true or false, not \(given.typeName)") }
                    document.workflowAssignments.append(
                        Assignment(
                            objectType: Membership.objectType,
                            definition: on ? Membership.autoAcceptWorkflowKey : Membership.defaultWorkflowKey))
                    continue
                }
                let value: BusinessSettingValue
                switch given {
                case .bool(let on): value = .boolean(on)
                case .string(let text): value = .text(text)
                case .integer(let number): value = .integer(number)
                default: throw reader.error("\(name) must be true or false, a string or a whole number, not \(given.typeName)")
                }
                let setting: (name: String, stored: String)?
                do {
                    setting = try BusinessSettingsService.fixtureSetting(name, value)
                } catch let error as DomainError {
                    let honoured = [TenantDirectory.readRequestCSRFSetting, TenantDirectory.writeRequestCSRFSetting]
                    if honoured.contains(where: { $0.lowercased() == name.lowercased() }) {
                        throw reader.error("\(name) must be true or false (or com.soa.feature.enabled / com.soa.feature.disabled)")
                    }
                    throw reader.error(error.message)
                }
                guard let setting else {
                    throw reader.error(
                        "unknown setting \"\(name)\" (known: \(GroupService.autoAcceptSetting) and the members of the business settings objects, such as ReadRequestCSRFSupport, ChallengeCount, InviteUnregisteredUsers, InactiveSessionTimeout; workflow keys go under \"workflowAssignments\")"
                    )
                }
                document.settings.append(Setting(name: setting.name, value: setting.stored))
            }
        }
        for (index, element) in try top.array("users").enumerated() {
            let reader = try Reader(element, path: "users[\(index)]", source: source)
            guard let email = try reader.string("email"), UserService.looksLikeEmail(email) else {
                throw reader.error("email is required and must be an email address")
            }
            guard let password = try reader.string("password"), !password.isEmpty else { throw reader.error("password is required") }
            let roles = try reader.strings("roles") ?? []
            if let unknown = roles.first(where: { !Role.all.contains($0) }) {
                throw reader.error("unknown role \"\(unknown)\" (known: \(Role.all.joined(separator: ", ")))")
            }
            document.users.append(
                User(
                    path: reader.path, tenant: try reader.tenant("tenant"), email: email, password: password,
                    name: try reader.string("name") ?? String(email.prefix { $0 != "@" }), roles: roles))
            try reader.finish(["email", "password", "name", "roles", "tenant"])
        }
        if let assignments = top.value("workflowAssignments") {
            let reader = try Reader(assignments, path: "workflowAssignments", source: source)
            for (objectType, definition) in reader.members {
                switch definition {
                case .string(let key) where !key.isEmpty:
                    document.workflowAssignments.append(Assignment(objectType: objectType, definition: key))
                case .null: document.workflowAssignments.append(Assignment(objectType: objectType, definition: nil))
                default: throw reader.error("\(objectType) must be a definition key or name, or null, not \(definition.typeName)")
                }
            }
        }
        for (index, element) in try top.array("apps").enumerated() {
            document.apps.append(try app(Reader(element, path: "apps[\(index)]", source: source)))
        }
        for (index, element) in try top.array("models").enumerated() {
            document.models.append(try model(Reader(element, path: "models[\(index)]", source: source)))
        }
        for (index, element) in try top.array("objects").enumerated() {
            let reader = try Reader(element, path: "objects[\(index)]", source: source)
            guard let type = try reader.string("ObjectType"), !type.isEmpty else {
                throw reader.error("ObjectType is required (e.g. \"discussion\")")
            }
            guard let id = try reader.string("ObjectID"), !id.isEmpty else { throw reader.error("ObjectID is required") }
            document.objects.append(
                WorkflowObject(
                    path: reader.path, tenant: try reader.tenant("tenant"), objectType: type, objectID: id,
                    initialAction: try reader.string("InitialAction"), actions: try reader.actions()))
            try reader.finish(["ObjectType", "ObjectID", "InitialAction", "Actions", "tenant"])
        }
        document.apiSection = try APIFixtureSection.parse(top)
        document.policySection = try PolicyFixtureSection.parse(top)
        document.groupSection = try GroupFixtureSection.parse(top)
        try top.finish(
            ["tenant", "settings", "users", "workflowAssignments", "apps", "models", "objects"] + APIFixtureSection.keys
                + PolicyFixtureSection.keys + GroupFixtureSection.keys)
        return document
    }

    private static func app(_ reader: Reader) throws -> App {
        guard let name = try reader.string("Name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw reader.error("Name is required")
        }
        var team: [TeamMember] = []
        for (index, member) in try reader.array("Team").enumerated() {
            if let email = member.stringValue {
                guard FieldLimits.fits(email, FieldLimits.limit(for: "Team")) else {
                    throw reader.error("Team[\(index)] is longer than \(FieldLimits.limit(for: "Team")) characters")
                }
                team.append(TeamMember(email: email, role: "Member"))
                continue
            }
            let memberReader = try Reader(member, path: "\(reader.path).Team[\(index)]", source: reader.source)
            guard let email = try memberReader.string("email") else { throw memberReader.error("email is required") }
            team.append(TeamMember(email: email, role: try memberReader.string("role") ?? "Member"))
            try memberReader.finish(["email", "role"])
        }
        var versions: [AppVersionElement]?
        if reader.value("Versions") != nil {
            versions = try reader.array("Versions").enumerated().map { index, element in
                let versionReader = try Reader(element, path: "\(reader.path).Versions[\(index)]", source: reader.source)
                let input = try appVersionInput(versionReader)
                let version = AppVersionElement(
                    path: versionReader.path, id: try versionReader.string("AppVersionID"), input: input,
                    actions: try versionReader.actions())
                try versionReader.finish([
                    "AppVersionID", "Name", "Description", "WebsiteAddress", "Visibility", "InitialEnvironment",
                    "Tag", "Identity", "SharedSecret", "Actions"
                ])
                return version
            }
        }
        let app = App(
            path: reader.path, tenant: try reader.tenant("tenant"), id: try reader.string("AppID"), name: name,
            summary: try reader.string("Summary") ?? "", description: try reader.string("Description") ?? "",
            businessID: try reader.string("BusinessID"), team: team, versions: versions)
        try reader.finish(["AppID", "Name", "Summary", "Description", "BusinessID", "Team", "Versions", "tenant"])
        return app
    }

    /// A version element's fields as the apps service takes them (the types and values checked here).
    private static func appVersionInput(_ reader: Reader) throws -> AppVersionInput {
        var input = AppVersionInput(
            name: try reader.string("Name"), description: try reader.string("Description"),
            websiteAddress: try reader.string("WebsiteAddress"), visibility: try reader.visibility("Visibility"),
            tags: try reader.strings("Tag"), identity: try reader.string("Identity"), sharedSecret: try reader.string("SharedSecret"))
        if let name = input.name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw reader.error("Name must not be empty") }
        if let text = try reader.string("InitialEnvironment") {
            guard let environment = AppVersionInput.environment(text) else {
                throw reader.error("InitialEnvironment must be Sandbox or Production, not '\(text)'")
            }
            input.initialEnvironment = environment
        }
        return input
    }

    private static func model(_ reader: Reader) throws -> Model {
        guard let name = try reader.string("Name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw reader.error("Name is required")
        }
        var versions: [ModelVersionElement]?
        if reader.value("Versions") != nil {
            versions = try reader.array("Versions").enumerated().map { index, element in
                let versionReader = try Reader(element, path: "\(reader.path).Versions[\(index)]", source: reader.source)
                let version = ModelVersionElement(
                    path: versionReader.path, id: try versionReader.string("ModelVersionID"), name: try versionReader.string("Name"),
                    description: try versionReader.string("Description") ?? "", visibility: try versionReader.visibility("Visibility"),
                    schema: try versionReader.string("Schema") ?? "", tags: try versionReader.strings("Tag") ?? [],
                    actions: try versionReader.actions())
                try versionReader.finish(["ModelVersionID", "Name", "Description", "Visibility", "Schema", "Tag", "Actions"])
                return version
            }
        }
        let model = Model(
            path: reader.path, tenant: try reader.tenant("tenant"), id: try reader.string("ModelID"), name: name,
            summary: try reader.string("Summary") ?? "", description: try reader.string("Description") ?? "",
            category: try reader.string("ModelCategory") ?? "", visibility: try reader.visibility("Visibility"),
            businessID: try reader.string("BusinessID"), createdBy: try reader.string("CreatedBy"),
            tags: try reader.strings("Tag") ?? [], versions: versions)
        try reader.finish([
            "ModelID", "Name", "Summary", "Description", "ModelCategory", "Visibility", "BusinessID", "CreatedBy",
            "Tag", "Versions", "tenant"
        ])
        return model
    }

    /// An object element with its path: typed access, case-insensitive names (as the platform's
    /// JSON binding), and `finish` refusing names it does not know.
    struct Reader {
        let members: [(String, JSONValue)]
        let path: String
        let source: String

        init(_ value: JSONValue, path: String, source: String) throws {
            guard let members = value.objectMembers else {
                throw DomainError.badRequest("\(source): \(path) must be a JSON object, not \(value.typeName).")
            }
            self.members = members
            self.path = path
            self.source = source
        }

        func error(_ problem: String) -> DomainError {
            DomainError.badRequest("\(source): \(path): \(problem).")
        }

        func value(_ key: String) -> JSONValue? {
            let lowered = key.lowercased()
            return members.first { $0.0.lowercased() == lowered }?.1
        }

        func string(_ key: String) throws -> String? {
            guard let value = value(key), value != .null else { return nil }
            guard let text = value.stringValue else { throw error("\(key) must be a string, not \(value.typeName)") }
            guard FieldLimits.fits(text, FieldLimits.limit(for: key)) else {
                throw error("\(key) is longer than \(FieldLimits.limit(for: key)) characters")
            }
            return text
        }

        func strings(_ key: String) throws -> [String]? {
            guard let value = value(key), value != .null else { return nil }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw error("\(key) must be an array of strings")
            }
            let items = list.compactMap(\.stringValue)
            guard items.count <= FieldLimits.maxListItems else { throw error("\(key) has more than \(FieldLimits.maxListItems) entries") }
            let limit = FieldLimits.limit(for: key)
            if items.contains(where: { !FieldLimits.fits($0, limit) }) {
                throw error("an entry of \(key) is longer than \(limit) characters")
            }
            return items
        }

        func array(_ key: String) throws -> [JSONValue] {
            guard let value = value(key), value != .null else { return [] }
            guard let list = value.arrayValue else { throw error("\(key) must be an array, not \(value.typeName)") }
            return list
        }

        func tenant(_ key: String) throws -> String? {
            guard let text = try string(key) else { return nil }
            guard !text.isEmpty else { throw error("\(key) must not be empty") }
            return text
        }

        func visibility(_ key: String) throws -> String? {
            guard let text = try string(key) else { return nil }
            guard let value = Visibility.normalize(text) else {
                throw error("\(key) must be Public, Limited or com.soa.visibility.registered.users, not '\(text)'")
            }
            return value
        }

        /// `Actions`: names, or `{"ActionName": …, "Comments": "…" | […]}` objects.
        func actions() throws -> [Action] {
            try array("Actions").enumerated().map { index, element in
                if let name = element.stringValue, !name.isEmpty {
                    guard FieldLimits.fits(name, FieldLimits.limit(for: "Actions")) else {
                        throw error("Actions[\(index)] is longer than \(FieldLimits.limit(for: "Actions")) characters")
                    }
                    return Action(name: name, comments: [])
                }
                let reader = try Reader(element, path: "\(path).Actions[\(index)]", source: source)
                guard let name = try reader.string("ActionName"), !name.isEmpty else { throw reader.error("ActionName is required") }
                var comments: [String] = []
                if let value = reader.value("Comments"), value != .null {
                    if let text = value.stringValue {
                        guard FieldLimits.fits(text, FieldLimits.limit(for: "Comments")) else {
                            throw reader.error("Comments is longer than \(FieldLimits.limit(for: "Comments")) characters")
                        }
                        comments = [text]
                    } else {
                        comments = try reader.strings("Comments") ?? []
                    }
                }
                try reader.finish(["ActionName", "Comments"])
                return Action(name: name, comments: comments)
            }
        }

        /// Refuses member names outside `known` (compared without case).
        func finish(_ known: [String]) throws {
            let lowered = Set(known.map { $0.lowercased() })
            if let unknown = members.first(where: { !lowered.contains($0.0.lowercased()) }) {
                throw error("unknown key \"\(unknown.0)\" (known: \(known.joined(separator: ", ")))")
            }
        }
    }
}
