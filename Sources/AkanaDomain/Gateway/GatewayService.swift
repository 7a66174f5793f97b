import Foundation
import JSONCodec
import SQLiteStore

/// The emulated gateway's decisions (issue 28 part 1): whether a call to an access point gets
/// through — the access point's implementation, the calling app version from its Atmosphere
/// credentials, its activated contract — and what answers it (a stub, the implementation's target,
/// the descriptor's example); the transactions it records; the stubs tests set.
///
/// Each call is one read transaction (`admit`) and one short write (`record`): a call never waits
/// for anything but the database, and a recorded transaction is committed before it is answered.
public final class GatewayService: Sendable {
    private let database: DatabasePool
    private let clock: EmulatorClock
    private let ids: IDGenerator

    public init(database: DatabasePool, clock: EmulatorClock, ids: IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    /// A call to an access point: `/<tenant>/<ImplementationCode>/<APIVersionID><path>`.
    public struct Call: Sendable {
        public var tenant: String
        public var implementationCode: String
        public var apiVersionID: String
        public var method: String
        /// The path below the access point, decoded (`/pets/1`, `/` for none).
        public var path: String
        /// The `Authorization` header, if any.
        public var authorization: String?
        /// What a signature covers (method, URL as called, query).
        public var signed: AtmosphereSignature.Request

        public init(
            tenant: String, implementationCode: String, apiVersionID: String, method: String, path: String, authorization: String?,
            signed: AtmosphereSignature.Request
        ) {
            self.tenant = tenant
            self.implementationCode = implementationCode
            self.apiVersionID = apiVersionID
            self.method = method
            self.path = path
            self.authorization = authorization
            self.signed = signed
        }
    }

    /// What the gateway decided about a call to an existing access point.
    public struct Admission: Sendable {
        public var tenant: String
        public var apiID: String
        public var apiVersionID: String
        /// The implementation code as stored (`Sandbox`, `Live`) and its environment (`Sandbox`, `Production`).
        public var implementationCode: String
        public var environment: String
        /// The calling app and app version (empty when the call carried no credentials), the
        /// contract that let it through (empty when none did).
        public var appID = ""
        public var appVersionID = ""
        public var contractID = ""
        /// The operation the call matched (empty for none).
        public var operation = ""
        /// Set when the call is refused: 401 (credentials), 403 (no activated contract).
        public var refusal: (status: Int, message: String)?
        /// When admitted, what answers: the newest matching stub, else the implementation's target on
        /// this machine, else the descriptor's example for the operation, else (all nil) an echo.
        public var stub: GatewayStub?
        public var target: GatewayTarget?
        public var example: GatewayExample?
    }

    /// Decides a call, in one read transaction. nil when there is no such access point (no API
    /// version with that id in that tenant, or no implementation with that code).
    public func admit(_ call: Call, scope: TransactionScope) throws -> Admission? {
        guard let code = APIImplementation.codes.first(where: { $0.lowercased() == call.implementationCode.lowercased() }) else {
            return nil
        }
        return try database.read(in: scope) { db -> Admission? in
            guard let implementation = try GatewayRepository.implementation(db, versionID: call.apiVersionID, code: code),
                implementation.tenant == call.tenant
            else { return nil }
            let environment = code == "Live" ? "Production" : "Sandbox"
            var admission = Admission(
                tenant: implementation.tenant, apiID: implementation.apiID, apiVersionID: call.apiVersionID, implementationCode: code,
                environment: environment)
            let operations = try APIRepository.operations(db, apiVersionID: call.apiVersionID)
            let matched = GatewayOperationMatch.operation(in: operations, method: call.method, path: call.path)
            admission.operation = matched?.name ?? ""
            if let refusal = try identify(db, call, implementation: implementation, into: &admission) {
                admission.refusal = refusal
                return admission
            }
            admission.stub = try GatewayRepository.stubs(db, apiVersionID: call.apiVersionID).first {
                $0.matches(method: call.method, path: call.path, operation: admission.operation)
            }
            guard admission.stub == nil else { return admission }
            admission.target = implementation.targets.lazy.compactMap(GatewayTarget.init(loopback:)).first
            guard admission.target == nil, let matched, let fileID = implementation.descriptorFileID,
                let file = try APIRepository.dropboxFile(db, id: fileID),
                let document = try? DescriptorDocument.read(fileType: file.fileType, content: file.content), let tree = document.tree
            else { return admission }
            admission.example = GatewayExample.example(in: tree, for: matched)
            return admission
        }
    }

    /// The app version from the call's credentials and its contract; a refusal when they do not
    /// let the call through.
    private func identify(
        _ db: SQLiteConnection, _ call: Call, implementation: GatewayRepository.Implementation, into admission: inout Admission
    ) throws -> (Int, String)? {
        guard let header = call.authorization, AtmosphereCredentials.isAtmosphere(header) else {
            if implementation.anonymousAccessAllowed { return nil }
            return (
                401,
                "The call carries no app credentials: send 'Authorization: Atmosphere atmosphere_app_id=\"<the app version's Identity>\"'."
            )
        }
        let credentials: AtmosphereCredentials
        do {
            credentials = try AtmosphereCredentials.parse(header)
        } catch {
            return (401, error.message)
        }
        guard let app = try GatewayRepository.appVersion(db, tenant: implementation.tenant, identity: credentials.appID) else {
            return (401, "No app version has the Identity \(AtmosphereCredentials.shown(credentials.appID)).")
        }
        admission.appID = app.appID
        admission.appVersionID = app.id
        if let failure = AtmosphereSignature.failure(credentials, secret: app.sharedSecret, request: call.signed) {
            return (401, failure)
        }
        let contracts = try GatewayRepository.contracts(
            db, runtimeID: app.id, apiVersionID: call.apiVersionID, environment: admission.environment)
        if let active = contracts.first(where: { $0.status == Contract.activated }) {
            admission.contractID = active.id
            return nil
        }
        if implementation.anonymousAccessAllowed { return nil }
        guard let latest = contracts.first else {
            return (403, "App version \(app.id) has no contract with API version \(call.apiVersionID) in \(admission.environment).")
        }
        let state = latest.status.isEmpty ? "not started" : latest.status
        return (403, "The contract \(latest.id) of app version \(app.id) with API version \(call.apiVersionID) is \(state), not activated.")
    }

    /// Records one call through the gateway, in its own short write transaction (`.background`:
    /// the call has been decided and must be recorded even past a deadline).
    @discardableResult
    public func record(_ transaction: GatewayTransaction) throws -> Int64 {
        try database.write(in: .background) { db in try TrafficRepository.record(db, transaction) }
    }

    /// The emulator clock's now, as a transaction's `time` and `time_ms`.
    public func now() -> (text: String, millis: Int64) {
        let date = clock.now()
        return (Timestamp.iso8601(date), Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public func transactionID() -> String { ids.uuid() }

    // MARK: - Stubs

    /// Sets a stub; one with the same API version, operation, method and path is replaced. 404
    /// when the API version does not exist in `tenant`; 400 for a bad member.
    public func setStub(_ input: GatewayStubInput, tenant: String, scope: TransactionScope) throws -> GatewayStub {
        guard let apiVersionID = input.apiVersionID, !apiVersionID.isEmpty else {
            throw DomainError.badRequest("GatewayResponse.APIVersionID is required.")
        }
        let status = input.status ?? 200
        guard (100...599).contains(status) else { throw DomainError.badRequest("GatewayResponse.Status must be from 100 to 599.") }
        let delay = input.delayMillis ?? 0
        guard (0...GatewayStubInput.maxDelayMillis).contains(delay) else {
            throw DomainError.badRequest("GatewayResponse.DelayMillis must be from 0 to \(GatewayStubInput.maxDelayMillis).")
        }
        let method = (input.method ?? "").uppercased()
        guard method.allSatisfy({ $0.isASCII && $0.isLetter }), method.count <= 20 else {
            throw DomainError.badRequest("GatewayResponse.Method must be an HTTP method such as GET.")
        }
        let path = input.path ?? ""
        guard path.isEmpty || path.hasPrefix("/") else {
            throw DomainError.badRequest("GatewayResponse.Path must start with / (the path below the access point).")
        }
        guard input.headers.count <= GatewayStubInput.maxHeaders else {
            throw DomainError.badRequest("GatewayResponse.Headers has more than \(GatewayStubInput.maxHeaders) members.")
        }
        for header in input.headers {
            guard GatewayStubInput.isHeaderName(header.name), GatewayStubInput.isHeaderValue(header.value) else {
                throw DomainError.badRequest("GatewayResponse.Headers has a name or value that cannot be sent in an HTTP header.")
            }
        }
        guard input.body.count <= GatewayStubInput.maxBodyBytes else {
            throw DomainError.badRequest("GatewayResponse.Body is larger than \(GatewayStubInput.maxBodyBytes) bytes.")
        }
        let operation = try FieldLimits.check(input.operation ?? "", field: "GatewayResponse.Operation")
        _ = try FieldLimits.check(path, field: "GatewayResponse.Path")
        return try database.write(in: scope) { db in
            guard let owner = try APIRepository.version(db, id: apiVersionID), owner.tenant == tenant else {
                throw DomainError.notFound("API version \(apiVersionID) was not found.")
            }
            if !operation.isEmpty, try !APIRepository.hasOperation(db, apiVersionID: apiVersionID, name: operation) {
                throw DomainError.badRequest("API version \(apiVersionID) has no operation named \(operation).")
            }
            for old in try GatewayRepository.stubs(db, apiVersionID: apiVersionID)
            where old.operation == operation && old.method == method && old.path == path {
                _ = try GatewayRepository.deleteStub(db, id: old.id)
            }
            let stub = GatewayStub(
                id: ids.uuid(), tenant: tenant, apiVersionID: apiVersionID, operation: operation, method: method, path: path,
                status: status, headers: input.headers, body: input.body, delayMillis: delay,
                created: Timestamp.iso8601Milliseconds(clock.now()))
            try GatewayRepository.insertStub(db, stub)
            return stub
        }
    }

    /// The tenant's stubs (of one API version when given), oldest first.
    public func stubs(tenant: String, apiVersionID: String?, scope: TransactionScope) throws -> [GatewayStub] {
        try database.read(in: scope) { db in
            if let apiVersionID {
                return try GatewayRepository.stubs(db, apiVersionID: apiVersionID).filter { $0.tenant == tenant }.reversed()
            }
            return try GatewayRepository.stubs(db, tenant: tenant)
        }
    }

    /// Removes the tenant's stubs: one (`id`), an API version's, or all; how many.
    public func removeStubs(tenant: String, apiVersionID: String?, id: String?, scope: TransactionScope) throws -> Int {
        try database.write(in: scope) { db in
            let candidates =
                try apiVersionID.map { try GatewayRepository.stubs(db, apiVersionID: $0) } ?? GatewayRepository.stubs(db, tenant: tenant)
            var removed = 0
            for stub in candidates where stub.tenant == tenant && (id == nil || stub.id == id) {
                if try GatewayRepository.deleteStub(db, id: stub.id) { removed += 1 }
            }
            return removed
        }
    }
}

extension GatewayStubInput {
    /// RFC 9110 token characters, 1 to 100 of them.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100 && name.utf8.allSatisfy(AtmosphereCredentials.isTokenByte)
    }

    /// Visible ASCII, spaces and tabs (no CR or LF), at most 4096 bytes.
    static func isHeaderValue(_ value: String) -> Bool {
        value.utf8.count <= 4096 && value.utf8.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) }
    }
}

