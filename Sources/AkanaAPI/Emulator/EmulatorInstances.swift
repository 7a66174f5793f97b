import AkanaDomain
import Synchronization

/// One isolated emulator inside the daemon (`POST /_emulator/instances`): its own database file,
/// listener and `/_emulator/` machinery, seeded as a fresh start.
public struct EmulatorInstanceInfo: Sendable, Equatable {
    public var id: String
    /// `http://127.0.0.1:PORT`
    public var url: String
    /// ISO-8601 (the daemon's clock when it was created).
    public var created: String
    /// When it last answered a request (ISO-8601, the real clock).
    public var lastUsed: String
    public var database: String

    public init(id: String, url: String, created: String, lastUsed: String, database: String) {
        self.id = id
        self.url = url
        self.created = created
        self.lastUsed = lastUsed
        self.database = database
    }
}

/// The daemon's instances, as the `/_emulator/instances` routes reach them. The daemon implements it
/// (it owns listeners and database files); an instance itself has none (its environment holds nil).
public protocol EmulatorInstanceDirectory: Sendable {
    /// Creates an instance; `DomainError.unavailable`-style refusals are thrown as `APIError`s by
    /// the implementation (503 when `instances.max` are alive).
    func create() throws -> EmulatorInstanceInfo
    func list() -> [EmulatorInstanceInfo]
    /// Closes the instance's listener and removes its file; false when there is no such instance.
    func remove(_ id: String) throws -> Bool
}

/// A late-bound reference to the daemon's directory: the composition root builds the main
/// environment before the daemon's directory exists (the directory assembles instances with the
/// same code), so the daemon fills it in once, before the listener starts.
public final class EmulatorInstanceDirectoryReference: Sendable {
    private let stored = Mutex<(any EmulatorInstanceDirectory)?>(nil)
    public init() {}

    public var directory: (any EmulatorInstanceDirectory)? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
