import AkanaDomain
import Dispatch
import DispatchHTTP
import SQLiteStore

/// The emulator's own namespace, `/_emulator/…`, which never collides with Akana paths.
enum EmulatorAdminRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        // GET /_emulator/health: liveness plus the schema the database is at, read through a
        // reader connection so a wedged database shows up here.
        router.add(.get, "/_emulator/health") { request in
            let choice = try request.negotiate([.json, .xml])
            let applied = try environment.database.read { db in
                try db.queryFirst("SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1")?.string("name")
            }
            let uptime = Double(DispatchTime.now().uptimeNanoseconds &- environment.startedAt) / 1e9
            let body: JSONValue = .object([
                ("status", .string("ok")),
                ("version", .string(EmulatorVersion.current)),
                ("schemaVersion", applied.map(JSONValue.string) ?? .null),
                ("uptimeSeconds", .number((uptime * 1000).rounded() / 1000)),
                ("now", .string(Timestamp.iso8601(environment.clock.now()))),
            ])
            return Responses.representation(body, root: "health", choice: choice)
        }
    }
}