/// An implementation's target that the gateway forwards to: an `http://` URL whose host is this
/// machine (a loopback address or `localhost`). Anything else is not called: the emulator does not
/// reach out to other machines.
public struct GatewayTarget: Sendable, Equatable {
    /// A numeric address (`127.0.0.1`, `::1`).
    public var host: String
    public var port: Int
    /// The URL's path without a trailing slash (`""` for none): the call's path is appended to it.
    public var basePath: String
    public var url: String

    public init?(loopback url: String) {
        guard url.count <= 2048, url.lowercased().hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let path = rest.dropFirst(authority.count).prefix { $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return nil }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        let port: Int
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { return nil }
            port = number
        } else {
            port = 80
        }
        switch host.lowercased() {
        case "localhost": self.host = "127.0.0.1"
        case "::1": self.host = "::1"
        default:
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets[0] == "127", octets.allSatisfy({ UInt8($0) != nil }) else { return nil }
            self.host = String(host)
        }
        self.port = port
        self.basePath = path.hasSuffix("/") ? String(path.dropLast()) : String(path)
        self.url = url
    }
}

/// Which of an API version's operations a call matches: same method, and a path whose segments
/// equal the template's (`{name}` matches any one segment).
public enum GatewayOperationMatch {
    public static func operation(in operations: [APIOperation], method: String, path: String) -> APIOperation? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return operations.first { operation in
            guard operation.method == method else { return false }
            let template = operation.path.split(separator: "/", omittingEmptySubsequences: true)
            guard template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { part, segment in
                (part.hasPrefix("{") && part.hasSuffix("}")) || part == segment
            }
        }
    }
}

