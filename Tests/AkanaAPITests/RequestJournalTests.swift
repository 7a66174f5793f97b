import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec
import SQLiteStore
import Synchronization
import TestSupport
import Testing

@testable import AkanaAPI

/// The request journal: `GET`/`DELETE /_emulator/requests` and what every other request leaves in it.
@Suite struct RequestJournalTests {
    /// Nothing is written before a read asks for it (or the batch fills), so tests see the buffer at work.
    static let manualFlush: RequestJournal.Policy = {
        var policy = RequestJournal.Policy()
        policy.batchSize = 100_000
        policy.flushDelay = 3600
        return policy
    }()

    func headers(_ session: TestApp.Session, json: Bool = true, accept: String = "application/json") -> HTTPHeaders {
        var headers: HTTPHeaders = ["Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": session.csrf, "Accept": accept]
        if json { headers.add("Content-Type", "application/json") }
        return headers
    }

    /// The journal as `GET /_emulator/requests?<query>` returns it.
    func journal(_ app: TestApp, _ query: String = "") throws -> [JSONValue] {
        let response = try app.send(.get, "/_emulator/requests" + (query.isEmpty ? "" : "?" + query))
        try #require(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/json")
        return try response.json()["Request"]?.arrayValue ?? []
    }

    func rowCount(_ app: TestApp) throws -> Int {
        try app.pool.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM request_journal")?.int("n") ?? -1 }
    }

    @Test func successFaultAndNotFoundAreRecordedWithTheirDetails() throws {
        let app = try TestApp(journal: Self.manualFlush)
        let session = try app.login()
        let userID = try #require(
            try app.send(.get, "/api/login/status?a=1&b=x%20y", headers: ["Cookie": session.cookieHeader]).json()["userFDN"]?.stringValue)
        let unauthorized = try app.send(.post, "/api/apps", headers: ["Content-Type": "application/json"], body: #"{"Name":"x"}"#)
        #expect(unauthorized.status == .unauthorized)
        let missing = try app.send(.get, "/api/nowhere/%7Bx%7D")
        #expect(missing.status == .notFound)
        let health = try app.send(.get, "/_emulator/health")

        let entries = try journal(app)
        #expect(entries.count == 5)
        // Newest first.
        #expect(
            entries.map { $0["path"]?.stringValue ?? "" } == [
                "/_emulator/health", "/api/nowhere/{x}", "/api/apps", "/api/login/status", "/api/login"
            ])
        #expect(entries.map { $0["status"]?.intValue ?? 0 } == [200, 404, 401, 200, 200])
        #expect(entries.map { $0["method"]?.stringValue ?? "" } == ["GET", "GET", "POST", "GET", "POST"])

        let status = entries[3]
        #expect(status["query"] == .string("a=1&b=x%20y"))
        #expect(status["user"] == .string(userID))
        #expect(status["tenant"] == .string("acmepaymentscorp"))
        #expect(status["time"] == .string("2027-01-15T08:00:00.000Z"))
        #expect(status["requestBytes"] == .integer(0))
        #expect((status["responseBytes"]?.intValue ?? 0) > 50)
        #expect((status["durationMs"]?.doubleValue ?? -1) >= 0)
        #expect(status["changedIDs"] == .array([]))
        #expect(status["requestID"] == .string(""))

