import Dispatch
import Foundation
import Testing

@testable import EmulatorDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// The log output: info lines buffered and written by their own thread (an event loop that logs a
/// cached answer never waits for stderr), louder lines written at once, in order.
@Suite struct StandardErrorSinkTests {
    func pipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        #expect(Glibc.pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    func readAll(_ fd: Int32, until expected: Int) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < expected {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func bufferedAndImmediateLinesKeepTheirOrder() {
        let (r, w) = pipe()
        defer {
            close(r)
            close(w)
        }
        let sink = StandardErrorSink(fd: w)
        for n in 0..<100 { sink.enqueue(Array("info \(n)\n".utf8)) }
        sink.writeNow(Array("notice last\n".utf8))
        let expected = (0..<100).map { "info \($0)\n" }.joined() + "notice last\n"
        #expect(readAll(r, until: expected.utf8.count) == expected)
    }

    @Test func aStderrNobodyReadsNeverBlocksTheLoggerAndDropsAreCounted() {
        let (r, w) = pipe()
        defer {
            close(r)
            close(w)
        }
        let sink = StandardErrorSink(fd: w)
        let line = Array((String(repeating: "x", count: 1023) + "\n").utf8)
        let start = DispatchTime.now()
        // 4 MiB against a 64 KiB pipe and a 1 MiB buffer, with nobody reading.
        for _ in 0..<4096 { sink.enqueue(line) }
        #expect(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 < 5)
        // Reading now lets the writer thread go on; the count of dropped lines follows what was kept.
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            sink.flush()
            done.signal()
        }
        // Read until the flush is over: the note of dropped lines can come before the last kept
        // lines, and a reader that stopped at it would leave the writer blocked on a full pipe.
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = DispatchTime.now() + 20
        var flushed = false
        while DispatchTime.now() < deadline {
            var poller = pollfd(fd: r, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 10) > 0 {
                let n = read(r, &buffer, buffer.count)
                if n <= 0 { break }
                text += String(decoding: buffer[0..<n], as: UTF8.self)
            } else if flushed {
                break  // the flush ended and the pipe is empty
            } else {
                flushed = done.wait(timeout: .now()) == .success
            }
        }
        #expect(flushed, "the flush never finished")
        #expect(text.contains("log lines dropped"))
    }
}
