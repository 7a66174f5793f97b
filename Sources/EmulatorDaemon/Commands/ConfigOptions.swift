import ArgumentParser
import Foundation
import Logging

/// Options every subcommand shares: where the configuration and the database are.
struct ConfigOptions: ParsableArguments {
    @Option(help: "Config file (JSON with comments). Default: $AKANA_EMULATOR_CONFIG, else Config/akana-emulator.json when present.")
    var config: String?

    @Option(help: "SQLite database file (default akana-emulator.sqlite in the working directory).")
    var database: String?

    /// Loads the effective configuration with `flags` on top; on error prints it and exits 2.
    func load(flags extra: [String: String] = [:]) throws -> (EmulatorConfiguration, String?) {
        var flags = extra
        if let database { flags["database"] = database }
        do {
            return try ConfigurationLoader(flags: flags, configPath: config).load()
        } catch {
            Daemon.fail("configuration error: \(error.message)")
            throw ExitCode(2)
        }
    }

    /// Sends swift-log output to stderr at the configured level.
    static func bootstrapLogging(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(logLevel: level, label: label) }
        var logger = Logger(label: "akana-emulator")
        logger.logLevel = level
        return logger
    }
}
