import AkanaDomain
import Dispatch
import DispatchHTTP
import Foundation
import Synchronization
import Testing

@testable import AkanaAPI

/// Issue 11: repeatable reads answered from memory on the event loop (`ResponseCache`), never stale.
@Suite struct ResponseCacheTests {
    let app: TestApp
    let admin: TestApp.Session

    init() throws {
        app = try TestApp()
        admin = try app.login()
    }

    var cache: ResponseCache { app.app.responseCache! }

    func createVersion() throws -> String {
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"cached","ApplicationVersion":{"Name":"1.0","Description":"first"}}"#)
        #expect(created.status == .ok)
        return try #require(
            try app.send(.get, "/api/apps/\(created.text)", headers: ["Cookie": admin.cookieHeader, "Accept": "application/json"])
                .json()["DefaultVersionID"]?.stringValue)
    }

    func get(_ version: String, _ session: TestApp.Session? = nil, accept: String = "application/json") throws -> HTTPResponse {
        try app.send(.get, "/api/apps/versions/\(version)", headers: ["Cookie": (session ?? admin).cookieHeader, "Accept": accept])
    }

    /// Whether `handle` answered before it returned (on the calling thread: the event loop's, in the server).
    func answeredInline(_ target: String, headers: HTTPHeaders) throws -> (Bool, HTTPResponse) {
        var headers = headers
        headers.add("Host", "127.0.0.1:8080")
        let answer = Mutex<HTTPResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        app.app.handle(
            try HTTPRequest(method: .get, target: target, headers: headers),
            responder: HTTPResponder { response in
                answer.withLock { $0 = response }
                done.signal()
            })
        let inline = answer.withLock { $0 } != nil
        done.wait()
        return (inline, try #require(answer.withLock { $0 }))
    }

    @Test func aRepeatedReadIsAnsweredOnTheCallingThreadWithTheSameBytes() throws {
        let version = try createVersion()
        let target = "/api/apps/versions/\(version)"
        let headers: HTTPHeaders = ["Cookie": admin.cookieHeader, "Accept": "application/json"]
        let misses = cache.misses
        let (_, first) = try answeredInline(target, headers: headers)  // a miss: on the read pool (it may still finish first)
        #expect(cache.misses == misses + 1)
        let hits = cache.hits
        let (secondInline, second) = try answeredInline(target, headers: headers)
        #expect(secondInline)
        #expect(cache.hits == hits + 1)
        #expect(second.status == .ok && second.body == first.body)
        #expect(second.headers["Content-Type"] == "application/json")
    }

    @Test func hitsAreJournaledWithTheirRouteAndUser() throws {
        let version = try createVersion()
        _ = try get(version)
        let hits = cache.hits
        _ = try get(version)
        #expect(cache.hits == hits + 1)
        let entries =
            try app.send(.get, "/_emulator/requests?path=/api/apps/versions/\(version)", headers: ["Accept": "application/json"])
            .json()["Request"]?.arrayValue ?? []
        #expect(entries.count == 2)
        for entry in entries {
            #expect(entry["route"] == .string("/api/apps/versions/{AppVersionID}"))
            #expect(entry["status"] == .integer(200))
            #expect(entry["user"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func aCommitIsSeenByTheNextReadAndFreesTheCache() throws {
        let version = try createVersion()
        #expect(try get(version).json()["Description"] == .string("first"))
        _ = try get(version)
        #expect(cache.bytes > 0)
        let put = try app.send(
            .put, "/api/apps/versions/\(version)", headers: TestApp.headers(admin, ["Content-Type": "application/json"]),
            body: #"{"Description":"second"}"#)
        #expect(put.status == .ok)
        #expect(cache.bytes == 0)  // the write's handler let the stale answers go
        let hits = cache.hits
        #expect(try get(version).json()["Description"] == .string("second"))
        #expect(cache.hits == hits)
    }

    @Test func theJournalsOwnWritesDoNotEmptyTheCache() throws {
        let version = try createVersion()
        _ = try get(version)
        app.environment.journal.flush()  // a drain commits the buffered entries
        let hits = cache.hits
        _ = try get(version)
        #expect(cache.hits == hits + 1)
    }

    @Test func anotherCallerOrFormOrTargetIsNotServedTheKeptAnswer() throws {
        let version = try createVersion()
        let json = try get(version)
        _ = try get(version)
        let hits = cache.hits
        let xml = try get(version, accept: "application/vnd.soa.v81+xml")
        #expect(xml.headers["Content-Type"] == "application/vnd.soa.v81+xml")
        #expect(xml.body != json.body)
        let anonymous = try app.send(.get, "/api/apps/versions/\(version)", headers: ["Accept": "application/json"])
        #expect(anonymous.status == .unauthorized)
        let forged = try app.send(
            .get, "/api/apps/versions/\(version)",
            headers: ["Cookie": "AtmoAuthToken_acmepaymentscorp=\(admin.authCookie)x", "Accept": "application/json"])
        #expect(forged.status == .unauthorized)
        // A second Cookie field is part of the caller too.
        let doubled = try app.send(
            .get, "/api/apps/versions/\(version)",
            headers: ["Cookie": admin.cookieHeader, "cookie": "AtmoAuthToken_acmepaymentscorp=forged", "Accept": "application/json"])
        #expect(doubled.status != .ok || doubled.body == json.body)
        let trimmed = try app.send(
            .get, "/api/apps/versions/\(version)?IncludeTags=false",
            headers: ["Cookie": admin.cookieHeader, "Accept": "application/json"])
        #expect(try trimmed.json()["Tag"] == nil)
        #expect(cache.hits == hits)
    }

    @Test func aLogoutEndsTheKeptAnswersOfItsSession() throws {
        let version = try createVersion()
        let jane = try app.login(TestApp.jane)
        _ = try get(version)
        _ = try get(version)
        #expect(try app.send(.post, "/api/login/logout", headers: TestApp.headers(admin)).status == .ok)
        #expect(try get(version).status == .unauthorized)
        _ = jane
    }

    @Test func aSessionExpiredByTheClockIsRefusedWithoutACommit() throws {
        let version = try createVersion()
        _ = try get(version)
        #expect(try get(version).status == .ok)
        // The clock moves in memory only: nothing commits, the kept answer is still "current".
        app.clock.mode = .frozen(Date(timeIntervalSince1970: 1_800_000_000 + 30 * 86_400))
        let expired = try get(version)
        #expect(expired.status == .unauthorized)
        #expect(expired.text.contains("expired"))
    }

    @Test func anInjectedFaultAppliesToARequestWhoseAnswerIsKept() throws {
        let version = try createVersion()
        _ = try get(version)
        _ = try get(version)
        let fault = try app.send(
            .post, "/_emulator/faults", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: #"{"match": {"method": "GET", "path": "/api/apps/versions/{AppVersionID}"}, "respond": {"status": 503}}"#)
        #expect(fault.status == .created)
        #expect(try get(version).status == .serviceUnavailable)
    }

    @Test func aTenantWantingCSRFOnReadsIsNeverAnsweredFromTheCache() throws {
        let strict = try TestApp(
            tenants: TenantDirectory(defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp", readRequestCSRF: true)))
        let session = try strict.login()
        let created = try strict.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"strict"}"#)
        let target = "/api/apps/\(created.text)"
        #expect(try strict.send(.get, target, headers: TestApp.headers(session, ["Accept": "application/json"])).status == .ok)
        #expect(try strict.send(.get, target, headers: TestApp.headers(session, ["Accept": "application/json"])).status == .ok)
        #expect(
            try strict.send(.get, target, headers: ["Cookie": session.cookieHeader, "Accept": "application/json"]).status == .unauthorized)
        #expect(strict.app.responseCache!.hits == 0)
    }

    @Test func theCacheStaysWithinItsBytesAndCanBeTurnedOff() throws {
        let small = try TestApp(execution: HandlerExecution(responseCacheBytes: 3_000))
        let session = try small.login()
        var targets: [String] = []
        for n in 0..<6 {
            let created = try small.send(
                .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
                body: #"{"Name":"small-\#(n)"}"#)
            targets.append("/api/apps/\(created.text)")
        }
        let cache = try #require(small.app.responseCache)
        for target in targets {
            #expect(try small.send(.get, target, headers: ["Cookie": session.cookieHeader, "Accept": "application/json"]).status == .ok)
            #expect(cache.bytes <= 3_000)
        }
        #expect(cache.hits == 0)
        // The newest answer is kept (a full cache started again for it), the first was let go.
        #expect(try small.send(.get, targets[5], headers: ["Cookie": session.cookieHeader, "Accept": "application/json"]).status == .ok)
        #expect(cache.hits == 1)
        #expect(try small.send(.get, targets[0], headers: ["Cookie": session.cookieHeader, "Accept": "application/json"]).status == .ok)
        #expect(cache.hits == 1)
        #expect(cache.bytes <= 3_000)

        // An answer bigger than the whole cache is never kept (its caller's bytes count too).
        let tiny = try TestApp(execution: HandlerExecution(responseCacheBytes: 600))
        let tinySession = try tiny.login()
        let tinyApp = try tiny.send(
            .post, "/api/apps", headers: TestApp.headers(tinySession, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"tiny"}"#
        ).text
        for _ in 0..<2 {
            #expect(
                try tiny.send(.get, "/api/apps/\(tinyApp)", headers: ["Cookie": tinySession.cookieHeader, "Accept": "application/json"])
                    .status == .ok)
            #expect(tiny.app.responseCache!.bytes <= 600)
        }
        #expect(tiny.app.responseCache!.hits == 0)

        let off = try TestApp(execution: HandlerExecution(responseCacheBytes: 0))
        #expect(off.app.responseCache == nil)
    }
}
