import AkanaDomain
import Dispatch
import DispatchHTTP
import Foundation
import Synchronization
import Testing

@testable import AkanaAPI

/// Issue 18: `GET /_emulator/metrics` in the Prometheus text format.
@Suite struct MetricsTests {
    /// The value of the sample line starting with `series` (name plus labels as rendered), if any.
    func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func requestsCommitsSessionsAndFailedLoginsAreCounted() throws {
        let app = try TestApp()
        let session = try app.login()
        for _ in 0..<3 {
            _ = try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader, "Accept": "application/json"])
        }
        _ = try app.send(.get, "/api/nothing/here")
        _ = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"], body: #"{"email":"nobody@example.com","password":"x"}"#)
        _ = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"metered"}"#)
        let response = try app.send(.get, "/_emulator/metrics")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = response.text
        #expect(sample(text, #"akana_http_requests_total{route="/api/login/status",method="GET",status="200"}"#) == 3)
        #expect(sample(text, #"akana_http_requests_total{route="unmatched",method="GET",status="404"}"#) == 1)
        #expect(sample(text, #"akana_http_request_duration_seconds_count{route="/api/login/status",method="GET"}"#) == 3)
        #expect(sample(text, #"akana_login_failures_total{reason="credentials"}"#) == 1)
        #expect(sample(text, "akana_sessions_live") == 1)
        // Two logins' writes (a session, a failure row) and the app: at least three committed writes.
        #expect((sample(text, "akana_db_writes_total") ?? 0) >= 3)
        #expect((sample(text, "akana_db_write_transactions_total") ?? 0) >= 1)
        #expect(text.contains("akana_db_commit_seconds_bucket"))
        #expect(sample(text, #"akana_handler_queue_depth{pool="read"}"#) == 0)
        #expect(text.contains("# TYPE akana_http_requests_total counter"))
    }

    @Test func responseCacheHitsAndMissesAreCounted() throws {
        let app = try TestApp()
        let session = try app.login()
        let id = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"metered"}"#
        ).text
        for _ in 0..<3 {
            _ = try app.send(.get, "/api/apps/\(id)", headers: ["Cookie": session.cookieHeader, "Accept": "application/json"])
        }
        var text = try app.send(.get, "/_emulator/metrics").text
        #expect(sample(text, "akana_response_cache_hits_total") == 2)
        #expect(sample(text, "akana_response_cache_misses_total") == 1)
        #expect((sample(text, "akana_response_cache_bytes") ?? 0) > 0)
        _ = try app.send(.get, "/api/apps/\(id)", headers: ["Cookie": session.cookieHeader, "Accept": "application/json"])
        text = try app.send(.get, "/_emulator/metrics").text
        #expect(sample(text, "akana_response_cache_hits_total") == 3)  // added once per scrape, never twice
    }

    @Test func overlappingScrapesNeverAddANegativeAmount() {
        // Found in review: a Counter traps on a negative increment, and two scrapes could each read the
        // cache's counts before the other recorded what it reported.
        let metrics = EmulatorMetrics()
        let calls = Atomic<Int>(0)
        let firstHasRead = DispatchSemaphore(value: 0)
        let releaseFirst = DispatchSemaphore(value: 0)
        metrics.responseCache.withLock {
            $0 = EmulatorMetrics.ResponseCacheSource {
                if calls.add(1, ordering: .relaxed).newValue == 1 {
                    firstHasRead.signal()
                    _ = releaseFirst.wait(timeout: .now() + 1)  // the second scrape may be held out by the lock
                    return (10, 1, 0)
                }
                return (12, 1, 0)
            }
        }
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = metrics.render(liveSessions: 0, journalDropped: 0)
            done.signal()
        }
        firstHasRead.wait()
        DispatchQueue.global().async { releaseFirst.signal() }
        let text = String(decoding: metrics.render(liveSessions: 0, journalDropped: 0), as: UTF8.self)
        done.wait()
        #expect(sample(text, "akana_response_cache_hits_total") != nil)
    }
}
