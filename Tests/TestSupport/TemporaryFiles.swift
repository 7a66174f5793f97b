import Foundation
import SQLiteStore

/// A fresh directory under the system temp dir, removed on deinit.
public final class TemporaryDirectory: @unchecked Sendable {  // immutable
    public let url: URL

    /// `<temp dir>/<prefix>-<UUID>`.
    public init(prefix: String = "akana-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A fresh directory under the system temp dir, removed when `body` returns or throws.
public func withTemporaryDirectory<T>(prefix: String = "akana-test", _ body: (String) throws -> T) throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    return try withExtendedLifetime(directory) { try body(directory.url.path) }
}

/// A fresh directory under the system temp dir that the caller removes.
public func makeTemporaryDirectory(prefix: String = "akana-test") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// A `DatabasePool` on `<its own temp dir>/test.sqlite`, prepared by `prepare` (a schema, a
/// migrator); closed and deleted on deinit.
public final class TemporaryDatabase: @unchecked Sendable {  // immutable; the pool is thread-safe
    public let directory: TemporaryDirectory
    public let pool: DatabasePool
    public var path: String { directory.path("test.sqlite") }

    public init(
        prefix: String = "akana-test", configuration: DatabaseConfiguration = .init(),
        prepare: (DatabasePool) throws -> Void
    ) throws {
        directory = try TemporaryDirectory(prefix: prefix)
        pool = try DatabasePool(path: directory.path("test.sqlite"), configuration: configuration)
        try prepare(pool)
    }

    deinit { try? pool.close() }
}

/// A pool on `<temp dir>/test.sqlite` for `body` (given the pool and the directory), closed and
/// deleted afterwards.
public func withPool<T>(_ configuration: DatabaseConfiguration = .init(), _ body: (DatabasePool, String) throws -> T) throws -> T {
    try withTemporaryDirectory { directory in
        let pool = try DatabasePool(path: directory + "/test.sqlite", configuration: configuration)
        defer { try? pool.close() }
        return try body(pool, directory)
    }
}
