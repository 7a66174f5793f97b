import AkanaAPI
import ArgumentParser

/// `akana-emulator [serve|migrate|check|config]`; `serve` when no subcommand is given.
public struct AkanaEmulatorCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "akana-emulator",
        abstract: "A persistent, restart-safe local emulator of the Akana API Platform REST API.",
        version: EmulatorVersion.current,
        subcommands: [ServeCommand.self, MigrateCommand.self, CheckCommand.self, ConfigCommand.self, SnapshotCommand.self],
        defaultSubcommand: ServeCommand.self)

    public init() {}

    /// Parses the arguments and runs the command. `main.swift` has blocked SIGTERM and SIGINT
    /// (`ShutdownSignals.block()`); `serve` keeps them blocked for its graceful stop, every other
    /// command gets the default back (Ctrl-C ends it at once).
    public static func main() {
        do {
            var command = try parseAsRoot()
            if !(command is ServeCommand) { ShutdownSignals.unblock() }
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
