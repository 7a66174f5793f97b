import CSQLite

/// A Swift value that can be bound to a `?` placeholder of a statement.
///
/// Values are always bound with `sqlite3_bind_*`, never interpolated into SQL text.
public protocol SQLiteBindable {
    /// The value to bind.
    var sqliteValue: SQLiteValue { get }
    /// Binds the value to placeholder `index` (1-based) of the prepared statement `statement`;
    /// returns SQLite's result code. The default binds `sqliteValue`; `String` binds its bytes
    /// directly (it is most of what is bound).
    func bindSQLite(to statement: OpaquePointer, at index: Int32) -> Int32
}

extension SQLiteBindable {
    public func bindSQLite(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqliteValue.bindSQLite(to: statement, at: index)
    }
}

extension SQLiteValue: SQLiteBindable {
    public var sqliteValue: SQLiteValue { self }

    public func bindSQLite(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .null:
            return sqlite3_bind_null(statement, index)
        case .integer(let integer):
            return sqlite3_bind_int64(statement, index, integer)
        case .real(let real):
            return sqlite3_bind_double(statement, index, real)
        case .text(let text):
            return Self.bindText(text, to: statement, at: index)
        case .blob(let bytes):
            // An empty blob must stay an empty blob (a nil pointer would bind NULL).
            if bytes.isEmpty { return sqlite3_bind_zeroblob(statement, index, 0) }
            return bytes.withUnsafeBytes { raw in
                sqlite3_bind_blob64(statement, index, raw.baseAddress, sqlite3_uint64(raw.count), csqlite_transient())
            }
        }
    }

    /// Bound with an explicit length, so embedded NULs survive; "" must not become NULL.
    static func bindText(_ text: String, to statement: OpaquePointer, at index: Int32) -> Int32 {
        if text.isEmpty { return sqlite3_bind_text(statement, index, "", 0, csqlite_transient()) }
        func bind(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
            bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text64(
                    statement, index, chars.baseAddress, sqlite3_uint64(chars.count), csqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
        if let code = text.utf8.withContiguousStorageIfAvailable(bind) { return code }
        var copy = text
        return copy.withUTF8(bind)
    }
}

extension String: SQLiteBindable {
    public var sqliteValue: SQLiteValue { .text(self) }

    public func bindSQLite(to statement: OpaquePointer, at index: Int32) -> Int32 {
        SQLiteValue.bindText(self, to: statement, at: index)
    }
}

extension Substring: SQLiteBindable {
    public var sqliteValue: SQLiteValue { .text(String(self)) }
}

extension Int: SQLiteBindable {
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Int64: SQLiteBindable {
    public var sqliteValue: SQLiteValue { .integer(self) }
}

extension Int32: SQLiteBindable {
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Double: SQLiteBindable {
    public var sqliteValue: SQLiteValue { .real(self) }
}

/// Booleans are stored as the integers 0 and 1 (SQLite has no boolean storage class).
extension Bool: SQLiteBindable {
    public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }
}

/// A byte array is a blob.
extension Array: SQLiteBindable where Element == UInt8 {
    public var sqliteValue: SQLiteValue { .blob(self) }
}

/// `nil` is bound as NULL.
extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public var sqliteValue: SQLiteValue {
        switch self {
        case .none: return .null
        case .some(let wrapped): return wrapped.sqliteValue
        }
    }
}
