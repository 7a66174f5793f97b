import CCrypto
import Foundation
import Synchronization
import Testing

@testable import SQLiteStore

/// The size of the file at `path`, or `nil` if it does not exist.
func fileSize(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
}

/// A marker error for "body threw" tests.
struct TestFailure: Error, Equatable {
    var id = 1
}

extension DispatchSemaphore {
    /// Waits up to `seconds`; records an issue on timeout.
    func waitOrFail(seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) {
        let result = wait(timeout: .now() + seconds)
        #expect(result == .success, "timed out waiting", sourceLocation: sourceLocation)
    }
}

/// A thread-safe array, for collecting results from other threads.
final class LockedArray<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) { storage.withLock { $0.append(element) } }
    var values: [Element] { storage.withLock { $0 } }
}

extension Migration {
    /// A migration checksummed as the emulator does it (OpenSSL's SHA-256, lowercase hex).
    init(name: String, sql: String) {
        self.init(name: name, sql: sql, checksum: sha256Hex)
    }
}

@Sendable func sha256Hex(_ bytes: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    bytes.withUnsafeBufferPointer { input in
        digest.withUnsafeMutableBufferPointer { output in _ = SHA256(input.baseAddress, input.count, output.baseAddress) }
    }
    return digest.map { String(format: "%02x", $0) }.joined()
}
