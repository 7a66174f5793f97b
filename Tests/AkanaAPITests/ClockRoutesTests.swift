import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Testing

@testable import AkanaAPI

@Suite struct ClockRoutesTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    @Test func advancingTheClockExpiresSessions() throws {
        app.clock.mode = .realtime
        let session = try app.login()
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .ok)
        let advanced = try app.send(
            .post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: #"{"advanceSeconds": 1860}"#)
        #expect(advanced.status == .ok)
        #expect(try advanced.json()["mode"] == .string("offset"))
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .unauthorized)
        // Persisted, so a restart would read it back.
        #expect(try ClockStore.load(app.pool, scope: .detached) == .offset(1860))
    }

    @Test func freezeAndReturnToRealtime() throws {
        let frozen = try app.send(
            .post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: #"{"frozenAt": "2030-05-01T12:00:00Z"}"#)
        #expect(try frozen.json()["now"] == .string("2030-05-01T12:00:00Z"))
        #expect(try frozen.json()["mode"] == .string("frozen"))
        _ = try app.send(.post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: #"{"advanceSeconds": 60}"#)
        #expect(try app.send(.get, "/_emulator/clock").json()["now"] == .string("2030-05-01T12:01:00Z"))
        // New objects carry the virtual time.
        let session = try app.login()
        let created = try app.send(
            .post, "/api/apps",
            headers: [
                "Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": session.csrf,
                "Content-Type": "application/json", "Accept": "application/json"
            ], body: #"{"Name":"T"}"#)
        #expect(try created.json()["Created"] == .string("2030-05-01T12:01:00Z"))
        let back = try app.send(.post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: #"{"realtime": true}"#)
        #expect(try back.json()["mode"] == .string("realtime"))
        #expect(try ClockStore.load(app.pool, scope: .detached) == .realtime)
    }

    // Two instructions at once are refused too (schemathesis found the second one accepted, the advance done and the rest ignored).
    @Test(arguments: [
        #"{}"#, #"{"advanceSeconds": "soon"}"#, #"{"frozenAt": "tomorrow"}"#, #"{"realtime": false}"#,
        #"{"advanceSeconds": 60, "realtime": true}"#,
        #"{"advanceSeconds": 1860, "frozenAt": "2030-01-01T00:00:00Z", "realtime": -58800}"#
    ])
    func badClockRequestsChangeNothing(body: String) throws {
        let before = app.clock.mode
        #expect(try app.send(.post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: body).status == .badRequest)
        #expect(app.clock.mode == before)
    }
}
