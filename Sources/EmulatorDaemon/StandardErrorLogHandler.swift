import AkanaDomain
import Foundation
import Logging
import Synchronization

/// swift-log output to stderr, one line per message: `2026-11-22T16:11:19Z info akana-emulator: message key=value`.
/// Cheaper than `StreamLogHandler` on the per-request path: the timestamp text is reused within a
/// second, and lines go out in as few `write(2)` calls as possible.
///
/// `info` and below (the per-request lines, which event-loop threads log for the answers they give
/// from the response cache) are only appended to `StandardErrorSink`'s buffer and written by its own
/// thread, so a slow reader of stderr never stalls a request; `notice` and above are written before
/// `log` returns (after everything buffered before them), so nothing logged before an exit is lost.
struct StandardErrorLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let label: String

    private static let clock = Mutex<(second: Int, text: String)>((-1, ""))

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let explicit = event.metadata
        let second = Int(time(nil))
        let stamp = Self.clock.withLock { cached -> String in
            if cached.second != second {
                cached = (second, Self.format(second))
            }
            return cached.text
        }
        // The line is built as bytes in one buffer (no intermediate String per piece).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        bytes.append(contentsOf: stamp.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: level.rawValue.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: label.utf8)
        bytes.append(0x3A)
        bytes.append(0x20)
        bytes.append(contentsOf: message.description.utf8)
        if !metadata.isEmpty || !(explicit?.isEmpty ?? true) {
            let merged = explicit.map { metadata.merging($0) { $1 } } ?? metadata
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                bytes.append(0x20)
                bytes.append(contentsOf: key.utf8)
                bytes.append(0x3D)
                bytes.append(contentsOf: "\(value)".utf8)
            }
        }
        bytes.append(0x0A)
        if level <= .info {
            StandardErrorSink.shared.enqueue(bytes)
        } else {
            StandardErrorSink.shared.writeNow(bytes)
        }
    }

    private static func format(_ second: Int) -> String {
        Timestamp.iso8601(Date(timeIntervalSince1970: Double(second)))
    }
}

/// The bytes bound for stderr and the thread that writes them (see `StandardErrorLogHandler`).
/// At most `maxBuffered` bytes wait; lines beyond are dropped and counted in a line of their own.
final class StandardErrorSink: Sendable {
    /// Flushed at exit too (`atexit`), so a command's last info lines are not lost.
    static let shared: StandardErrorSink = {
        let sink = StandardErrorSink(fd: 2)
        atexit { StandardErrorSink.shared.flush() }
        return sink
    }()
    static let maxBuffered = 1 << 20

    private struct State {
        var buffer: [UInt8] = []
        /// The writer thread is waiting for `wake` (a signal is owed when something arrives).
        var idle = true
        var dropped = 0
    }

    private let fd: Int32
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    /// Held while bytes are written, so lines written now and buffered ones keep their order.
    private let writing = Mutex(())

    init(fd: Int32) {
        self.fd = fd
        let thread = Thread { [self] in run() }
        thread.name = "akana-log"
        thread.start()
    }

    /// Appends `line`; never waits for the file.
    func enqueue(_ line: [UInt8]) {
        let signal = state.withLock { state -> Bool in
            guard state.buffer.count + line.count <= Self.maxBuffered else {
                state.dropped += 1
                return false
            }
            state.buffer.append(contentsOf: line)
            guard state.idle else { return false }
            state.idle = false
            return true
        }
        if signal { wake.signal() }
    }

    /// Writes everything buffered, then `line`, before returning.
    func writeNow(_ line: [UInt8]) {
        writing.withLock { _ in
            write(take() + line)
        }
    }

    /// Writes everything buffered so far before returning.
    func flush() {
        writing.withLock { _ in write(take()) }
    }

    private func take() -> [UInt8] {
        state.withLock { state -> [UInt8] in
            var taken: [UInt8] = []
            swap(&taken, &state.buffer)
            if state.dropped > 0 {
                taken.append(contentsOf: Array("(\(state.dropped) log lines dropped: stderr was not read fast enough)\n".utf8))
                state.dropped = 0
            }
            return taken
        }
    }

    private func run() {
        while true {
            wake.wait()
            while true {
                let more = writing.withLock { _ -> Bool in
                    let bytes = take()
                    write(bytes)
                    return !bytes.isEmpty
                }
                if more { continue }
                let done = state.withLock { state -> Bool in
                    guard state.buffer.isEmpty else { return false }
                    state.idle = true
                    return true
                }
                if done { break }
            }
        }
    }

    private func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }
}
