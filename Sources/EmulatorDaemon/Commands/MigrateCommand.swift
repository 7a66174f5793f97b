import AkanaDomain
import ArgumentParser
import Foundation

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending migrations to the database and exit.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let (configuration, _) = try options.load()
        do {
            let (pool, applied) = try DatabaseBootstrap.open(configuration, now: Date())
            try DatabaseBootstrap.close(pool)
            if applied.isEmpty {
                print("\(configuration.database): up to date (\(AkanaSchema.latestVersion))")
            } else {
                for name in applied { print("applied \(name)") }
            }
        } catch {
            Daemon.fail("\(error)")
            throw ExitCode(1)
        }
    }
}
