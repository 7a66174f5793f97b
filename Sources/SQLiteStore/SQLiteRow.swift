/// One result row: column names and values, copied out of the statement (safe to keep).
///
/// Lookups by name return the first column with exactly that name, falling back to a
/// case-insensitive match (SQLite column names are case-insensitive); a missing column reads as
/// `.null`. The typed accessors convert between numeric classes when no precision is lost and
/// return `nil` for NULL, for a missing column and for a value of an incompatible class.
public struct SQLiteRow: Sendable {
    public var columnNames: [String]
    public var values: [SQLiteValue]

    public init(columnNames: [String], values: [SQLiteValue]) {
        self.columnNames = columnNames
        self.values = values
    }

    /// The number of columns.
    public var count: Int { values.count }

    /// The index of `column`, or `nil` when the row has no such column.
    public func index(of column: String) -> Int? {
        // Lengths first (O(1) for native strings): most columns differ in length, so only one or
        // two names are compared byte by byte.
        let length = column.utf8.count
        for index in columnNames.indices where columnNames[index].utf8.count == length && columnNames[index] == column {
            return index
        }
        let lowered = column.lowercased()
        return columnNames.firstIndex { $0.lowercased() == lowered }
    }

    /// The value at `index`, or `.null` when out of range.
    public subscript(_ index: Int) -> SQLiteValue {
        values.indices.contains(index) ? values[index] : .null
    }

    /// The raw value of `column`, or `.null` when the row has no such column. Domain code reads
    /// through `value(_:)` and the typed accessors below, which refuse a column the query did not select.
    public subscript(_ column: String) -> SQLiteValue {
        guard let index = index(of: column) else { return .null }
        return values[index]
    }

    /// The value of `column`; a column the result does not have is a programming error, thrown.
    public func value(_ column: String) throws(SQLiteRowError) -> SQLiteValue {
        guard let index = index(of: column) else { throw SQLiteRowError(.missingColumn, column: column, columns: columnNames) }
        return values[index]
    }

    // MARK: Typed accessors by name: nil for NULL (or another type); a column not selected throws

    public func string(_ column: String) throws(SQLiteRowError) -> String? { Self.string(try value(column)) }
    public func int(_ column: String) throws(SQLiteRowError) -> Int? { Self.int64(try value(column)).flatMap { Int(exactly: $0) } }
    public func int64(_ column: String) throws(SQLiteRowError) -> Int64? { Self.int64(try value(column)) }
    public func double(_ column: String) throws(SQLiteRowError) -> Double? { Self.double(try value(column)) }
    public func bool(_ column: String) throws(SQLiteRowError) -> Bool? { Self.bool(try value(column)) }
    public func blob(_ column: String) throws(SQLiteRowError) -> [UInt8]? { Self.blob(try value(column)) }

    // MARK: Required accessors, for NOT NULL columns: NULL, another type or a column not selected throws

    public func requiredString(_ column: String) throws(SQLiteRowError) -> String { try required(column, Self.string) }
    public func requiredInt(_ column: String) throws(SQLiteRowError) -> Int {
        try required(column) { Self.int64($0).flatMap { Int(exactly: $0) } }
    }
    public func requiredInt64(_ column: String) throws(SQLiteRowError) -> Int64 { try required(column, Self.int64) }
    public func requiredDouble(_ column: String) throws(SQLiteRowError) -> Double { try required(column, Self.double) }
    public func requiredBool(_ column: String) throws(SQLiteRowError) -> Bool { try required(column, Self.bool) }
    public func requiredBlob(_ column: String) throws(SQLiteRowError) -> [UInt8] { try required(column, Self.blob) }

    private func required<T>(_ column: String, _ convert: (SQLiteValue) -> T?) throws(SQLiteRowError) -> T {
        let raw = try value(column)
        if case .null = raw { throw SQLiteRowError(.null, column: column, columns: columnNames) }
        guard let converted = convert(raw) else { throw SQLiteRowError(.wrongType, column: column, columns: columnNames) }
        return converted
    }

    // MARK: Typed accessors by index

    public func string(_ index: Int) -> String? { Self.string(self[index]) }
    public func int(_ index: Int) -> Int? { Self.int64(self[index]).flatMap { Int(exactly: $0) } }
    public func int64(_ index: Int) -> Int64? { Self.int64(self[index]) }
    public func double(_ index: Int) -> Double? { Self.double(self[index]) }
    public func bool(_ index: Int) -> Bool? { Self.bool(self[index]) }
    public func blob(_ index: Int) -> [UInt8]? { Self.blob(self[index]) }

    // MARK: Conversions

    /// TEXT only (a number is not silently turned into a string).
    private static func string(_ value: SQLiteValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }

    /// INTEGER, or a REAL with an exact integer value.
    private static func int64(_ value: SQLiteValue) -> Int64? {
        switch value {
        case .integer(let integer): return integer
        case .real(let real): return Int64(exactly: real)
        default: return nil
        }
    }

    /// REAL or INTEGER.
    private static func double(_ value: SQLiteValue) -> Double? {
        switch value {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        default: return nil
        }
    }

    /// Any non-zero number is `true` (SQLite's own truthiness).
    private static func bool(_ value: SQLiteValue) -> Bool? {
        switch value {
        case .integer(let integer): return integer != 0
        case .real(let real): return real != 0
        default: return nil
        }
    }

    /// BLOB, or the UTF-8 bytes of a TEXT.
    private static func blob(_ value: SQLiteValue) -> [UInt8]? {
        switch value {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        default: return nil
        }
    }
}

/// A row read the wrong way: a column the query did not select, or NULL / another type where the
/// reader requires a value. Always a programming error (or a damaged database): a 500, logged.
public struct SQLiteRowError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case missingColumn, null, wrongType
    }

    public var kind: Kind
    public var column: String
    public var columns: [String]

    public init(_ kind: Kind, column: String, columns: [String]) {
        self.kind = kind
        self.column = column
        self.columns = columns
    }

    public var description: String {
        switch kind {
        case .missingColumn: "The result has no column \(column) (it has \(columns.joined(separator: ", ")))."
        case .null: "Column \(column) is NULL where a value is required."
        case .wrongType: "Column \(column) does not hold the type it is read as."
        }
    }
}
