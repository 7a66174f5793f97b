import AkanaDomain
import Dispatch
import DispatchHTTP
import Foundation
import Logging
import SQLiteStore
import Synchronization
import TestSupport
import Testing

@testable import AkanaAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 11: handlers run off the event loops, on a bounded pool, within a deadline.
@Suite struct ExecutionModelTests {
    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// A database with one table `t`, for routes that write.
    final class Scratch {
        let database: TemporaryDatabase
        var pool: DatabasePool { database.pool }

        init() throws {
            database = try TemporaryDatabase(prefix: "akana-exec") { pool in
                try pool.writeWithoutTransaction { try $0.execute("CREATE TABLE t (v TEXT)") }
            }
        }

        var rows: Int { (try? pool.read { try $0.queryFirst("SELECT count(*) FROM t")?.int(0) }) ?? -1 }
    }

    /// Handles `request` through `handle` (as the server calls it) and waits for the answer.
    static func send(
        _ app: AkanaApplication, _ target: String, method: HTTPMethod = .get,
        headers: HTTPHeaders = ["Accept": "application/json"]
    ) throws -> HTTPResponse {
        let done = DispatchSemaphore(value: 0)
        let answer = Mutex<HTTPResponse?>(nil)
        app.handle(
            try HTTPRequest(method: method, target: target, headers: headers),
            responder: HTTPResponder { response in
                answer.withLock { $0 = response }
                done.signal()
            })
        done.wait()
        return try #require(answer.withLock { $0 })
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    // MARK: - One slow request does not hold up its loop

    @Test func aSlowHandlerDoesNotHoldUpTheOtherConnectionsOfItsLoop() throws {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        var router = Router.withoutEnvironment()
        router.add(.get, "/slow") { _ in
            started.signal()
            _ = release.wait(timeout: .now() + 10)
            return Responses.text("slow")
        }
        router.add(.get, "/fast") { _ in Responses.text("fast") }
        let app = AkanaApplication.withoutEnvironment(router: router, logger: Self.quietLogger, execution: HandlerExecution(threads: 2))
        defer { app.shutdown() }
        // One event loop: both connections share it.
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 1),
            handler: app, logger: Self.quietLogger)
        try server.start()
        defer { server.shutdown(gracePeriod: 0) }
        let slow = try RawHTTPClient(port: server.port, timeout: 15)
        try slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(started.wait(timeout: .now() + 10) == .success)  // /slow holds a handler thread
        let fast = try RawHTTPClient(port: server.port, timeout: 15)
        let start = DispatchTime.now()
        for _ in 0..<20 {
            try fast.send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try fast.readResponse().text == "fast")
        }
        // Generous: twenty answers while /slow still waits (it would wait 10 s if it held the loop).
        #expect(Self.seconds(since: start) < 5)
        release.signal()
        #expect(try slow.readResponse().text == "slow")
    }

    // MARK: - Back-pressure

    @Test func requestsBeyondTheQueueLimitAre503WithRetryAfterAtOnce() throws {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        var router = Router.withoutEnvironment()
        router.add(.get, "/block") { _ in
            started.signal()
            _ = release.wait(timeout: .now() + 10)
            return Responses.text("done")
        }
        let app = AkanaApplication.withoutEnvironment(
            router: router, logger: Self.quietLogger, execution: HandlerExecution(threads: 1, readThreads: 1, queueLimit: 1))
        defer { app.shutdown() }
        let answers = Mutex<[HTTPResponse]>([])
        let all = DispatchGroup()
        func submit() throws {
            all.enter()
            app.handle(
                try HTTPRequest(method: .get, target: "/block", headers: ["Accept": "application/json"]),
                responder: HTTPResponder { response in
                    answers.withLock { $0.append(response) }
                    all.leave()
                })
        }
        try submit()
        started.wait()  // the only handler thread is busy
        try submit()  // waits in the queue
        #expect(app.queuedRequests == 1)
        let start = DispatchTime.now()
        let refused = try Self.send(app, "/block")  // over the limit
        #expect(Self.seconds(since: start) < 1)
        #expect(refused.status == .serviceUnavailable)
        #expect(refused.headers["Retry-After"] == "1")
        #expect(try refused.json()["faultcode"] == .string("Server"))
        #expect(refused.text.contains("busy"))
        release.signal()
        release.signal()
        #expect(all.wait(timeout: .now() + 10) == .success)
        #expect(answers.withLock { $0.map(\.status) } == [.ok, .ok])
    }

    // MARK: - The handler deadline

    @Test func aRequestPastTheDeadlineIs503AndItsWriteIsRolledBack() throws {
        let scratch = try Scratch()
        let pool = scratch.pool
        var router = Router.withoutEnvironment()
        // A statement that only the deadline can stop.
        router.add(.post, "/runaway") { request in
            try pool.write(in: request.scope) { db in
                try db.run(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 4000000000) INSERT INTO t (v) SELECT x FROM c")
            }
            return Responses.text("committed")
        }
        // Swift code that outlasts the deadline (it goes on only once the deadline's answer has
        // arrived), then a write: the write is refused once the deadline answered.
        let answered = DispatchSemaphore(value: 0)
        let wrote = DispatchSemaphore(value: 0)
        router.add(.post, "/late") { request in
            _ = answered.wait(timeout: .now() + 10)
            defer { wrote.signal() }
            try pool.write(in: request.scope) { try $0.run("INSERT INTO t (v) VALUES ('late')") }
            return Responses.text("committed")
        }
        let app = AkanaApplication.withoutEnvironment(
            router: router, logger: Self.quietLogger, execution: HandlerExecution(timeoutSeconds: 0.3))
        defer { app.shutdown() }

        var start = DispatchTime.now()
        let runaway = try Self.send(app, "/runaway", method: .post)
        #expect(runaway.status == .serviceUnavailable)
        #expect(runaway.headers["Retry-After"] == "1")
        #expect(runaway.text.contains("deadline"))
        #expect(Self.seconds(since: start) < 5)

        start = DispatchTime.now()
        let late = try Self.send(app, "/late", method: .post)
        #expect(late.status == .serviceUnavailable)
        #expect(Self.seconds(since: start) < 0.75)  // answered at the deadline, not when the handler ends
        answered.signal()
        #expect(wrote.wait(timeout: .now() + 10) == .success)
        #expect(scratch.rows == 0)
    }

    // MARK: - A login flood does not take the server

    @Test func aWrongPasswordFloodLeavesOtherRequestsFastAndLocksTheAddress() throws {
        // A real KDF cost (tens of milliseconds), one hash thread, the per-address lock at 20.
        var policy = SessionPolicy()
        policy.maxFailuresPerAddress = 20
        let app = try TestApp(sessionPolicy: policy, passwordIterations: 100_000)
        let session = try app.login()
        let stop = Atomic<Bool>(false)
        let statuses = Mutex<[Int]>([])
        let flood = DispatchGroup()
        for flooder in 0..<4 {
            flood.enter()
            Thread.detachNewThread {
                defer { flood.leave() }
                var attempt = 0
                while !stop.load(ordering: .relaxed) {
                    attempt += 1
                    guard
                        let request = try? HTTPRequest(
                            method: .post, target: "/api/login",
                            headers: ["Host": "127.0.0.1:8080", "Content-Type": "application/json", "Accept": "application/json"],
                            body: Array(#"{"email":"nobody-\#(flooder)-\#(attempt)@example.com","password":"wrong"}"#.utf8),
                            remoteAddress: "192.0.2.7:\(40_000 + flooder)")
                    else { break }
                    let status = app.handle(request).status.code
                    statuses.withLock { $0.append(status) }
                }
            }
        }
        // Meanwhile a logged-in client reads; each read stays fast (a generous bound).
        var slowest = 0.0
        for _ in 0..<100 {
            let start = DispatchTime.now()
            #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .ok)
            slowest = max(slowest, Self.seconds(since: start))
        }
        // Keep flooding until the address is locked (20 failures at tens of ms each).
        waitUntil(timeout: 60) { statuses.withLock { $0.contains(429) } }
        stop.store(true, ordering: .relaxed)
        flood.wait()
        #expect(slowest < 2)
        let seen = statuses.withLock { $0 }
        #expect(seen.contains(429))
        #expect(Set(seen).isSubset(of: [401, 429, 503]))
        // Attempts already past the check when the 20th failure was recorded may still finish: at most one per flooder.
        #expect(seen.filter { $0 == 401 }.count <= 20 + 4)
        // Failures are recorded with the address; another address still logs in.
        let byAddress = try app.pool.read { try $0.queryFirst("SELECT count(*) FROM login_failures WHERE address = '192.0.2.7'")?.int(0) }
        #expect(byAddress == seen.filter { $0 == 401 }.count)
        _ = try app.login(TestApp.jane)
    }

    @Test func unknownUserAndWrongPasswordGetTheSameAnswer() throws {
        let app = try TestApp()
        func attempt(_ email: String) throws -> HTTPResponse {
            app.handle(
                try HTTPRequest(
                    method: .post, target: "/api/login",
                    headers: ["Host": "127.0.0.1:8080", "Content-Type": "application/json", "Accept": "application/json"],
                    body: Array(#"{"email":"\#(email)","password":"wrong"}"#.utf8), remoteAddress: "192.0.2.8:1"))
        }
        let unknown = try attempt("nobody@example.com")
        let wrong = try attempt(TestApp.jane)
        #expect(unknown.status == .unauthorized && wrong.status == .unauthorized)
        #expect(unknown.body == wrong.body)
    }

    // MARK: - The journal still sees everything

    @Test func aChangeMadeOnAHandlerThreadCommitsItsJournalEntryWithIt() throws {
        let app = try TestApp()
        let session = try app.login()
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"journaled"}"#)
        #expect(created.status == .ok)
        let appID = created.text
        // The entry was written by the app's own transaction, before the response existed.
        let stored = try app.pool.read {
            try $0.queryFirst("SELECT changed_ids FROM request_journal WHERE path = '/api/apps' AND method = 'POST'")?.string("changed_ids")
        }
        #expect(stored?.contains(appID) == true)
    }
}
