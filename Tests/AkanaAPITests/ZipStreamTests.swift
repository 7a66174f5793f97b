import AkanaDomain
import Dispatch
import Foundation
import Testing

/// ZIPFoundation's inflater (Linux, 0.9.20) reads nothing forever when a deflated entry's stream has
/// not ended at the end of the file. `ZipArchive.read` must answer (a refusal) instead of spinning.
@Suite struct ZipStreamTests {
    /// Runs `ZipArchive.read` on another thread and waits at most 20 s for it: a hang is a failure
    /// (the thread stays behind), not a test run that never ends.
    func readWithin(_ bytes: [UInt8]) -> (finished: Bool, entries: [ZipArchive.Entry]?) {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: [ZipArchive.Entry]?
        Thread.detachNewThread {
            result = try? ZipArchive.read(Data(bytes))
            done.signal()
        }
        let finished = done.wait(timeout: .now() + 20) == .success
        return (finished, finished ? result : nil)
    }

    @Test func aDeflateStreamThatNeverEndsIsARefusalNotAHang() {
        let outcome = readWithin(HostileZips.unendingDeflate())
        #expect(outcome.finished, "ZipArchive.read did not return within 20 s")
        #expect(outcome.entries == nil)
    }

    @Test func aWellFormedDeflatedArchiveStillReads() throws {
        let zip = try ZipArchive.write([.init(path: "index.htm", bytes: Array(String(repeating: "<p>hello</p>", count: 500).utf8))])
        let outcome = readWithin([UInt8](zip))
        #expect(outcome.finished)
        #expect(outcome.entries?.first?.bytes.count == 6_000)
    }
}
