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
        bytes.withUnsafeBytes { buffer in
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
