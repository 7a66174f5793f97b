import SQLiteStore

/// Tests read and write outside any request: these spell `pool.read { … }` and `pool.write { … }`
/// for `read(in: .detached)` and `write(in: .detached)` (no participant, no deadline). The
/// emulator's own code has no such shorthand: it passes the request's scope, or names why none
/// exists (`.startup`, `.background`).
extension DatabasePool {
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try read(in: .detached, body)
    }

    @discardableResult
    public func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try write(in: .detached, body)
    }
}
