import AkanaAPI
import AkanaDomain
import Dispatch
import DispatchHTTP
import Foundation
import Logging
import SQLiteStore

/// The running emulator: database, HTTP server, and the signal-driven graceful shutdown.
public final class Daemon {
    public let configuration: EmulatorConfiguration
    private let logger: Logger

    public init(configuration: EmulatorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting, lets requests in progress finish (up to
    /// `shutdownGraceSeconds`), checkpoints and closes the database. Returns the exit status.
    public func run() -> Int32 {
        // Block the shutdown signals in this thread before any other thread exists, so every thread
        // inherits the mask and the signals stay pending for `sigwait` below. SIGPIPE never kills us.
        var shutdownSignals = sigset_t()
        sigemptyset(&shutdownSignals)
        sigaddset(&shutdownSignals, SIGTERM)
        sigaddset(&shutdownSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &shutdownSignals, nil)
        signal(SIGPIPE, SIG_IGN)

        let clock = EmulatorClock()
        let pool: DatabasePool
        let ids: IDGenerator
        let fixtures: FixtureCatalog
        let integrity = IntegrityStatus()
        let needsCheck: Bool
        do {
            let applied: [String]
            (pool, applied, needsCheck) = try DatabaseBootstrap.openForServing(configuration, now: clock.now())
            for name in applied { logger.notice("applied migration \(name) to \(configuration.database)") }
            clock.mode = try ClockStore.load(pool)
            do {
                ids = try Self.makeIDGenerator(configuration, database: pool)
                fixtures = try Self.fixtureCatalog(configuration)
            } catch {
                try? pool.close()
                throw error
            }
        } catch {
            Self.fail("\(error)")
            return 1
        }

        let tenants = configuration.tenantDirectory()
        let signingKey: [UInt8]
        do {
            let bootstrap = try PlatformBootstrap.run(database: pool, tenants: tenants, users: configuration.seedUsers(), now: clock.now(), ids: ids)
            signingKey = bootstrap.signingKey
            for email in bootstrap.createdUsers { logger.notice("seeded user \(email)") }
            if !Self.isLoopback(configuration.host) {
                guard configuration.adminToken.count >= 16 else {
                    Self.fail("refusing to listen on \(configuration.host) without an admin token: set adminToken (AKANA_EMULATOR_ADMIN_TOKEN) to a secret of 16 or more characters; the /_emulator/ routes then require 'Authorization: Bearer <token>'.")
                    try? pool.close()
                    return 1
                }
                let exposed = try PlatformBootstrap.accountsWithDefaultPassword(database: pool)
                guard exposed.isEmpty else {
                    Self.fail("refusing to listen on \(configuration.host): seeded account(s) \(exposed.joined(separator: ", ")) still have the default password. Give each user in the config file's \"users\" list a strong password and start with a new database (existing users keep their password), or listen on 127.0.0.1.")
                    try? pool.close()
                    return 1
                }
            }
        } catch {
            Self.fail("cannot prepare database \(configuration.database): \(error)")
            try? pool.close()
            return 1
        }
        let workflow = WorkflowEngine(database: pool, clock: clock)
        AppService.registerWorkflowFunctions(on: workflow)
        do {
            for tenant in tenants.all { _ = try workflow.installShippedDefinitions(tenant: tenant.fedmemberid) }
        } catch {
            Self.fail("cannot install the shipped workflow definitions: \(error)")
            try? pool.close()
            return 1
        }
        do {
            try Self.applyFixtures(fixtures, database: pool, tenants: tenants, workflow: workflow, ids: ids, clock: clock,
                                   host: configuration.host, logger: logger)
        } catch {
            Self.fail("cannot apply the fixtures in \(configuration.fixtures): \(error)")
            try? pool.close()
            return 1
        }
        let sessions = SessionService(database: pool, clock: clock, policy: configuration.sessionPolicy(), signingKey: signingKey, ids: ids)
        let journalLogger = logger
        let journal = RequestJournal(database: pool, clock: clock, policy: configuration.journalPolicy(),
                                     onError: { journalLogger.warning("request journal: a batch could not be written: \($0)") })
        let environment = APIEnvironment(database: pool, clock: clock, tenants: tenants, sessions: sessions,
                                         apps: AppService(database: pool, clock: clock, workflow: workflow, ids: ids), workflow: workflow,
                                         seedUsers: configuration.seedUsers(), journal: journal, fixtures: fixtures, ids: ids,
                                         integrity: integrity)
        let application = AkanaRoutes.makeApplication(
            environment: environment, logger: logger, adminToken: Self.isLoopback(configuration.host) ? nil : configuration.adminToken)
        var serverConfiguration = configuration.httpServerConfiguration()
        serverConfiguration.errorResponse = { status, message in
            FaultRenderer.response(for: APIError(status, message), accept: nil)
        }
        let server = HTTPServer(configuration: serverConfiguration, handler: application, logger: logger)
        do {
            try server.start()
        } catch {
            Self.fail("cannot listen on \(configuration.host):\(configuration.port): \(error)")
            try? pool.close()
            return 1
        }
        if needsCheck {
            // Not closed cleanly last time: check the file while serving, not before (that would take
            // time proportional to its size).
            let checkLogger = logger
            let path = configuration.database
            checkLogger.notice("database \(path) was not closed cleanly; running PRAGMA quick_check in the background (GET /_emulator/health shows the outcome)")
            integrity.checkInBackground(pool) { outcome in
                switch outcome {
                case .damaged(let problems):
                    checkLogger.error("database \(path) is damaged (PRAGMA quick_check: \(problems.prefix(5).joined(separator: "; "))). \(IntegrityStatus.advice)")
                default:
                    checkLogger.notice("database \(path): PRAGMA quick_check ok")
                }
            }
        }
        let host = server.host.contains(":") ? "[\(server.host)]" : server.host
        // Unbuffered, so a supervisor reading a pipe sees the line at once.
        FileHandle.standardOutput.write(Data("listening on http://\(host):\(server.port)\n".utf8))

        var received: Int32 = 0
        sigwait(&shutdownSignals, &received)
        logger.notice("received signal \(received); shutting down (grace \(configuration.shutdownGraceSeconds)s)")
        server.shutdown(gracePeriod: configuration.shutdownGraceSeconds)
        journal.flush()  // the buffered journal entries, before the database closes
        do {
            try DatabaseBootstrap.close(pool)  // with the clean-shutdown marker: the next start skips the integrity check
        } catch {
            Self.fail("closing the database failed: \(error)")
            return 1
        }
        logger.notice("stopped cleanly")
        return 0
    }

    /// True for addresses only this machine can reach.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("akana-emulator: \(message)\n".utf8))
    }
}
