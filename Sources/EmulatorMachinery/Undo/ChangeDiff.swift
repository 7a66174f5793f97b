import AkanaDomain
import SQLiteStore

/// What changed since a checkpoint, read from the undo log: every row the log names after the
/// checkpoint's position, grouped by row, compared with the row as it is now. A row whose first
/// entry after the mark is an insert did not exist at the checkpoint: if it exists now it was
/// created (a row created and deleted again is not shown); otherwise the entry holds the row as it
/// was, and the row is changed (only the fields that differ) or deleted. The cost is the entries
/// after the mark plus one primary-key lookup per row they name, not the size of the data.
///
/// Rows of the platform's resources are shown as the domain names them (`DiffVocabulary`): the
/// object's type, its id and its fields' names; other tables as table, rowid and column names.
public struct ChangeDiff: Sendable, Equatable {
    /// One created, changed or deleted row.
    public struct Object: Sendable, Equatable {
        /// The resource type (`App`, `AppVersion`, `Contract` …); nil for a table the vocabulary
        /// does not name.
        public var type: String?
        /// The resource's id (key columns joined with `:`); nil with `type`.
        public var id: String?
        public var table: String
        public var rowID: Int64
        /// Created: the fields now. Deleted: the fields as they were. Changed: only the fields that
        /// differ, before and after. Field names are the vocabulary's (column names for other tables).
        public var fields: [Field]
    }

    public struct Field: Sendable, Equatable {
        public var name: String
        public var before: Value?
        public var after: Value?
    }

    /// A field's value as the diff shows it: blobs as their size, hidden fields (password hashes)
    /// as `hidden`.
    public enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob(size: Int)
        case hidden
    }

    public var created: [Object] = []
    public var changed: [Object] = []
    public var deleted: [Object] = []
    /// Undo-log entries read.
    public var entries = 0
    /// True when more than `limit` rows changed: the lists hold the first `limit` (by first change).
    public var truncated = false

    /// The diff since log position `seq` (a mark's), at most `limit` rows.
    static func since(_ seq: Int64, _ db: SQLiteConnection, limit: Int) throws -> ChangeDiff {
        // The first entry after the mark of each row: it holds the row as it was at the checkpoint.
        var firsts: [RowKey: (op: UndoLog.Operation, values: [SQLiteValue])] = [:]
        var order: [RowKey] = []
        var diff = ChangeDiff()
        var columnsByTable: [String: [String]] = [:]
        func columns(_ table: String) throws -> [String] {
            if let known = columnsByTable[table] { return known }
            let found = try UndoLog.columns(db, table)
            columnsByTable[table] = found
            return found
        }
        try UndoLogRepository.forEachEntryInOrder(db, after: seq) { entry in
            diff.entries += 1
            guard let table = try entry.string("tbl"), !DiffVocabulary.notShown.contains(table),
                let op = try entry.int64("op").flatMap(UndoLog.Operation.init(rawValue:)), let rid = try entry.int64("rid")
            else { return }
            let key = RowKey(table: table, rowID: rid)
            guard firsts[key] == nil else { return }
            guard order.count < limit else {
                diff.truncated = true
                return
            }
            let width = try columns(table).count
            firsts[key] = (op, op == .inserted ? [] : (0..<width).map { entry["v\($0)"] })
            order.append(key)
        }
        for key in order {
            guard let first = firsts[key] else { continue }
            let names = try columns(key.table)
            let now = try UndoLogRepository.row(db, table: key.table, rowID: key.rowID).map { row in names.map { row[$0] } }
            let resource = DiffVocabulary.resources[key.table]
            let fieldNames = names.map { resource?.fieldName($0) ?? $0 }
            let hidden = resource?.hidden ?? []
            func value(_ raw: SQLiteValue, column: String) -> Value {
                if hidden.contains(column) { return .hidden }
                return switch raw {
                case .null: .null
                case .integer(let integer): .integer(integer)
                case .real(let real): .real(real)
                case .text(let text): .text(text)
                case .blob(let bytes): .blob(size: bytes.count)
                }
            }
            func object(_ values: [SQLiteValue], fields: [Field]) -> Object {
                let id = resource.map { resource in
                    resource.key.map { column in names.firstIndex(of: column).map { values[$0].diffText } ?? "" }.joined(separator: ":")
                }
                return Object(type: resource?.type, id: id, table: key.table, rowID: key.rowID, fields: fields)
            }
            switch (first.op, now) {
            case (.inserted, nil):
                continue  // created and deleted again since the checkpoint
            case (.inserted, let values?):
                diff.created.append(
                    object(
                        values,
                        fields: names.indices.map { Field(name: fieldNames[$0], before: nil, after: value(values[$0], column: names[$0])) })
                )
            case (_, nil):
                diff.deleted.append(
                    object(
                        first.values,
                        fields: names.indices.map {
                            Field(name: fieldNames[$0], before: value(first.values[$0], column: names[$0]), after: nil)
                        }))
            case (_, let values?):
                let differing = names.indices.filter { first.values[$0] != values[$0] }
                guard !differing.isEmpty else { continue }
                diff.changed.append(
                    object(
                        values,
                        fields: differing.map {
                            Field(
                                name: fieldNames[$0], before: value(first.values[$0], column: names[$0]),
                                after: value(values[$0], column: names[$0]))
                        }))
            }
        }
        return diff
    }

    private struct RowKey: Hashable {
        var table: String
        var rowID: Int64
    }
}

extension SQLiteValue {
    /// The value as text, for an object id made of key columns.
    fileprivate var diffText: String {
        switch self {
        case .null: ""
        case .integer(let integer): String(integer)
        case .real(let real): String(real)
        case .text(let text): text
        case .blob(let bytes): "<\(bytes.count) bytes>"
        }
    }
}
