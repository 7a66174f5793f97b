import AkanaDomain
import Foundation
import Logging
import Synchronization

/// swift-log output to stderr, one line per message: `2026-11-22T16:11:19Z info akana-emulator: message key=value`.
/// Cheaper than `StreamLogHandler` on the per-request path: the timestamp text is reused within a
/// second and each line goes out in a single `write(2)`.
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
        let level = event.level, message = event.message, explicit = event.metadata
        let second = Int(Date().timeIntervalSince1970)
        let stamp = Self.clock.withLock { cached -> String in
            if cached.second != second {
                cached = (second, Self.format(second))
            }
            return cached.text
        }
        var text = "\(stamp) \(level) \(label): \(message)"
        let merged = explicit.map { metadata.merging($0) { $1 } } ?? metadata
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        text += "\n"
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }

    private static func format(_ second: Int) -> String {
        Timestamp.iso8601(Date(timeIntervalSince1970: Double(second)))
    }
}
