import CSQLite

extension SQLiteConnection {
    /// Runs `body` with every trigger of this connection switched off
    /// (`SQLITE_DBCONFIG_ENABLE_TRIGGER`), e.g. to put rows back exactly as they were without the
    /// schema's triggers deriving anything from them. Foreign-key actions still run. Switching
    /// expires this connection's prepared statements (SQLite re-prepares them on next use).
    public func withTriggersDisabled<T>(_ body: () throws -> T) throws -> T {
        let handle = checkedHandle()
        var previous: Int32 = 1
        var code = csqlite_db_config_int(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &previous)
        guard code == SQLITE_OK else { throw DatabaseError(code: code, connection: handle, sql: nil) }
        defer {
            var ignored: Int32 = 0
            code = csqlite_db_config_int(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, previous, &ignored)
        }
        return try body()
    }
}
