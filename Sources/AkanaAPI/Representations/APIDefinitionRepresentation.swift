import AkanaDomain
import Foundation
import JSONCodec

/// The definitions `GET /api/apis/versions/{APIVersionID}/definition/{Specification}` answers
/// (docs.akana.com `cm/api/apis/m_apis_getAPIDocument.htm`): the version's description document as
/// stored, with the endpoints of the chosen implementation as its servers (Swagger 2: `host`,
/// `basePath`, `schemes` from the first endpoint; OpenAPI 3: `servers[].url`, one per endpoint); a
/// version made without a document gets a document generated from its name and its operations.
/// The emulator converts nothing between formats: a Swagger 2 document is not answered as OpenAPI
/// 3 nor the other way round (the platform converts; the route answers a 400 that names the spec
/// that works).
enum APIDefinitionRepresentation {
    /// The implementation whose endpoints are the servers: the one of `environment` (`Production`
    /// → Live, `Sandbox`) when given, else Live when the version has it, else its first one.
    static func endpoints(_ version: APIVersion, environment: String?) -> [String] {
        if let environment { return version.implementation(forEnvironment: environment)?.endpoints ?? [] }
        return (version.implementations.first { $0.code == "Live" } ?? version.implementations.first)?.endpoints ?? []
    }

    /// A Swagger 2.0 document: the stored one with `host`, `basePath` and `schemes` replaced from the
    /// first endpoint (kept as uploaded when the implementation has none), or one generated.
    static func swagger(_ source: APIDefinitionSource, endpoints: [String]) -> JSONValue {
        var document = source.document?.tree ?? generated(source, openAPI: false)
        if let url = endpoints.first.flatMap(URLComponents.init(string:)), let host = url.host, let scheme = url.scheme {
            let authority = url.port.map { "\(host):\($0)" } ?? host
            document = replacing(
                document,
                [
                    ("host", .string(authority)),
                    ("basePath", .string(url.path.isEmpty ? "/" : url.path)),
                    ("schemes", .array([.string(scheme)]))
                ])
        }
        return document
    }

    /// An OpenAPI 3 document: the stored one with `servers` replaced by the endpoints (kept as
    /// uploaded when the implementation has none), or one generated.
    static func openAPI(_ source: APIDefinitionSource, endpoints: [String]) -> JSONValue {
        let document = source.document?.tree ?? generated(source, openAPI: true)
        guard !endpoints.isEmpty else { return document }
        return replacing(document, [("servers", .array(endpoints.map { .object([("url", .string($0))]) }))])
    }

    /// `document` with each member replaced where it is, or added after `info` (in the given order).
    static func replacing(_ document: JSONValue, _ replacements: [(String, JSONValue)]) -> JSONValue {
        guard case .object(var members) = document else { return document }
        var insertAt = (members.firstIndex { $0.0 == "info" } ?? (members.count - 1)) + 1
        for (key, value) in replacements {
            if let index = members.firstIndex(where: { $0.0 == key }) {
                members[index].1 = value
            } else {
                members.insert((key, value), at: min(insertAt, members.count))
                insertAt += 1
            }
        }
        return .object(members)
    }

    /// The document of a version made without one: its API's name, description and version name,
    /// and a path item per REST operation (none unless operations were copied from a clone).
    static func generated(_ source: APIDefinitionSource, openAPI: Bool) -> JSONValue {
        var info: [(String, JSONValue)] = [("title", .string(source.apiName))]
        if !source.version.description.isEmpty { info.append(("description", .string(source.version.description))) }
        info.append(("version", .string(source.version.name)))
        var paths: [(String, [(String, JSONValue)])] = []
        for operation in source.operations where !operation.method.isEmpty && !operation.path.isEmpty {
            var members: [(String, JSONValue)] = [("operationId", .string(operation.name))]
            if !operation.description.isEmpty { members.append(("description", .string(operation.description))) }
            members.append(("responses", .object([("default", .object([("description", .string("Response"))]))])))
            let entry = (operation.method.lowercased(), JSONValue.object(members))
            if let index = paths.firstIndex(where: { $0.0 == operation.path }) {
                paths[index].1.append(entry)
            } else {
                paths.append((operation.path, [entry]))
            }
        }
        return .object([
            openAPI ? ("openapi", .string("3.0.1")) : ("swagger", .string("2.0")),
            ("info", .object(info)),
            ("paths", .object(paths.map { ($0.0, JSONValue.object($0.1)) }))
        ])
    }
}
