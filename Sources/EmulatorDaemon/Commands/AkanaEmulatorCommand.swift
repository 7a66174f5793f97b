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
}
