import ArgumentParser
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the emulator (the default). Prints `listening on http://HOST:PORT` when ready.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default 8080; 0 picks a free one).")
    var port: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    func run() throws {
        var flags: [String: String] = [:]
        if let host { flags["host"] = host }
        if let port { flags["port"] = port }
        if let logLevel { flags["logLevel"] = logLevel }
        let (configuration, file) = try options.load(flags: flags)
        let logger = ConfigOptions.bootstrapLogging(level: configuration.logLevel)
        logger.info("configuration: \(file ?? "built-in defaults"); database \(configuration.database)")
        let status = Daemon(configuration: configuration, logger: logger).run()
        if status != 0 { throw ExitCode(status) }
    }
}
