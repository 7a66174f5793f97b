import AkanaDomain
import DispatchHTTP
import JSONCodec

/// `POST`/`GET /_emulator/instances`, `DELETE /_emulator/instances/{id}`: isolated emulators inside
/// the running daemon, each on its own loopback port with its own database (see
/// docs/testing-with-the-emulator.md). Only the daemon's main listener has them.
enum EmulatorInstanceRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let reference = environment.instances
        @Sendable func directory() throws -> any EmulatorInstanceDirectory {
            guard let directory = reference.directory else {
                throw APIError.notFound("Instances are created through the daemon's main listener, not inside an instance.")
            }
            return directory
        }
        router.add(.post, "/_emulator/instances", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let created = try directory().create()
            return Responses.representation(json(created), root: "Instance", choice: choice, status: .created)
        }
        router.add(.get, "/_emulator/instances", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let listed = try directory().list().map(json)
            return Responses.representation(.object([("Instance", .array(listed))]), root: "Instances", choice: choice)
        }
        router.add(.delete, "/_emulator/instances/{id}") { request in
            let id = try request.parameter("id")
            guard try directory().remove(id) else { throw APIError.notFound("Instance \(id) was not found.") }
            return HTTPResponse(status: .noContent)
        }
    }

    static func json(_ instance: EmulatorInstanceInfo) -> JSONValue {
        .object([
            ("id", .string(instance.id)), ("url", .string(instance.url)), ("created", .string(instance.created)),
            ("lastUsed", .string(instance.lastUsed)), ("database", .string(instance.database))
        ])
    }
}
