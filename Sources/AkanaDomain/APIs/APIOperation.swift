/// One operation of an API version (`api_operations`), as its description document declares it:
/// an OpenAPI 3 / Swagger 2 path and method, or a WSDL operation.
public struct APIOperation: Sendable, Equatable {
    /// The operationId (or WSDL operation name), else "<METHOD> <path>"; unique within the version.
    public var name: String
    /// HTTP method in capitals; empty for a WSDL operation.
    public var method: String
    /// The path template as the document gives it; empty for a WSDL operation.
    public var path: String
    public var description: String

    public init(name: String, method: String, path: String, description: String) {
        self.name = name
        self.method = method
        self.path = path
        self.description = description
    }
}

/// What `GET /api/apis/versions/{APIVersionID}/definition/{Specification}` is made from.
public struct APIDefinitionSource: Sendable {
    public var version: APIVersion
    public var apiName: String
    /// The stored description document, read; nil for a version made without one.
    public var document: DescriptorDocument?
    /// The stored document's bytes, as uploaded.
    public var content: [UInt8]?
    public var operations: [APIOperation]
}
