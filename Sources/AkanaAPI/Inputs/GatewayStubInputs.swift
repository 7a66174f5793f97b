import AkanaDomain
import JSONCodec

extension GatewayStubInput {
    /// The members `PUT /_emulator/gateway/responses` reads.
    static let members = ["APIVersionID", "Operation", "Method", "Path", "Status", "Headers", "Body", "DelayMillis"]

    /// `{APIVersionID, Operation, Method, Path, Status, Headers {name: value}, Body, DelayMillis}`:
    /// APIVersionID required; Status 200 by default; Body a string (sent as it is) or any other JSON
    /// value (sent as JSON, with `Content-Type: application/json` unless Headers names one). An
    /// unknown member, or one of the wrong type, is a 400.
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "GatewayResponse")
        if case .object(let given) = body {
            for (name, _) in given where !Self.members.contains(where: { $0.lowercased() == name.lowercased() }) {
                throw DomainError.badRequest(
                    "GatewayResponse has no member \(String(name.prefix(64))); it reads \(Self.members.joined(separator: ", ")).")
            }
        }
        var headers: [(name: String, value: String)] = []
        if let value = reader.value("Headers") {
            guard case .object(let members) = value, members.allSatisfy({ $0.1.stringValue != nil }) else {
                throw DomainError.badRequest("GatewayResponse.Headers must be an object of strings, not \(value.typeName).")
            }
            headers = members.map { ($0.0, $0.1.stringValue ?? "") }
        }
        var bytes: [UInt8] = []
        switch reader.value("Body") {
        case nil: break
        case .string(let text)?: bytes = Array(text.utf8)
        case let value?:
            bytes = JSONWriter.bytes(value)
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.append(("Content-Type", "application/json")) }
        }
        self.init(
            apiVersionID: try reader.string("APIVersionID"), operation: try reader.string("Operation"), method: try reader.string("Method"),
            path: try reader.string("Path"), status: try Self.integer(reader, "Status"), headers: headers, body: bytes,
            delayMillis: try Self.integer(reader, "DelayMillis"))
    }

    private static func integer(_ reader: BodyReader, _ key: String) throws -> Int? {
        guard let value = reader.value(key) else { return nil }
        guard case .integer(let number) = value, let integer = Int(exactly: number) else {
            throw DomainError.badRequest("GatewayResponse.\(key) must be a whole number, not \(value.typeName).")
        }
        return integer
    }
}
