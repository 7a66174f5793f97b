/// One SQLite value, in one of the five storage classes (https://www.sqlite.org/datatype3.html).
///
/// This is what every argument is bound as, and what every column is decoded into (by
/// `sqlite3_column_type`), so a value round-trips through the database unchanged.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// `true` for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension SQLiteValue: CustomStringConvertible {
    /// A debugging rendering. Blobs show only their size; do not log values that may be secrets.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let value): return String(value)
        case .real(let value): return String(value)
        case .text(let value): return "'" + value.doublingSingleQuotes() + "'"
        case .blob(let bytes): return "<blob: \(bytes.count) bytes>"
        }
    }
}

extension String {
    /// `'` → `''`, as in an SQL literal (used for debug descriptions only, never to build SQL).
    fileprivate func doublingSingleQuotes() -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self {
            if character == "'" { result += "''" } else { result.append(character) }
        }
        return result
    }
}
