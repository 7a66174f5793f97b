/// An API (`apis`), with its admins and the version it shows by default (the newest).
public struct API: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var name: String
    public var description: String
    public var visibility: String
    public var adminGroupID: String
    public var created: String
    public var updated: String
    public var latestVersionID: String?
}

/// One implementation of an API version: `Sandbox` or `Live` (the contract environments Sandbox and
/// Production), with its target endpoints.
public struct APIImplementation: Sendable, Equatable {
    public static let codes = ["Sandbox", "Live"]

    public var code: String
    public var description: String
    public var createMechanism: String
    public var endpointAccessAutoApproved: Bool
    public var endpoints: [String]
    /// The implementation pattern (`com.akana.pattern.proxy` …); by default its create mechanism's.
    public var pattern: String
    /// AnonymousAccessAllowed (help `apis/m_apis_updateAPIImplementationInfo.htm`).
    public var anonymousAccessAllowed: Bool

    public init(
        code: String, description: String, createMechanism: String, endpointAccessAutoApproved: Bool, endpoints: [String],
        pattern: String? = nil, anonymousAccessAllowed: Bool = false
    ) {
        self.code = code
        self.description = description
        self.createMechanism = createMechanism
        self.endpointAccessAutoApproved = endpointAccessAutoApproved
        self.endpoints = endpoints
        self.pattern = pattern ?? Self.pattern(forMechanism: createMechanism)
        self.anonymousAccessAllowed = anonymousAccessAllowed
    }

    /// The pattern an implementation created with `mechanism` follows: `com.akana.pattern.<mechanism>`
    /// (help `obj/o_apis_APIImplementation.htm`: `com.akana.pattern.proxy`).
    public static func pattern(forMechanism mechanism: String) -> String { "com.akana.pattern.\(mechanism.lowercased())" }

    /// The contract environment this implementation serves.
    public var environment: String { code == "Live" ? "Production" : "Sandbox" }

    public static func code(forEnvironment environment: String) -> String { environment == "Production" ? "Live" : "Sandbox" }
}

/// An API version (`api_versions`).
public struct APIVersion: Sendable, Equatable {
    public var id: String
    public var apiID: String
    public var tenant: String
    public var name: String
    public var description: String
    public var visibility: String
    /// The stored state, or the workflow status where an apiversion workflow governs the version.
    public var state: String
    public var descriptorFileID: Int64?
    public var created: String
    public var updated: String
    public var tags: [String]
    public var implementations: [APIImplementation]

    /// The state of a version no API-version workflow governs.
    public static let ungovernedState = "Active"

    public func implementation(forEnvironment environment: String) -> APIImplementation? {
        implementations.first { $0.code == APIImplementation.code(forEnvironment: environment) }
    }
}

/// A file uploaded to the dropbox.
public struct DropboxFile: Sendable, Equatable {
    public var id: Int64
    public var tenant: String
    public var fileName: String
    public var fileType: String
    public var content: [UInt8]
    /// The service names the document declares (`DescriptorServiceNames`), set where it is uploaded.
    public var serviceNames: [String] = []

    /// The document type of an uploaded API description, from its content (then its name).
    public static func documentType(fileName: String, content: [UInt8]) -> String {
        let head = String(decoding: content.prefix(4096), as: UTF8.self)
        if head.contains("\"openapi\"") || head.contains("openapi:") { return "OpenAPI" }
        if head.contains("\"swagger\"") || head.contains("swagger:") { return "Swagger" }
        if head.contains("#%RAML") { return "RAML" }
        if head.contains("definitions") && head.contains("wsdl") { return "WSDL" }
        if head.contains("<application") && head.contains("wadl") { return "WADL" }
        let lower = fileName.lowercased()
        if lower.hasSuffix(".wsdl") { return "WSDL" }
        if lower.hasSuffix(".wadl") { return "WADL" }
        if lower.hasSuffix(".raml") { return "RAML" }
        if lower.hasSuffix(".zip") { return "ZIP" }
        return "Unknown"
    }
}