        let login = entries[4]
        #expect(login["user"] == .null)  // no session cookie yet
        #expect(
            login["requestBytes"] == .integer(Int64(#"{"email":"administrator@acmepaymentscorp.com","password":"password"}"#.utf8.count)))
        #expect(entries[2]["user"] == .null)
        #expect(entries[2]["changedIDs"] == .array([]))  // a refused mutation changed nothing
        #expect(entries[1]["responseBytes"] == .integer(Int64(missing.body.count)))
        #expect(entries[0]["responseBytes"] == .integer(Int64(health.body.count)))
        #expect(entries[0]["query"] == .string(""))
    }

    @Test func theRequestIDAndTenantComeFromTheRequest() throws {
        let app = try TestApp(
            tenants: TenantDirectory(
                defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp"),
                others: [TenantSettings(fedmemberid: "globex", hosts: ["globex.localhost"])]),
            users: [
                SeedUser(
                    tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
                SeedUser(tenant: "globex", email: "hank@globex.com", password: "password", name: "Hank", roles: [])
            ])
        let hank = try app.login("hank@globex.com", host: "globex.localhost:8080")
        let hankID = try app.send(.get, "/api/login/status", headers: ["Cookie": hank.cookieHeader, "Host": "globex.localhost"]).json()[
            "userFDN"]?.stringValue
        #expect(hankID?.hasSuffix(".globex") == true)
        let request = try HTTPRequest(method: .get, target: "/_emulator/clock", headers: ["Host": "127.0.0.1"], id: "7-42")
        _ = app.handle(request)

        let entries = try journal(app)
        #expect(entries.count == 3)
        #expect(entries[0]["requestID"] == .string("7-42"))
        #expect(entries[0]["tenant"] == .string("acmepaymentscorp"))
        #expect(entries[1]["tenant"] == .string("globex"))
        #expect(entries[1]["user"] == hankID.map(JSONValue.string))
        #expect(entries[2]["tenant"] == .string("globex"))
    }

    @Test func mutationsRecordTheIDsTheyChanged() throws {
        let app = try TestApp()
        let admin = try app.login()
        // POST /api/apps, text/plain: the new AppID (and its first version).
        let appID = try app.send(.post, "/api/apps", headers: headers(admin, accept: "text/plain"), body: #"{"Name":"Journal"}"#).text
        #expect(appID.hasSuffix(".acmepaymentscorp"))
        // The creator's membership of a new app's team (a membership request, workflow object of its own).
        func creatorRequest(_ appID: String) throws -> String {
            try app.pool.read {
                try $0.queryFirst("SELECT request_id FROM group_members WHERE group_id = ?", "appteam-\(appID)")?.string("request_id")
            } ?? ""
        }
        let appRequest = try creatorRequest(appID)
        // POST /api/apps/{AppID}/versions, text/plain: the AppID of the path and the new AppVersionID.
        let versionID = try app.send(
            .post, "/api/apps/\(appID)/versions", headers: headers(admin, accept: "text/plain"), body: #"{"Name":"2.0"}"#
        ).text
        let firstVersionID = try #require(
            try app.pool.read {
                try $0.queryFirst("SELECT id FROM app_versions WHERE app_id = ? AND id <> ?", appID, versionID)?.string("id")
            })
        // PUT /api/apps/versions/{AppVersionID}: that id.
        #expect(
            try app.send(
                .put, "/api/apps/versions/\(versionID)", headers: headers(admin, accept: "text/plain"), body: #"{"Description":"d"}"#
            ).status == .ok)
        // POST /api/apps as JSON: the AppID member.
        let jsonApp = try app.send(.post, "/api/apps", headers: headers(admin), body: #"{"Name":"As JSON"}"#).json()
        let jsonAppRequest = try creatorRequest(jsonApp["AppID"]?.stringValue ?? "")
        // POST /api/models: the ModelID and the first version's ModelVersionID.
        let model = try app.send(.post, "/api/models", headers: headers(admin), body: #"{"Name":"Pet"}"#)
        try #require(model.status == .ok, "\(model.text)")
        let modelID = try model.json()["ModelID"]?.stringValue ?? ""
        let modelVersionID = try model.json()["ModelVersion"]?["ModelVersionID"]?.stringValue ?? ""
        // A workflow action answering a status (not an id): only the path's id.
        let submitted = try app.send(
            .post, "/api/models/versions/\(modelVersionID)/action", headers: headers(admin, accept: "text/plain"),
            body: #"{"ActionName":"model.action.submit.approval"}"#)
        try #require(submitted.status == .ok, "\(submitted.text)")
        // Reads and failures change nothing.
        #expect(try app.send(.get, "/api/apps/\(appID)", headers: headers(admin, json: false)).status == .ok)
        #expect(
            try app.send(.delete, "/api/apps/unknown.acmepaymentscorp", headers: headers(admin, accept: "text/plain")).status == .notFound)
        #expect(try app.send(.delete, "/api/apps/\(appID)", headers: headers(admin, accept: "text/plain")).status == .ok)

        let changed = try journal(app, "limit=9").reversed().map { entry in
            "\(entry["method"]?.stringValue ?? "") \(entry["status"]?.intValue ?? 0) \(entry["changedIDs"]?.arrayValue?.compactMap(\.stringValue) ?? ["?"])"
        }
        let jsonAppID = jsonApp["AppID"]?.stringValue ?? ""
        let jsonVersionID =
            try app.pool.read { try $0.queryFirst("SELECT id FROM app_versions WHERE app_id = ?", jsonAppID)?.string("id") } ?? ""
        // Each object its writes created, changed or deleted (the app's team membership and first
        // version, a model's first version, an app's versions deleted with it), the path's ids first.
        #expect(
            changed == [
                "POST 200 [\"\(appID)\", \"\(appRequest)\", \"\(firstVersionID)\"]",
                "POST 200 [\"\(appID)\", \"\(versionID)\"]",
                "PUT 200 [\"\(versionID)\"]",
                "POST 200 [\"\(jsonAppID)\", \"\(jsonAppRequest)\", \"\(jsonVersionID)\"]",
                "POST 200 [\"\(modelID)\", \"\(modelVersionID)\"]",
                "POST 200 [\"\(modelVersionID)\"]",
                "GET 200 []",
                "DELETE 404 []",
                "DELETE 200 [\"\(appID)\", \"\(firstVersionID)\", \"\(versionID)\"]"
            ])
        // Stored as a JSON array text in the table ('' when none).
        let stored = try app.pool.read {
            try $0.query("SELECT changed_ids FROM request_journal ORDER BY id").compactMap { try $0.string("changed_ids") }
        }
        #expect(stored.contains("[\"\(versionID)\"]"))
        #expect(stored.contains(""))
    }

    @Test func changedIDsArePathIDsOfAMutationThenNotedOnesEachOnce() throws {
        let notes = RequestNotes()
        notes.noteParameters([("AppVersionID", "v.acme"), ("name", "not-an-id")])
        notes.noteChanged("extra.acme")
        notes.noteChanged("v.acme")
        notes.noteChanged("extra.acme")
        let contents = notes.snapshot
        #expect(
            RequestJournaling.changedIDs(isMutation: true, parameters: contents.parameters, noted: contents.changedIDs) == [
                "v.acme", "extra.acme"
            ])
        #expect(
            RequestJournaling.changedIDs(isMutation: false, parameters: contents.parameters, noted: contents.changedIDs) == [
                "extra.acme", "v.acme"
            ])
        for index in 0..<500 { notes.noteChanged("bulk-\(index)") }
        #expect(notes.snapshot.changedIDs.count == RequestNotes.maxChangedIDs)
    }

