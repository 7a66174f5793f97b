import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// `GET /_emulator/checkpoints/{id}/diff` and `GET /_emulator/diff?since=`: what a test changed,
/// by object, from the undo log.
@Suite struct CheckpointDiffTests {
    let app: TestApp
    let admin: TestApp.Session
    init() throws {
        app = try TestApp(deterministicSeed: "diff")
        admin = try app.login()
    }

    func send(_ method: HTTPMethod, _ target: String, _ body: String = "", accept: String = "application/json") throws -> HTTPResponse {
        try app.send(method, target, headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": accept]), body: body)
    }

    func createApp(_ name: String) throws -> String {
        let response = try send(.post, "/api/apps", #"{"Name":"\#(name)"}"#, accept: "text/plain")
        #expect(response.status == .ok, "\(response.text)")
        return response.text
    }

    func checkpoint() throws -> String {
        let response = try app.send(.post, "/_emulator/checkpoints")
        #expect(response.status == .created)
        return try response.json()["id"]?.stringValue ?? ""
    }

    func diff(_ target: String) throws -> JSONValue {
        let response = try app.send(.get, target, headers: ["Accept": "application/json"])
        #expect(response.status == .ok, "\(response.text)")
        return try response.json()
    }

    /// The objects of one list as (type or table, id or rowid).
    func objects(_ diff: JSONValue, _ list: String) -> [String] {
        (diff[list]?.arrayValue ?? []).map { object in
            "\(object["type"]?.stringValue ?? object["table"]?.stringValue ?? "?") \(object["id"]?.stringValue ?? "")"
        }
    }

    func object(_ diff: JSONValue, _ list: String, type: String, id: String) -> JSONValue? {
        diff[list]?.arrayValue?.first { $0["type"]?.stringValue == type && $0["id"]?.stringValue == id }
    }

    @Test func listsWhatWasCreatedChangedAndDeletedByDomainNames() throws {
        let kept = try createApp("Kept")
        let doomed = try createApp("Doomed")
        let versionID = try send(.get, "/api/apps/\(kept)").json()["DefaultVersionID"]?.stringValue ?? ""
        let id = try checkpoint()

        let extra = try createApp("Extra")
        #expect(try send(.put, "/api/apps/versions/\(versionID)", #"{"Name":"2.0"}"#, accept: "*/*").status == .ok)
        #expect(try send(.delete, "/api/apps/\(doomed)", accept: "*/*").status == .ok)
        let ephemeral = try createApp("Ephemeral")
        #expect(try send(.delete, "/api/apps/\(ephemeral)", accept: "*/*").status == .ok)
        _ = try app.login(TestApp.jane)  // a session row: bookkeeping, not shown

        let found = try diff("/_emulator/checkpoints/\(id)/diff")
        #expect(found["since"]?.stringValue == id)
        #expect(found["truncated"] == .bool(false))

        let created = try #require(object(found, "created", type: "App", id: extra))
        #expect(created["table"]?.stringValue == "apps")
        #expect(created["fields"]?["AppID"]?.stringValue == extra)
        #expect(created["fields"]?["Name"]?.stringValue == "Extra")

        let renamed = try #require(object(found, "changed", type: "AppVersion", id: versionID))
        #expect(renamed["fields"]?["Name"]?["before"]?.stringValue == "1.0")
        #expect(renamed["fields"]?["Name"]?["after"]?.stringValue == "2.0")
        // Only the fields that differ.
        #expect(renamed["fields"]?["AppVersionID"] == nil)

        let deleted = try #require(object(found, "deleted", type: "App", id: doomed))
        #expect(deleted["fields"]?["Name"]?.stringValue == "Doomed")

        let everything = objects(found, "created") + objects(found, "changed") + objects(found, "deleted")
        #expect(!everything.contains { $0.hasSuffix(ephemeral) }, "created and deleted again: \(everything)")
        #expect(!everything.contains { $0.hasPrefix("sessions") || $0.hasPrefix("emulator_state") }, "\(everything)")
        #expect(!objects(found, "changed").contains("App \(kept)"), "Kept itself did not change")

        // The other spelling answers the same.
        #expect(try diff("/_emulator/diff?since=\(id)") == found)

        // The state browser shows the same, linked from the checkpoints list.
        let page = try app.send(.get, "/_emulator/ui/checkpoints/\(id)/diff", headers: ["Accept": "text/html"])
        #expect(page.status == .ok)
        #expect(page.text.contains("App \(extra)") && page.text.contains("Extra") && page.text.contains("Doomed"))
        #expect(try app.send(.get, "/_emulator/ui/snapshots").text.contains("/_emulator/ui/checkpoints/\(id)/diff"))

        // After a rollback there is nothing left to show.
        #expect(try app.send(.post, "/_emulator/checkpoints/\(id)/rollback").status == .ok)
        let after = try diff("/_emulator/diff?since=\(id)")
        #expect(after["created"]?.arrayValue?.isEmpty == true)
        #expect(after["changed"]?.arrayValue?.isEmpty == true)
        #expect(after["deleted"]?.arrayValue?.isEmpty == true)
    }

    @Test func hiddenFieldsAndTablesWithoutAVocabulary() throws {
        let id = try checkpoint()
        let response = try send(.post, "/api/users", UserRoutesTests.documentedBody)
        #expect(response.status == .ok, "\(response.text)")
        let found = try diff("/_emulator/checkpoints/\(id)/diff")
        let user = try #require(found["created"]?.arrayValue?.first { $0["type"]?.stringValue == "User" })
        #expect(user["fields"]?["Email"]?.stringValue == "jswift@acmepaymentscorp.com")
        #expect(user["fields"]?["PasswordHash"]?.stringValue == "(hidden)")
        // user_roles has no vocabulary entry: table, rowid and columns.
        if let role = found["created"]?.arrayValue?.first(where: { $0["table"]?.stringValue == "user_roles" }) {
            #expect(role["type"] == nil)
            #expect(role["fields"]?["user_id"] != nil)
        }
    }

    @Test func limitTruncatesAndBadInputIsRefused() throws {
        let id = try checkpoint()
        _ = try createApp("One")
        _ = try createApp("Two")
        let limited = try diff("/_emulator/checkpoints/\(id)/diff?limit=1")
        #expect(limited["truncated"] == .bool(true))
        #expect((limited["created"]?.arrayValue?.count ?? 0) + (limited["changed"]?.arrayValue?.count ?? 0) <= 1)

        #expect(try app.send(.get, "/_emulator/checkpoints/cp-nope/diff").status == .notFound)
        #expect(try app.send(.get, "/_emulator/diff").status == .badRequest)
        #expect(try app.send(.get, "/_emulator/diff?since=").status == .badRequest)
        #expect(try app.send(.get, "/_emulator/checkpoints/\(id)/diff?limit=0").status == .badRequest)
        #expect(try app.send(.get, "/_emulator/checkpoints/\(id)/diff?limit=abc").status == .badRequest)
        let xml = try app.send(.get, "/_emulator/diff?since=\(id)", headers: ["Accept": "application/xml"])
        #expect(xml.status == .ok)
        #expect(xml.text.contains("<Diff"))
    }
}
