import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

@Suite struct SnapshotAndResetTests {
    let app: TestApp
    let admin: TestApp.Session
    init() throws {
        app = try TestApp()
        admin = try app.login()
    }

    func createApp(_ name: String) throws -> String {
        try app.send(
            .post, "/api/apps",
            headers: [
                "Cookie": admin.cookieHeader, "X-Csrf-Token_acmepaymentscorp": admin.csrf,
                "Content-Type": "application/json", "Accept": "text/plain"
            ], body: #"{"Name":"\#(name)"}"#
        ).text
    }

    func appCount() throws -> Int {
        try app.pool.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM apps")?.int("n") ?? -1 }
    }

    @Test func snapshotChangeRestoreSeesTheOldState() throws {
        let kept = try createApp("Kept")
        let taken = try app.send(
            .post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"before-test"}"#)
        #expect(taken.status == .created)
        #expect(try taken.json()["sizeBytes"]?.intValue ?? 0 > 0)
        let extra = try createApp("Extra")
        #expect(
            try app.send(.delete, "/api/apps/\(kept)", headers: ["Cookie": admin.cookieHeader, "X-Csrf-Token_acmepaymentscorp": admin.csrf])
                .status == .ok)
        #expect(try appCount() == 1)

        let restored = try app.send(.post, "/_emulator/snapshots/before-test/restore")
        #expect(restored.status == .ok)
        #expect(try appCount() == 1)
        #expect(try app.send(.get, "/api/apps/\(kept)", headers: ["Cookie": admin.cookieHeader]).status == .ok)
        #expect(try app.send(.get, "/api/apps/\(extra)", headers: ["Cookie": admin.cookieHeader]).status == .notFound)
        // The request journal is not rewound: the requests made after the snapshot are still there,
        // with the restore itself.
        let journal = try app.send(.get, "/_emulator/requests?limit=5").json()["Request"]?.arrayValue ?? []
        #expect(
            journal.prefix(5).map { "\($0["method"]?.stringValue ?? "") \($0["path"]?.stringValue ?? "")" } == [
                "GET /api/apps/\(extra)", "GET /api/apps/\(kept)", "POST /_emulator/snapshots/before-test/restore",
                "DELETE /api/apps/\(kept)", "POST /api/apps"
            ])
        // The session taken before the snapshot still works; the list shows the snapshot.
        let list = try app.send(.get, "/_emulator/snapshots").json()
        #expect(list["Snapshot"]?.arrayValue?.first?["name"] == .string("before-test"))
        #expect(try app.send(.delete, "/_emulator/snapshots/before-test").status == .noContent)
        #expect(try app.send(.post, "/_emulator/snapshots/before-test/restore").status == .notFound)
    }

    @Test func sessionsTakenBeforeARestoreFollowTheRestoredState() throws {
        _ = try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"no-jane"}"#)
        let jane = try app.login(TestApp.jane)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": jane.cookieHeader]).status == .ok)
        _ = try app.send(.post, "/_emulator/snapshots/no-jane/restore")
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": jane.cookieHeader]).status == .unauthorized)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .ok)
    }

    @Test func badSnapshotRequests() throws {
        #expect(
            try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"../escape"}"#)
                .status == .badRequest)
        #expect(
            try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{}"#).status == .badRequest)
        _ = try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"twice"}"#)
        #expect(
            try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"twice"}"#).status
                == .conflict)
    }

    @Test func resetGoesBackToTheConfiguredUsers() throws {
        _ = try createApp("Gone")
        _ = try app.send(.post, "/_emulator/objects", headers: ["Content-Type": "application/json"], body: #"{"ObjectType":"ticket"}"#)
        let reset = try app.send(.post, "/_emulator/reset")
        #expect(reset.status == .ok)
        #expect(try appCount() == 0)
        #expect(try app.pool.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM workflow_objects")?.int("n") } == 0)
        // Sessions are gone, the configured users log in again with their passwords.
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .unauthorized)
        _ = try app.login()
        _ = try app.login(TestApp.jane)
        // The shipped workflows are back.
        #expect(
            try app.send(.post, "/_emulator/objects", headers: ["Content-Type": "application/json"], body: #"{"ObjectType":"discussion"}"#)
                .status == .created)
        #expect(try app.send(.post, "/_emulator/tenants/nowhere/reset").status == .notFound)
        #expect(try app.send(.post, "/_emulator/tenants/acmepaymentscorp/reset").status == .ok)
    }

    // A seeded user a reset creates again (its hash was not kept) is hashed with the configured
    // hasher (1,000 iterations in the tests), not PlatformReset's old default of 600,000.
    @Test func resetHashesReseededUsersWithTheConfiguredHasher() throws {
        try app.pool.write { db in try db.run("DELETE FROM users WHERE email = ?", TestApp.jane) }
        #expect(try app.send(.post, "/_emulator/reset").status == .ok)
        let hash = try app.pool.read { db in
            try db.queryFirst("SELECT password_hash FROM users WHERE email = ?", TestApp.jane)?.string("password_hash")
        }
        #expect(hash?.hasPrefix("pbkdf2-sha256$1000$") == true, "\(hash ?? "no user")")
        _ = try app.login(TestApp.jane)
    }
}
