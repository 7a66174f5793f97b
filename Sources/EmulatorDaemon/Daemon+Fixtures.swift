import AkanaDomain
import EmulatorMachinery
import Foundation
import Logging
import SQLiteStore

/// Startup pieces of issue 7's fixtures and deterministic mode, kept out of `Daemon.run`.
extension Daemon {
    /// The id generator: secure random, or with `deterministicIds` the seeded generator continuing
    /// the sequence stored in the database (and storing it with every write from now on).
    static func makeIDGenerator(_ configuration: EmulatorConfiguration, database: DatabasePool) throws -> IDGenerator {
        guard configuration.deterministicIds else { return IDGenerator() }
        guard isLoopback(configuration.host) else {
            throw ConfigurationError(
                "deterministicIds makes session tokens, cookie signatures and secrets reproducible from deterministicSeed; it is allowed only on a loopback host, not \(configuration.host)"
            )
        }
        return IDGenerator(
            source: .deterministic(try DeterministicRandom.attach(seed: configuration.deterministicSeed, database: database)))
    }

    /// The configured fixture documents: every `*.json` of the `fixtures` directory. The default
    /// directory may be missing; a directory set explicitly must exist.
    static func fixtureCatalog(_ configuration: EmulatorConfiguration) throws -> FixtureCatalog {
        let directory = configuration.fixtures
        guard !directory.isEmpty else { return FixtureCatalog(documents: [], hasher: passwordHasher) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            if directory == EmulatorConfiguration.defaultFixtures { return FixtureCatalog(documents: [], hasher: passwordHasher) }
            throw ConfigurationError("fixtures: \(directory) is not a directory")
        }
        return FixtureCatalog(documents: try FixtureDocument.loadDirectory(directory), hasher: passwordHasher)
    }

    /// Hashes seeded and fixture users' passwords: the platform's cost (`PasswordHasher.defaultIterations`;
    /// no setting changes it).
    static let passwordHasher = PasswordHasher(iterations: PasswordHasher.defaultIterations)
}
