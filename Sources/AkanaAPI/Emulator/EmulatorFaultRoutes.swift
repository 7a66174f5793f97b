import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import JSONCodec

/// `/_emulator/faults`: failures injected on purpose, applied after routing and before the handler
/// of any non-`/_emulator/` request (see `AkanaApplication.run`).
enum EmulatorFaultRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        // POST /_emulator/faults {"match": {"method", "path", "tenant"}, "respond": {...}, "times"|"probability"|"everyNth", "persist"}
        router.add(.post, "/_emulator/faults", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let listed = try environment.faults.add(try FaultRule.parse(try request.jsonObject()), scope: request.scope)
            return Responses.representation(json(listed), root: "Fault", choice: choice, status: .created)
        }

        // GET /_emulator/faults — every fault in force, in the order they are tried, with their counts.
        router.add(.get, "/_emulator/faults", produces: [.json, .xml]) { request in
            let choice = try request.choice
            return Responses.representation(.object([("Fault", .array(environment.faults.all.map(json)))]), root: "Faults", choice: choice)
        }

        // DELETE /_emulator/faults/{id} — one fault; DELETE /_emulator/faults — all of them.
        router.add(.delete, "/_emulator/faults/{id}") { request in
            let id = try request.parameter("id")
            guard try environment.faults.remove(id, scope: request.scope) else {
                throw APIError.notFound("Fault \(id) was not found.")
            }
            return HTTPResponse(status: .noContent)
        }
        router.add(.delete, "/_emulator/faults") { request in
            try environment.faults.remove(nil, scope: request.scope)
            return HTTPResponse(status: .noContent)
        }
    }

    /// A fault as listed: its id, the rule as given, and its counts.
    static func json(_ listed: FaultInjector.Listed) -> JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(listed.rule.id))]
        if case .object(let given) = listed.rule.source {
            members += given.filter { !["id", "matched", "hits", "created"].contains($0.0) }
        }
        members += [
            ("created", .string(listed.created)), ("matched", .integer(Int64(listed.matched))),
            ("hits", .integer(Int64(listed.hits)))
        ]
        return .object(members)
    }
}
