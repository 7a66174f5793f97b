import AkanaDomain
import DispatchHTTP

/// `GET /_emulator/metrics`: Prometheus's text exposition format (version 0.0.4).
enum EmulatorMetricsRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        router.add(.get, "/_emulator/metrics") { request in
            let live = try environment.admin.liveSessionCount(scope: request.scope)
            let body = environment.metrics.render(liveSessions: live, journalDropped: environment.journal.droppedEntries)
            return HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: body)
        }
    }
}