    /// The durability contract's journal clause: a mutation's entry is in the same transaction as
    /// its change, so it is in the table the moment the 2xx exists, before any drain.
    @Test func aMutationsEntryCommitsWithItsChangeAndGetsItsResponseHalfLater() throws {
        let app = try TestApp(journal: Self.manualFlush)
        let admin = try app.login()
        _ = try app.send(.get, "/_emulator/health")  // buffered, so it is taken along by the next change
        let created = try app.send(.post, "/api/apps", headers: headers(admin, accept: "text/plain"), body: #"{"Name":"Committed"}"#)
        #expect(created.status == .ok)
        let versionID = try #require(
            try app.pool.read { try $0.queryFirst("SELECT id FROM app_versions WHERE app_id = ?", created.text)?.string("id") })
        // The creator's membership of the app's team is an object of its own (a membership request).
        let requestID = try #require(
            try app.pool.read {
                try $0.queryFirst("SELECT request_id FROM group_members WHERE group_id = ?", "appteam-\(created.text)")?.string(
                    "request_id")
            })

        // Nothing has been drained (a batch of 100,000, an hour's delay), yet the rows are there.
        let rows = try app.pool.read { db in
            try db.query("SELECT path, status, duration_ms, response_bytes, changed_ids FROM request_journal ORDER BY id").map { row in
                "\(try row.string("path") ?? "") \(try row.int("status").map(String.init) ?? "NULL") \(try row.double("duration_ms") == nil ? "NULL" : "ms") "
                    + "\(try row.int("response_bytes") == nil ? "NULL" : "bytes") \(try row.string("changed_ids") ?? "")"
            }
        }
        #expect(
            rows == [
                // The login's entry committed with its session row; its response half was buffered and
                // then taken along (like the health check) by the app's transaction.
                "/api/login 200 ms bytes ",
                "/_emulator/health 200 ms bytes ",
                "/api/apps NULL NULL NULL [\"\(created.text)\",\"\(requestID)\",\"\(versionID)\"]"
            ])

        // A read drains the buffer: the completions fill in the response halves.
        let entries = try journal(app)
        let apps = try #require(entries.first { $0["path"] == .string("/api/apps") })
        #expect(apps["status"] == .integer(200))
        #expect(apps["responseBytes"] == .integer(Int64(created.body.count)))
        #expect((apps["durationMs"]?.doubleValue ?? -1) >= 0)
        #expect(apps["changedIDs"] == .array([.string(created.text), .string(requestID), .string(versionID)]))
        #expect(try app.pool.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM request_journal WHERE status IS NULL")?.int("n") } == 0)
    }

    /// A snapshot restore changes everything in one transaction: its entry is written by it too.
    @Test func aRestoresEntryCommitsWithTheRestore() throws {
        let app = try TestApp(journal: Self.manualFlush)
        #expect(
            try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"s"}"#).status
                == .created)
        #expect(try app.send(.post, "/_emulator/snapshots/s/restore").status == .ok)
        let paths = try app.pool.read { db in
            try db.query("SELECT path, status FROM request_journal ORDER BY id").map {
                "\(try $0.string("path") ?? "") \(try $0.int("status").map(String.init) ?? "NULL")"
            }
        }
        #expect(paths == ["/_emulator/snapshots 201", "/_emulator/snapshots/s/restore NULL"])
    }

    /// An entry whose response was never recorded (the daemon was killed between the commit and
    /// the drain) reads back with a null status, duration and response size.
    @Test func anEntryWithoutItsResponseHalfReadsBackWithNulls() throws {
        let app = try TestApp(journal: Self.manualFlush)
        try app.pool.write { db in
            try db.run(
                """
                INSERT INTO request_journal (at, method, path, query, tenant, request_bytes, request_id, changed_ids)
                VALUES ('2027-01-15T08:00:00.000Z', 'POST', '/api/apps', '', 'acmepaymentscorp', 17, '1-9', '["a.acmepaymentscorp"]')
                """)
        }
        let entry = try #require(try journal(app).first)
        #expect(entry["status"] == .null && entry["durationMs"] == .null && entry["responseBytes"] == .null)
        #expect(entry["changedIDs"] == .array([.string("a.acmepaymentscorp")]))
        #expect(try journal(app, "status=2xx").isEmpty)
    }

    @Test func filtersLimitAndNewestFirst() throws {
        let app = try TestApp()
        let admin = try app.login()
        _ = try app.send(.post, "/api/apps", headers: headers(admin, accept: "text/plain"), body: #"{"Name":"A"}"#)
        app.clock.advance(by: 60)  // 08:01
        let appID = try app.send(.post, "/api/apps", headers: headers(admin, accept: "text/plain"), body: #"{"Name":"B"}"#).text
        _ = try app.send(.get, "/api/apps/\(appID)", headers: headers(admin, json: false))
        _ = try app.send(.get, "/api/apps/missing.acmepaymentscorp", headers: headers(admin, json: false))
        app.clock.advance(by: 60)  // 08:02
        _ = try app.send(.get, "/api/nothing")
        _ = try app.send(.get, "/api/apps*")

        func paths(_ query: String) throws -> [String] { try journal(app, query).map { $0["path"]?.stringValue ?? "" } }
        #expect(try paths("").count == 7)
        #expect(try paths("method=POST") == ["/api/apps", "/api/apps", "/api/login"])
        #expect(try paths("method=post&path=/api/apps") == ["/api/apps", "/api/apps"])
        #expect(try paths("path=/api/apps/*") == ["/api/apps/missing.acmepaymentscorp", "/api/apps/\(appID)"])
        #expect(
            try paths("path=/api/apps*") == [
                "/api/apps*", "/api/apps/missing.acmepaymentscorp", "/api/apps/\(appID)", "/api/apps", "/api/apps"
            ])
        #expect(
            try paths("path=/api/apps%2A") == [
                "/api/apps*", "/api/apps/missing.acmepaymentscorp", "/api/apps/\(appID)", "/api/apps", "/api/apps"
            ])
        #expect(try paths("status=404") == ["/api/apps*", "/api/nothing", "/api/apps/missing.acmepaymentscorp"])
        #expect(try paths("status=4xx&limit=2") == ["/api/apps*", "/api/nothing"])
        #expect(
            try paths("since=2027-01-15T08:01:00Z") == [
                "/api/apps*", "/api/nothing", "/api/apps/missing.acmepaymentscorp", "/api/apps/\(appID)", "/api/apps"
            ])
        #expect(try paths("since=2027-01-15T08:02:00.000Z&status=404&method=GET") == ["/api/apps*", "/api/nothing"])
        #expect(try paths("limit=1") == ["/api/apps*"])
        #expect(try paths("path=/api/none") == [])
        // Reading the journal left no trace in it.
        #expect(try paths("").count == 7)

        for bad in [
            "limit=0", "limit=10001", "limit=ten", "status=abc", "status=600", "status=6xx", "since=yesterday", "method=G%20T",
            "path=api/apps"
        ] {
            let response = try app.send(.get, "/_emulator/requests?\(bad)")
            #expect(response.status == .badRequest, "\(bad)")
            #expect(try response.json()["faultcode"] == .string("Client"), "\(bad)")
        }
        #expect(try app.send(.get, "/_emulator/requests?limit=10000").status == .ok)
    }

    @Test func xmlAsWell() throws {
        let app = try TestApp()
        _ = try app.send(.get, "/_emulator/health")
        let response = try app.send(.get, "/_emulator/requests", headers: ["Accept": "application/xml"])
        #expect(response.status == .ok)
        #expect(
            response.text.contains(
                "<Requests><Request><time>2027-01-15T08:00:00.000Z</time><method>GET</method><path>/_emulator/health</path>"))
    }

    @Test func aReadFlushesTheBufferFirst() throws {
        let app = try TestApp(journal: Self.manualFlush)
        _ = try app.send(.get, "/_emulator/health")
        _ = try app.send(.get, "/_emulator/clock")
        #expect(try rowCount(app) == 0)  // still buffered
        #expect(try journal(app).count == 2)
        #expect(try rowCount(app) == 2)
    }

    @Test func aFullBatchOrTheTimerWritesWithoutARead() throws {
        var policy = Self.manualFlush
        policy.batchSize = 4
        let batched = try TestApp(journal: policy)
        for _ in 0..<3 { _ = try batched.send(.get, "/_emulator/health") }
        #expect(try rowCount(batched) == 0)
        _ = try batched.send(.get, "/_emulator/health")
        #expect(try waitUntil { try rowCount(batched) == 4 })

        policy = RequestJournal.Policy()
        policy.flushDelay = 0.05
        let timed = try TestApp(journal: policy)
        _ = try timed.send(.get, "/_emulator/health")
        #expect(try waitUntil { try rowCount(timed) == 1 })
    }

    @Test func prunedByCountAndByAge() throws {
        let app = try TestApp(journal: RequestJournal.Policy(maxEntries: 5, maxAgeHours: 1))
        for index in 0..<12 { _ = try app.send(.get, "/_emulator/health?n=\(index)") }
        let kept = try journal(app)
        #expect(kept.map { $0["query"]?.stringValue ?? "" } == ["n=11", "n=10", "n=9", "n=8", "n=7"])
        #expect(try rowCount(app) == 5)

        app.clock.advance(by: 3601)
        _ = try app.send(.get, "/_emulator/health?n=late")
        #expect(try journal(app).map { $0["query"]?.stringValue ?? "" } == ["n=late"])
    }

    @Test func deleteEmptiesIt() throws {
        let app = try TestApp(journal: Self.manualFlush)
        _ = try app.send(.get, "/_emulator/health")
        #expect(try journal(app).count == 1)
        _ = try app.send(.get, "/_emulator/clock")  // buffered only
        let deleted = try app.send(.delete, "/_emulator/requests")
        #expect(deleted.status == .noContent)
        #expect(try journal(app).isEmpty)
        #expect(try rowCount(app) == 0)
        _ = try app.send(.get, "/_emulator/health")
        #expect(try journal(app).count == 1)
        #expect(try app.send(.post, "/_emulator/requests").status == .methodNotAllowed)
        // The 405 above was journaled: only the two journal routes themselves are not.
        #expect(try journal(app).count == 2)
    }

    @Test func maxEntriesZeroTurnsItOff() throws {
        let app = try TestApp(journal: RequestJournal.Policy(maxEntries: 0))
        let session = try app.login()
        _ = try app.send(.post, "/api/apps", headers: headers(session, accept: "text/plain"), body: #"{"Name":"Off"}"#)
        #expect(try journal(app).isEmpty)
        #expect(try rowCount(app) == 0)
    }

    @Test func aWriteThatFailsDropsItsEntriesAndSaysSo() throws {
        let app = try TestApp()
        try app.pool.write { try $0.run("DROP TABLE request_journal") }
        let errors = Mutex(0)
        let journal = RequestJournal(database: app.pool, clock: app.clock, onError: { _ in errors.withLock { $0 += 1 } })
        let entry = RequestJournalEntry(
            time: app.clock.now(), method: "GET", path: "/x", query: "", status: 200, durationMs: 0.5,
            tenant: "acmepaymentscorp", user: nil, requestBytes: 0, responseBytes: 0, requestID: "")
        for _ in 0..<3 { journal.record(entry) }
        journal.flush()
        #expect(journal.droppedEntries == 3)
        #expect(errors.withLock { $0 } == 1)
        // A closed pool: flush still returns (the drain fails instead of hanging); the entry stays buffered.
        try app.pool.close()
        journal.record(entry)
        journal.flush()
        #expect(errors.withLock { $0 } == 2)
        #expect(journal.droppedEntries == 3)
    }

    @Test func aJoinedTransactionThatRollsBackGivesTheBufferBack() throws {
        let app = try TestApp()
        let journal = RequestJournal(database: app.pool, clock: app.clock, policy: Self.manualFlush)
        for path in ["/buffered-1", "/buffered-2"] {
            journal.record(
                RequestJournalEntry(
                    time: app.clock.now(), method: "GET", path: path, query: "", status: 200, durationMs: 0.5,
                    tenant: "acmepaymentscorp", user: nil, requestBytes: 0, responseBytes: 0, requestID: ""))
        }
        // The request's participant joins (taking the buffer along), then the transaction fails
        // after it: the first before-commit hook call throws.
        let failures = Mutex(1)
        app.pool.setBeforeCommit { _ in
            if failures.withLock({ count in
                defer { count -= 1 }
                return count > 0
            }) {
                throw TestFailure()
            }
        }
        let request = try HTTPRequest(method: .post, target: "/joined", id: "1-1")
        let participant = JournaledRequest(journal: journal, request: request, tenant: "acmepaymentscorp", arrived: app.clock.now())
        #expect(throws: TestFailure.self) {
            try app.pool.write(in: TransactionScope(participant: participant)) {
                try $0.run("INSERT INTO emulator_state (key, value) VALUES ('rolled-back', 'x')")
            }
        }
        // Rolled back: neither the change nor its entry is there; the buffered entries are given
        // back, and the drain queued for them writes them.
        #expect(try waitUntil { try rowCount(app) == 2 })
        let paths = try app.pool.read { try $0.query("SELECT path FROM request_journal ORDER BY id").compactMap { try $0.string("path") } }
        #expect(paths == ["/buffered-1", "/buffered-2"])
        #expect(try app.pool.read { try $0.queryFirst("SELECT value FROM emulator_state WHERE key = 'rolled-back'") } == nil)
        // The response is then recorded whole (nothing of it committed).
        participant.record(Responses.text("x"), micros: 1500)
        journal.flush()
        #expect(
            try app.pool.read { try $0.queryFirst("SELECT status, duration_ms FROM request_journal WHERE path = '/joined'")?.int("status") }
                == 200)
        app.pool.setBeforeCommit(nil)
    }

    /// A read of the journal waits for a change's transaction that took buffered entries along
    /// and has not committed yet: otherwise an earlier request could be missing from the answer.
    @Test func aReadWaitsForAJoinedTransactionStillRunning() throws {
        let app = try TestApp()
        let journal = RequestJournal(database: app.pool, clock: app.clock, policy: Self.manualFlush)
        journal.record(
            RequestJournalEntry(
                time: app.clock.now(), method: "GET", path: "/answered-earlier", query: "", status: 200,
                durationMs: 0.5, tenant: "acmepaymentscorp", user: nil, requestBytes: 0, responseBytes: 0,
                requestID: ""))
        // The before-commit hook runs after the participant took the buffer: hold the commit there.
        let joined = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        app.pool.setBeforeCommit { _ in
            joined.signal()
            release.wait()
        }
        let request = try HTTPRequest(method: .post, target: "/change", id: "1-1")
        let participant = JournaledRequest(journal: journal, request: request, tenant: "acmepaymentscorp", arrived: app.clock.now())
        let writer = DispatchGroup()
        let pool = app.pool
        DispatchQueue.global().async(group: writer) {
            _ = try? pool.write(in: TransactionScope(participant: participant)) {
                try $0.run("INSERT INTO emulator_state (key, value) VALUES ('held', 'x')")
            }
        }
        joined.wait()
        app.pool.setBeforeCommit(nil)
        let read = Mutex<[String]?>(nil)
        let reader = DispatchGroup()
        DispatchQueue.global().async(group: reader) {
            let paths = (try? journal.entries(matching: RequestJournalFilter(), scope: .detached))?.map(\.path)
            read.withLock { $0 = paths }
        }
        #expect(reader.wait(timeout: .now() + 0.3) == .timedOut)  // waiting for the commit
        release.signal()
        writer.wait()
        reader.wait()
        #expect(read.withLock { $0 } == ["/change", "/answered-earlier"])
    }

    /// Ids reported by a transaction that rolled back are not the request's: only what committed is.
    @Test func idsOfARolledBackTransactionAreForgotten() throws {
        let app = try TestApp()
        let journal = RequestJournal(database: app.pool, clock: app.clock, policy: Self.manualFlush)
        let request = try HTTPRequest(method: .post, target: "/two-writes", id: "1-7")
        let participant = JournaledRequest(journal: journal, request: request, tenant: "acmepaymentscorp", arrived: app.clock.now())
        let scope = TransactionScope(participant: participant)
        #expect(throws: TestFailure.self) {
            try app.pool.write(in: scope) { db in
                participant.recordChanged("failed.acme")
                throw TestFailure()
            }
        }
        try app.pool.write(in: scope) { _ in participant.recordChanged("committed.acme") }
        try app.pool.write(in: scope) { _ in participant.recordChanged("later.acme") }
        let stored = try app.pool.read {
            try $0.queryFirst("SELECT changed_ids FROM request_journal WHERE request_id = '1-7'")?.string("changed_ids")
        }
        #expect(stored == #"["committed.acme","later.acme"]"#)
    }

    /// A drain whose BEGIN fails (another process holds the write lock past the busy timeout)
    /// leaves its entries buffered, and the next full batch drains them all.
    @Test func aDrainThatCannotBeginDoesNotStallTheJournal() throws {
        let app = try TestApp()
        let pool = try DatabasePool(path: app.pool.path, configuration: DatabaseConfiguration(readerCount: 1, busyTimeout: 0.05))
        defer { try? pool.close() }
        var policy = Self.manualFlush
        policy.batchSize = 2
        let errors = Mutex(0)
        let journal = RequestJournal(database: pool, clock: app.clock, policy: policy, onError: { _ in errors.withLock { $0 += 1 } })
        func entry(_ path: String) -> RequestJournalEntry {
            RequestJournalEntry(
                time: app.clock.now(), method: "GET", path: path, query: "", status: 200, durationMs: 0.5,
                tenant: "acmepaymentscorp", user: nil, requestBytes: 0, responseBytes: 0, requestID: "")
        }
        try app.pool.writeWithoutTransaction { try $0.execute("BEGIN IMMEDIATE") }  // held by another connection
        journal.record(entry("/while-locked-1"))
        journal.record(entry("/while-locked-2"))  // a full batch: its drain fails with SQLITE_BUSY
        #expect(waitUntil { errors.withLock { $0 } == 1 })
        try app.pool.writeWithoutTransaction { try $0.execute("COMMIT") }
        #expect(journal.droppedEntries == 0)  // BEGIN failed: nothing was taken
        journal.record(entry("/after-1"))  // the buffer is over a batch: a drain is queued, no read or timer needed
        #expect(try waitUntil { try rowCount(app) == 3 })
    }

    struct TestFailure: Error {}

    @Test func manyThreadsRecordingAtOnceLoseNothing() throws {
        var policy = RequestJournal.Policy()
        policy.batchSize = 32
        let app = try TestApp(journal: policy)
        let handler = app.app
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in 0..<100 {
                guard let request = try? HTTPRequest(method: .get, target: "/_emulator/health?w=\(worker)&i=\(index)") else { continue }
                let done = DispatchSemaphore(value: 0)
                handler.handle(request, responder: HTTPResponder { _ in done.signal() })
                done.wait()
            }
        }
        #expect(try journal(app, "limit=10000").count == 800)
        let ids = try app.pool.read { try $0.query("SELECT id FROM request_journal ORDER BY id").compactMap { try $0.int64("id") } }
        #expect(ids.count == 800 && ids.last! - ids.first! == 799)
    }
}
