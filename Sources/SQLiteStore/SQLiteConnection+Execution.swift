import CSQLite

extension SQLiteConnection {
    /// Runs one or more `;`-separated statements without parameters (`sqlite3_exec`): schema
    /// scripts, pragmas. Never build this SQL from untrusted values — use `run`/`query` with `?`.
    public func execute(_ sql: String) throws {
        let handle = checkedHandle()
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard code == SQLITE_OK else {
            var error = DatabaseError(code: code, connection: handle, sql: sql)
            if let errorMessage { error.message = String(cString: errorMessage) }
            throw error
        }
    }

    /// Runs one statement with `arguments` bound to its `?` placeholders (1-based, in order),
    /// stepping it to completion. Returns `sqlite3_changes`: the rows changed by the most recent
    /// INSERT/UPDATE/DELETE (meaningless for other statements).
    @discardableResult
    public func run(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> Int {
        try withStatement(sql, arguments) { statement in
            while try statement.step() {}
        }
        return Int(sqlite3_changes(checkedHandle()))
    }

    /// Variadic form of `run(_:_:)`.
    @discardableResult
    public func run(_ sql: String, _ arguments: any SQLiteBindable...) throws -> Int {
        try run(sql, arguments)
    }

    /// Runs one statement and returns every row.
    public func query(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> [SQLiteRow] {
        var rows: [SQLiteRow] = []
        try forEachRow(sql, arguments) { rows.append($0) }
        return rows
    }

    /// Variadic form of `query(_:_:)`.
    public func query(_ sql: String, _ arguments: any SQLiteBindable...) throws -> [SQLiteRow] {
        try query(sql, arguments)
    }

    /// Runs one statement and returns its first row, or `nil` when there is none. The statement
    /// is not stepped further (add `LIMIT 1` when the query could be expensive).
    public func queryFirst(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> SQLiteRow? {
        try withStatement(sql, arguments) { statement in
            guard try statement.step() else { return nil }
            return SQLiteRow(columnNames: statement.columnNames(), values: statement.rowValues())
        }
    }

    /// Variadic form of `queryFirst(_:_:)`.
    public func queryFirst(_ sql: String, _ arguments: any SQLiteBindable...) throws -> SQLiteRow? {
        try queryFirst(sql, arguments)
    }

    /// Runs one statement and calls `body` for each row as it is stepped, without collecting them.
    /// If `body` throws, iteration stops and the error is rethrown.
    public func forEachRow(
        _ sql: String, _ arguments: [any SQLiteBindable] = [], _ body: (SQLiteRow) throws -> Void
    ) throws {
        try withStatement(sql, arguments) { statement in
            var columnNames: [String]?
            while try statement.step() {
                let names = columnNames ?? statement.columnNames()
                columnNames = names
                try body(SQLiteRow(columnNames: names, values: statement.rowValues()))
            }
        }
    }

    /// Binds `arguments` to the cached statement for `sql` and runs `body`; the statement is reset
    /// and its bindings cleared afterwards, whether `body` succeeds or throws. A nested use of the
    /// same SQL while the cached statement is busy gets a one-off statement.
    func withStatement<R>(
        _ sql: String, _ arguments: [any SQLiteBindable], _ body: (Statement) throws -> R
    ) throws -> R {
        let handle = checkedHandle()
        let statement: Statement
        if let cached = statements[sql] {
            statement = cached.isInUse ? try Statement(connection: handle, sql: sql, persistent: false) : cached
        } else {
            statement = try Statement(connection: handle, sql: sql, persistent: true)
            statements[sql] = statement
            statementObserver?(sql)
        }
        statement.isInUse = true
        defer {
            statement.reset()
            statement.isInUse = false
        }
        try statement.bind(arguments)
        return try body(statement)
    }
}
