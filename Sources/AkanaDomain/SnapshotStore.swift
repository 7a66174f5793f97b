import Foundation
import SQLiteStore

/// Named, consistent copies of the whole database, kept as SQLite files in `<database>.snapshots/`.
/// Taken with the online backup API while traffic continues; restored in one transaction, so a
/// failed restore leaves the current state intact and readers never see a mix.
public struct SnapshotStore: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var name: String
        public var created: String
        public var sizeBytes: Int
    }

    public let database: DatabasePool
    public let directory: String

    public init(database: DatabasePool) {
        self.database = database
        self.directory = database.path + ".snapshots"
    }

    /// Names are file names, so they are kept to letters, digits, `.`, `_` and `-`.
    public static func validate(_ name: String) throws {
        guard (1...64).contains(name.count), name.first != ".",
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") })
        else { throw DomainError.badRequest("A snapshot name is 1 to 64 letters, digits, '.', '_' or '-' (not starting with '.'), not '\(name)'.") }
    }

    private func path(_ name: String) -> String { directory + "/" + name + ".sqlite" }

    public func create(_ name: String) throws -> Snapshot {
        try Self.validate(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard !FileManager.default.fileExists(atPath: path(name)) else {
            throw DomainError.conflict("Snapshot \(name) already exists; delete it first or pick another name.")
        }
        try database.backup(to: path(name))
        guard let snapshot = try info(name) else { throw DomainError.notFound("Snapshot \(name) was not written.") }
        return snapshot
    }

    public func list() throws -> [Snapshot] {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return try files.filter { $0.hasSuffix(".sqlite") }.map { String($0.dropLast(7)) }.sorted().compactMap(info)
    }

    public func info(_ name: String) throws -> Snapshot? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path(name)) else { return nil }
        let created = (attributes[.modificationDate] as? Date).map(Timestamp.iso8601) ?? ""
        return Snapshot(name: name, created: created, sizeBytes: (attributes[.size] as? Int) ?? 0)
    }

    /// Swaps the whole state for the snapshot's. Refused when the snapshot was taken at another
    /// schema version. The request journal is not rewound: it records requests that were made, and
    /// a test that restores a snapshot still wants to read back what it sent before.
    public func restore(_ name: String, scope: TransactionScope = .detached) throws {
        try Self.validate(name)
        guard FileManager.default.fileExists(atPath: path(name)) else { throw DomainError.notFound("Snapshot \(name) was not found.") }
        try database.replaceContents(from: path(name), keeping: [RequestJournal.table], in: scope) { db in
            let current = try db.query("SELECT name, checksum FROM main.schema_migrations ORDER BY name").map { "\($0.string("name") ?? "") \($0.string("checksum") ?? "")" }
            let snapshot = try db.query("SELECT name, checksum FROM source.schema_migrations ORDER BY name").map { "\($0.string("name") ?? "") \($0.string("checksum") ?? "")" }
            guard current == snapshot else {
                throw DomainError.conflict("Snapshot \(name) was taken at schema \(snapshot.last ?? "none"), this database is at \(current.last ?? "none"); it cannot be restored here.")
            }
        }
    }

    public func delete(_ name: String) throws {
        try Self.validate(name)
        guard FileManager.default.fileExists(atPath: path(name)) else { throw DomainError.notFound("Snapshot \(name) was not found.") }
        try FileManager.default.removeItem(atPath: path(name))
    }
}
