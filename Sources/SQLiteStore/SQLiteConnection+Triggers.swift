import CSQLite

extension SQLiteConnection {
    /// Runs `body` with every trigger of this connection switched off
    /// (`SQLITE_DBCONFIG_ENABLE_TRIGGER`), e.g. to put rows back exactly as they were without the
    /// schema's triggers deriving anything from them. Foreign-key actions still run. Switching
    /// expires this connection's prepared statements (SQLite re-prepares them on next use).
    public func withTriggersDisabled<T>(_ body: () throws -> T) throws -> T {
        let handle = checkedHandle()
        // The out-parameter reports the setting after the call: read it first (-1 changes nothing).
        var previous: Int32 = 1
        var current: Int32 = 0
        var code = csqlite_db_config_int(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &previous)
        if code == SQLITE_OK { code = csqlite_db_config_int(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &current) }
        guard code == SQLITE_OK else { throw DatabaseError(code: code, connection: handle, sql: nil) }
        defer { _ = csqlite_db_config_int(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, previous, &current) }
        return try body()
    }
}