/// The example a description document gives for an operation's first success response: OpenAPI
/// 3's `responses.<2xx>.content.<media type>.example` (or the first of its `examples`), Swagger 2's
/// `responses.<2xx>.examples.<media type>`. JSON media types are answered as JSON; a string example
/// of another type as that text.
public struct GatewayExample: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public static func example(in tree: JSONValue, for operation: APIOperation) -> GatewayExample? {
        guard case .object(let responses)? = tree["paths"]?[operation.path]?[operation.method.lowercased()]?["responses"] else {
            return nil
        }
        let successes = responses.compactMap { code, response -> (Int, JSONValue)? in
            guard let status = Int(code), (200...299).contains(status) else { return nil }
            return (status, response)
        }
        for (status, response) in successes.sorted(by: { $0.0 < $1.0 }) {
            var candidates: [(String, JSONValue)] = []
            if case .object(let media)? = response["content"] {
                for (type, entry) in media {
                    if let example = entry["example"] {
                        candidates.append((type, example))
                    } else if case .object(let examples)? = entry["examples"], let first = examples.first?.1["value"] {
                        candidates.append((type, first))
                    }
                }
            }
            if case .object(let examples)? = response["examples"] {
                candidates += examples
            }
            let chosen = candidates.first { $0.0.lowercased().contains("json") } ?? candidates.first
            guard let (type, value) = chosen else { continue }
            if !type.lowercased().contains("json"), case .string(let text) = value {
                return GatewayExample(status: status, contentType: type, body: Array(text.utf8))
            }
            return GatewayExample(
                status: status, contentType: type.lowercased().contains("json") ? type : "application/json", body: JSONWriter.bytes(value))
        }
        return nil
    }
}
