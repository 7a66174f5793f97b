import AkanaDomain
import Logging
import SQLiteStore

/// The documented settings, in the order `akana-emulator config` prints them (docs/configuration.md
/// lists the same keys, checked by `DocumentationTests`). `users` and `tenants` (lists of objects)
/// are handled by `ConfigurationLoader` and can be set only in the config file.
public enum ConfigurationKeys {
    public static let all: [ConfigurationKey] = [
        .string(
            "host", "Address to listen on. Loopback by default; any other address needs every seeded password changed.", \.host,
            validate: { $0.isEmpty ? "must not be empty" : nil }),
        .integer("port", "TCP port; 0 picks a free port (the chosen one is printed).", \.port, range: 0...65535),
        .boolean(
            "gateway.enabled",
            "Run the emulated gateway: a second listener (on host) serving every API implementation's access point.",
            \.gatewayEnabled),
        .integer(
            "gateway.port",
            "The gateway's TCP port; 0 picks a free port (printed as 'gateway listening on http://HOST:PORT'). Not set: 8081, or a free port when port is 0.",
            \.gatewayPort, range: 0...65535),
        .string(
            "database", "SQLite database file, created and migrated when missing.", \.database,
            validate: { $0.isEmpty ? "must not be empty" : nil }),
        ConfigurationKey(
            key: "durability",
            help: "normal: a 2xx survives a crash of the process (WAL, synchronous=NORMAL); full: also a power loss (synchronous=FULL).",
            apply: { configuration, value throws(ConfigurationError) in
                guard let text = value.stringValue, let mode = SynchronousMode(rawValue: text.uppercased()), mode != .off else {
                    throw ConfigurationError("durability must be \"normal\" or \"full\", not \(ConfigurationKey.show(value))")
                }
                configuration.durability = mode
            }, read: { .string($0.durability.rawValue.lowercased()) }),
        .integer("databaseReaders", "Read-only connections serving reads in parallel with the writer.", \.databaseReaders, range: 1...64),
        .integer(
            "databaseReaderCacheKilobytes",
            "SQLite page cache of each reader connection, in KiB (PRAGMA cache_size; misses are read from the OS page cache).",
            \.databaseReaderCacheKilobytes, range: 64...1_048_576),
        .integer(
            "databaseWriterCacheKilobytes", "SQLite page cache of the writer connection, in KiB.", \.databaseWriterCacheKilobytes,
            range: 64...1_048_576),
        ConfigurationKey(
            key: "logLevel", help: "trace, debug, info (one line per request), notice, warning, error or critical.",
            apply: { configuration, value throws(ConfigurationError) in
                guard let text = value.stringValue, let level = Logger.Level(rawValue: text.lowercased()) else {
                    throw ConfigurationError(
                        "logLevel must be one of trace, debug, info, notice, warning, error, critical, not \(ConfigurationKey.show(value))")
                }
                configuration.logLevel = level
            }, read: { .string($0.logLevel.rawValue) }),
        .string(
            "tenant", "The default tenant (fedmemberid): ids end in .<tenant>, cookies are AtmoAuthToken_<tenant>.", \.tenant,
            validate: { text in
                text.isEmpty || !text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
                    ? "must be letters, digits, '-' or '_'" : nil
            }),
        .string(
            "adminToken", "Bearer token the /_emulator/ routes require when host is not loopback (required then; unused on loopback).",
            \.adminToken),
        .string(
            "fixtures",
            "Directory of fixture documents (*.json) applied at startup (only what is missing) and by every reset; \"\" for none.",
            \.fixtures),
        .boolean(
            "deterministicIds",
            "Mint ids, session tokens and secrets from a generator seeded with deterministicSeed, persisted across restarts (loopback only).",
            \.deterministicIds),
        ConfigurationKey(
            key: "deterministicSeed", help: "The seed of deterministicIds: a string or a whole number.",
            apply: { configuration, value throws(ConfigurationError) in
                if case .string(let text) = value, !text.isEmpty {
                    configuration.deterministicSeed = text
                } else if let number = value.intValue {
                    configuration.deterministicSeed = String(number)
                } else {
                    throw ConfigurationError(
                        "deterministicSeed must be a non-empty string or a whole number, not \(ConfigurationKey.show(value))")
                }
            }, read: { .string($0.deterministicSeed) }),
        .integer(
            "sessions.lifetimeMinutes", "Inactivity lifetime of a login session; renewing extends it by this much.",
            \.sessionLifetimeMinutes, range: 1...10_080),
        .integer("sessions.maxHours", "A session can never be renewed beyond this long after login.", \.sessionMaxHours, range: 1...720),
        .boolean(
            "csrf.readRequests", "Tenant setting ReadRequestCSRFSupport: require X-Csrf-Token_<tenant> on GET/HEAD.", \.csrfReadRequests),
        .boolean(
            "csrf.writeRequests", "Tenant setting WriteRequestCSRFSupport: require X-Csrf-Token_<tenant> on other methods.",
            \.csrfWriteRequests),
        .integer(
            "login.maxFailures", "Failed logins within login.failureWindowSeconds that lock the account (0 = never lock).",
            \.loginMaxFailures, range: 0...1000),
        .seconds(
            "login.failureWindowSeconds", "The window in which failed logins are counted.", \.loginFailureWindowSeconds, range: 1...86_400),
        .seconds(
            "login.lockSeconds", "How long a locked account (or client address) refuses logins, from its last failure.", \.loginLockSeconds,
            range: 1...86_400),
        .integer(
            "login.maxFailuresPerAddress",
            "Failed logins from one client address within login.failureWindowSeconds that lock that address, whatever the accounts (0 = never).",
            \.loginMaxFailuresPerAddress, range: 0...100_000),
        .integer(
            "login.passwordHashThreads",
            "Password verifications (PBKDF2) running at once, each on a thread of its own at the normal priority.",
            \.loginPasswordHashThreads, range: 1...64),
        .integer(
            "login.passwordHashQueueLimit", "Logins allowed to wait for a password-hash thread; one more is answered 503 with Retry-After.",
            \.loginPasswordHashQueueLimit, range: 0...10_000),
        .integer("limits.maxHeaderBytes", "Request line plus headers; larger → 431 and close.", \.maxHeaderBytes, range: 1024...1_048_576),
        .integer("limits.maxHeaderCount", "Header fields per request; more → 431 and close.", \.maxHeaderCount, range: 8...10_000),
        .integer("limits.maxBodyBytes", "Request body; larger → 413 and close.", \.maxBodyBytes, range: 0...1_073_741_824),
        .seconds(
            "limits.headerReadTimeoutSeconds", "Time a client has to send a whole request once it starts; slower → 408 and close.",
            \.headerReadTimeoutSeconds, range: 0.05...3600),
        .seconds(
            "limits.idleTimeoutSeconds", "An idle keep-alive connection is closed after this long.", \.idleTimeoutSeconds,
            range: 0.05...86_400),
        .integer("limits.maxConnections", "Open connections; one more is answered 503 and closed.", \.maxConnections, range: 1...1_000_000),
        .integer(
            "limits.eventLoops",
            "Event loops (threads serving sockets and answering cached reads); 0 = one per CPU core but one (at least one).", \.eventLoops,
            range: 0...256),
        .integer(
            "limits.handlerThreads",
            "Threads running the handlers of changing requests (POST, PUT, DELETE…) off the event loops; writes waiting together share one commit.",
            \.handlerThreads, range: 1...256),
        .integer(
            "limits.readHandlerThreads", "Threads running GET and HEAD handlers off the event loops; 0 = one per CPU core.",
            \.readHandlerThreads, range: 0...256),
        .integer(
            "limits.handlerQueueLimit",
            "Requests allowed to wait for a handler thread (reads and writes each); one more is answered 503 with Retry-After at once.",
            \.handlerQueueLimit, range: 0...1_000_000),
        .seconds(
            "limits.handlerTimeoutSeconds",
            "A request still running after this long is answered 503; its statements are interrupted and its writes rolled back.",
            \.handlerTimeoutSeconds, range: 0.05...3600),
        .seconds(
            "limits.shutdownGraceSeconds", "On SIGTERM/SIGINT, how long requests in progress get to finish.", \.shutdownGraceSeconds,
            range: 0...600),
        .boolean(
            "memory.releaseStartupPages",
            "After migrations and again once listening, drop the resident pages of code and read-only data only startup used (they stay in the OS page cache; what serving uses faults back in).",
            \.releaseStartupPages),
        .integer(
            "memory.mallocArenas",
            "glibc malloc arenas the threads share (M_ARENA_MAX); more arenas, less lock contention, more resident memory.", \.mallocArenas,
            range: 1...64),
        .integer(
            "memory.responseCacheKilobytes",
            "Answers of repeatable reads (GET of one app, app version, API, API version, contract or user) kept per caller and answered on the event loop until the next commit; 0 turns the cache off.",
            \.responseCacheKilobytes, range: 0...1_048_576),
        .integer(
            "journal.maxEntries", "Request journal (GET /_emulator/requests): entries kept, the newest; 0 turns the journal off.",
            \.journalMaxEntries, range: 0...100_000_000),
        .integer(
            "journal.maxAgeHours", "Request journal: entries older than this many hours (emulator clock) are removed, from the oldest end.",
            \.journalMaxAgeHours, range: 1...87_600),
        .boolean(
            "journal.captureExchange",
            "Request journal: also keep request and response headers and response bodies (HAR export, request page); costs about a third of the throughput.",
            \.journalCaptureExchange),
        .integer(
            "undo.maxEntries",
            "Undo log behind checkpoints and snapshot restores: rows kept (about 400 bytes each). Past it the oldest checkpoint or snapshot mark is released: a rollback to it is answered 409, a snapshot restore copies the file.",
            \.undoMaxEntries, range: 100...1_000_000_000),
        .integer(
            "instances.max",
            "Isolated instances (POST /_emulator/instances) alive at once; one more is answered 503. 0 turns instances off.",
            \.instancesMax, range: 0...1_000),
        ConfigurationKey(
            key: "instances.idleMinutes",
            help: "An instance that answered no request for this many minutes is removed (listener closed, file deleted).",
            apply: { configuration, value throws(ConfigurationError) in
                let number: Double?
                if case .string(let text) = value { number = Double(text) } else { number = value.doubleValue }
                guard let number, number.isFinite, number > 0, number <= 525_600 else {
                    throw ConfigurationError(
                        "instances.idleMinutes must be a number of minutes above 0 and at most 525600, not \(ConfigurationKey.show(value))")
                }
                configuration.instancesIdleMinutes = number
            }, read: { .number($0.instancesIdleMinutes) })
    ]

    public static func named(_ key: String) -> ConfigurationKey? {
        all.first { $0.key == key }
    }
}
