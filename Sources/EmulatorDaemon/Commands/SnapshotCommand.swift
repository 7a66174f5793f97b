import AkanaDomain
import ArgumentParser
import EmulatorMachinery
import Foundation
import SQLiteStore

/// `akana-emulator snapshot create|list|restore|delete`: the snapshot API, offline.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Take, list, restore and delete snapshots of the database (also works while the daemon runs).",
        subcommands: [Create.self, List.self, Restore.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a consistent copy of the whole state.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Snapshot name: letters, digits, '.', '_' or '-'.") var name: String
        func run() throws {
            try SnapshotCommand.withStore(options) { store in
                let snapshot = try store.create(name, scope: .startup)
                print("created \(snapshot.name) (\(snapshot.sizeBytes) bytes)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List snapshots: name, time, size.")
        @OptionGroup var options: ConfigOptions
        func run() throws {
            try SnapshotCommand.withStore(options) { store in
                for snapshot in try store.list() { print("\(snapshot.name)\t\(snapshot.created)\t\(snapshot.sizeBytes)") }
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Swap the whole state for a snapshot's (atomically).")
        @OptionGroup var options: ConfigOptions
        @Argument var name: String
        func run() throws {
            try SnapshotCommand.withStore(options) { store in
                try store.restore(name, scope: .startup)
                print("restored \(name)")
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a snapshot.")
        @OptionGroup var options: ConfigOptions
        @Argument var name: String
        func run() throws {
            try SnapshotCommand.withStore(options) { store in
                try store.delete(name, scope: .startup)
                print("deleted \(name)")
            }
        }
    }

    /// Opens (and migrates) the configured database, runs `body`, and maps failures to exit 1.
    static func withStore(_ options: ConfigOptions, _ body: (SnapshotStore) throws -> Void) throws {
        let (configuration, _) = try options.load()
        do {
            let (pool, _) = try DatabaseBootstrap.open(configuration, now: Date())
            defer { try? DatabaseBootstrap.close(pool) }
            try body(SnapshotStore(database: pool))
        } catch {
            Daemon.fail("\(error)")
            throw ExitCode(1)
        }
    }
}
