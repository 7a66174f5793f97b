import AkanaDomain
import ArgumentParser
import Foundation
import SQLiteStore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run PRAGMA integrity_check and print the migration status; exit 1 on any problem.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let (configuration, _) = try options.load()
        guard FileManager.default.fileExists(atPath: configuration.database) else {
            Daemon.fail("database \(configuration.database) does not exist")
            throw ExitCode(1)
        }
        var healthy = true
        do {
            let pool = try DatabasePool(path: configuration.database, configuration: configuration.databaseConfiguration())
            defer { try? pool.close() }
            let problems = try pool.integrityCheck(quick: false)
            if problems.isEmpty {
                print("integrity_check: ok")
            } else {
                healthy = false
                print("integrity_check: \(problems.count) problem(s)")
                for problem in problems { print("  \(problem)") }
            }
            do {
                for record in try AkanaSchema.migrator().status(pool) {
                    print("\(record.appliedAt.map { "applied \($0)" } ?? "pending") \(record.name) sha256:\(record.checksum)")
                }
            } catch {
                healthy = false
                print("migrations: \(error)")
            }
        } catch {
            Daemon.fail("\(error)")
            throw ExitCode(1)
        }
        if !healthy { throw ExitCode(1) }
    }
}
