import CSQLite

/// Process-wide SQLite settings, applied before the first connection opens (see
/// `csqlite_configure_library`): memory statistics are off, so allocations take no global mutex.
enum SQLiteLibrary {
    private static let configured: Int32 = csqlite_configure_library()

    /// Applies the settings once; every path that opens a connection calls it first.
    static func configure() {
        _ = configured
    }
}
