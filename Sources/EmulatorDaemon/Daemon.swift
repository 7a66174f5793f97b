import AkanaAPI
import AkanaDomain
import CMalloc
import Dispatch
import DispatchHTTP
import EmulatorMachinery
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
        // SIGTERM and SIGINT are blocked since the first line of main (ShutdownSignals): one that
        // arrives during startup waits, and startup stops at the next step that can stop cleanly.
        ShutdownSignals.block()
        signal(SIGPIPE, SIG_IGN)
        if let received = ShutdownSignals.pending() {
            logger.notice("received signal \(received) before the database was opened; nothing to close")
            return 0
        }
        // glibc gives each thread that allocates its own malloc arena (up to 8 per core); with
        // event loops, handler threads and SQLite's connections that is most of the resident
        // memory, mostly empty. A few arenas (memory.mallocArenas) keep the footprint small.
        _ = mallopt(akana_malloc_arena_max, Int32(configuration.mallocArenas))

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
            clock.mode = try ClockStore.load(pool, scope: .startup)
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

        // Argument parsing, configuration and migrations are done: their pages can go already, so
        // they and the assembly's do not add up to startup's peak.
        if configuration.releaseStartupPages { ResidentMemory.releaseStartupPages() }

        let tenants = configuration.tenantDirectory()
        let application: AkanaApplication
        let gatewayApplication: GatewayApplication
        let environment: APIEnvironment
        let journal: RequestJournal
        do {
            var settings = EmulatorAssembly.Settings(
                tenants: tenants, seedUsers: configuration.seedUsers(), fixtures: fixtures, ids: ids,
                hasher: Self.passwordHasher, integrity: integrity, sessionPolicy: configuration.sessionPolicy(),
                journalPolicy: configuration.journalPolicy(), execution: configuration.handlerExecution(),
                adminToken: Self.isLoopback(configuration.host) ? nil : configuration.adminToken,
                undoPolicy: configuration.undoPolicy())
            settings.gatewayMaxResponseBytes = configuration.maxHeaderBytes + configuration.maxBodyBytes
            let assembled = try EmulatorAssembly.assemble(database: pool, clock: clock, settings: settings, logger: logger)
            for email in assembled.createdUsers { logger.notice("seeded user \(email)") }
            if !fixtures.documents.isEmpty {
                let sources = fixtures.documents.map(\.source).joined(separator: ", ")
                logger.notice(
                    "fixtures \(sources): \(assembled.fixtureReport.createdCount) created, \(assembled.fixtureReport.skippedCount) already there"
                )
            }
            application = assembled.application
            gatewayApplication = assembled.gateway
            environment = assembled.environment
            journal = assembled.environment.journal
            if !Self.isLoopback(configuration.host) {
                guard configuration.adminToken.count >= 16 else {
                    throw ConfigurationError(
                        "refusing to listen on \(configuration.host) without an admin token: set adminToken (AKANA_EMULATOR_ADMIN_TOKEN) to a secret of 16 or more characters; the /_emulator/ routes then require 'Authorization: Bearer <token>'."
                    )
                }
                let exposed = try PlatformBootstrap.accountsWithDefaultPassword(database: pool, hasher: settings.hasher)
                guard exposed.isEmpty else {
                    throw ConfigurationError(
                        "refusing to listen on \(configuration.host): seeded or fixture account(s) \(exposed.joined(separator: ", ")) still have the default password. Give each user in the config file's \"users\" list (and each fixture user) a strong password and start with a new database (existing users keep their password), or listen on 127.0.0.1."
                    )
                }
            }
        } catch {
            Self.fail("cannot prepare database \(configuration.database): \(error)")
            try? pool.close()
            return 1
        }
        if let received = ShutdownSignals.pending() {
            logger.notice("received signal \(received) while starting; closing the database before listening")
            application.shutdown()
            gatewayApplication.shutdown()
            journal.flush()
            return close(pool)
        }
        // Isolated instances (POST /_emulator/instances), assembled by the same composition root.
        var instances: InstanceManager?
        if configuration.instancesMax > 0 {
            let knownHashes = (try? pool.read(in: .startup) { db in try UserRepository.seededHashes(db) }) ?? [:]
            let manager = InstanceManager(configuration: configuration, fixtures: fixtures, knownHashes: knownHashes, logger: logger)
            environment.instances.directory = manager
            instances = manager
            // Before the listener: the directory is emptied before anyone can ask for an instance.
            manager.start()
        }
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
        // The emulated gateway: its own listener, event loops and worker pool, the portal's limits.
        var gatewayServer: HTTPServer?
        if configuration.gatewayEnabled {
            var gatewayConfiguration = configuration.gatewayServerConfiguration()
            gatewayConfiguration.errorResponse = serverConfiguration.errorResponse
            let gateway = HTTPServer(configuration: gatewayConfiguration, handler: gatewayApplication, logger: logger)
            do {
                try gateway.start()
            } catch {
                Self.fail(
                    "cannot listen for the gateway on \(configuration.host):\(configuration.gatewayPort): \(error) (set gateway.port, or gateway.enabled: false)"
                )
                server.shutdown(gracePeriod: 0)
                application.shutdown()
                gatewayApplication.shutdown()
                journal.flush()
                _ = close(pool)  // closed cleanly: nothing was served
                return 1
            }
            environment.accessPoints.listening(host: gateway.host, port: gateway.port)
            gatewayServer = gateway
        }
        if needsCheck {
            // Not closed cleanly last time: check the file while serving, not before (that would take
            // time proportional to its size).
            let checkLogger = logger
            let path = configuration.database
            checkLogger.notice(
                "database \(path) was not closed cleanly; running PRAGMA quick_check in the background (GET /_emulator/health shows the outcome)"
            )
            integrity.checkInBackground(pool) { outcome in
                switch outcome {
                case .damaged(let problems):
                    checkLogger.error(
                        "database \(path) is damaged (PRAGMA quick_check: \(problems.prefix(5).joined(separator: "; "))). \(IntegrityStatus.advice)"
                    )
                default:
                    checkLogger.notice("database \(path): PRAGMA quick_check ok")
                }
            }
        }
        environment.metrics.reportConnections { [server] in server.connectionCount }
        if configuration.releaseStartupPages {
            // Startup is over: what it alone touched (see ResidentMemory) need not stay resident.
            ResidentMemory.trimHeap()
            let released = ResidentMemory.releaseStartupPages()
            logger.info("released \(released) KiB of startup-only resident pages (memory.releaseStartupPages)")
        }
        let host = server.host.contains(":") ? "[\(server.host)]" : server.host
        if let gatewayServer {
            let gatewayHost = gatewayServer.host.contains(":") ? "[\(gatewayServer.host)]" : gatewayServer.host
            FileHandle.standardError.write(Data("gateway listening on http://\(gatewayHost):\(gatewayServer.port)\n".utf8))
        }
        // Unbuffered, so a supervisor reading a pipe sees the line at once.
        FileHandle.standardOutput.write(Data("listening on http://\(host):\(server.port)\n".utf8))
        let notifier = ServiceNotifier()
        notifier.notify("READY=1\nSTATUS=listening on http://\(host):\(server.port)\nMAINPID=\(getpid())")

        let received = ShutdownSignals.wait()
        logger.notice(
            "received signal \(received); shutting down (grace \(configuration.shutdownGraceSeconds)s; a second signal stops at once)")
        ShutdownSignals.exitOnSecondSignal { [logger] second in
            logger.warning(
                "received signal \(second) again during the graceful stop; exiting now (acknowledged writes are in the WAL; the next start runs PRAGMA quick_check)"
            )
        }
        notifier.notify("STOPPING=1\nSTATUS=shutting down")
        gatewayServer?.shutdown(gracePeriod: configuration.shutdownGraceSeconds)
        environment.accessPoints.stopped()
        gatewayApplication.shutdown()
        server.shutdown(gracePeriod: configuration.shutdownGraceSeconds)
        instances?.shutdown()  // their listeners and files: instances do not outlive the daemon
        application.shutdown()  // requests still queued finish first
        journal.flush()  // the buffered journal entries, before the database closes
        return close(pool)
    }

    /// Closes the database with the clean-shutdown marker (the next start skips the integrity check).
    private func close(_ pool: DatabasePool) -> Int32 {
        do {
            try DatabaseBootstrap.close(pool)
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
