/// `PRAGMA synchronous` for the writer connection.
///
/// In WAL mode, NORMAL is safe from corruption; a power loss may lose the last transactions.
/// FULL also syncs the WAL on every commit (durable, slower).
public enum SynchronousMode: String, Sendable {
    case normal = "NORMAL"
    case full = "FULL"
    /// No fsync at all: only for scratch databases that are thrown away after a crash (e.g. the
    /// state a reset builds before it is copied over the real database).
    case off = "OFF"
}

/// How a `DatabasePool` opens and sets up its connections.
public struct DatabaseConfiguration: Sendable {
    /// The number of read-only connections (at least 1); `read` blocks when all are busy.
    public var readerCount: Int = 4
    /// Seconds a connection waits for a lock before failing with SQLITE_BUSY
    /// (`sqlite3_busy_timeout`; no custom busy handler is installed).
    public var busyTimeout: Double = 5
    /// `PRAGMA synchronous` for the writer.
    public var synchronous: SynchronousMode = .normal
    /// WAL size (pages) past which a background checkpoint runs (SQLite's own default is 1000).
    public var checkpointPages: Int32 = 1000
    /// Page cache of each reader connection, in KiB (`PRAGMA cache_size = -N`; SQLite's own default
    /// is 2000 KiB per connection). Pages a reader misses come from the OS page cache, which holds
    /// the file once for every connection: a small cache per reader costs a `pread` and a copy per
    /// miss, a large one keeps a private copy of the hot pages in each reader.
    public var readerCacheKiB: Int = DatabaseConfiguration.defaultReaderCacheKiB
    /// Page cache of the writer connection, in KiB (`PRAGMA cache_size = -N`).
    public var writerCacheKiB: Int = DatabaseConfiguration.defaultWriterCacheKiB
    public static let defaultReaderCacheKiB = 512
    public static let defaultWriterCacheKiB = 1024
    /// Called with the SQL text of every statement a connection of the pool prepares (once per
    /// connection and text, as statements are cached): a debugging and test hook, e.g. to run
    /// `EXPLAIN QUERY PLAN` over everything a workload executed. Must be cheap and thread-safe.
    public var statementObserver: (@Sendable (String) -> Void)?

    public init(readerCount: Int = 4, busyTimeout: Double = 5, synchronous: SynchronousMode = .normal, checkpointPages: Int32 = 1000) {
        self.readerCount = readerCount
        self.busyTimeout = busyTimeout
        self.synchronous = synchronous
        self.checkpointPages = checkpointPages
    }
}
