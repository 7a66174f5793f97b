import Foundation
import Synchronization

/// What the request journal learns while a request is handled, without asking twice: the route's
/// path parameters (set by `AkanaApplication.respond`), the session's UserID (set by
/// `APIEnvironment.authenticate` once the cookie verified), and the ids of the objects its committed
/// writes changed (`JournaledRequest` adds them as each transaction commits).
///
/// Each request's `RequestContext` holds one (its journal entry's, when the request is journaled);
/// the code that runs the request is handed the context and notes through it.
public final class RequestNotes: Sendable {
    /// At most this many changed ids are kept (the first ones): a fixture load or a reset changes thousands.
    static let maxChangedIDs = 100

    struct Contents: Sendable {
        var userID: String?
        /// When the verified session expires (emulator clock): how long an answer read with it may be reused.
        var sessionExpiresAt: Date?
        /// The matched route's template; "" when no route matched (nil before routing).
        var route: String?
        /// The injected fault that answered or delayed the request.
        var faultID: String?
        var parameters: [(String, String)] = []
        /// Each id once, in the order noted.
        var changedIDs: [String] = []
        var noted: Set<String> = []

        /// Adds `id` unless it is empty, already there, or past `maxChangedIDs`.
        mutating func addChanged(_ id: String) {
            guard !id.isEmpty, changedIDs.count < RequestNotes.maxChangedIDs, noted.insert(id).inserted else { return }
            changedIDs.append(id)
        }
    }

    private let contents = Mutex(Contents())

    public init() {}

    /// The verified session's UserID and expiry (the last one noted wins).
    public func noteUser(_ userID: String, sessionExpiresAt: Date? = nil) {
        contents.withLock {
            $0.userID = userID
            $0.sessionExpiresAt = sessionExpiresAt
        }
    }

    /// The route the request matched ("" for none).
    public func noteRoute(_ template: String) {
        contents.withLock { $0.route = template }
    }

    /// The injected fault that applied to the request.
    public func noteFault(_ id: String) {
        contents.withLock { $0.faultID = id }
    }

    /// The matched route's path parameters.
    public func noteParameters(_ parameters: [(String, String)]) {
        contents.withLock { $0.parameters = parameters }
    }

    /// An object the request changed (repositories report theirs through `SQLiteConnection.noteChanged`).
    /// Repeats and ids past `maxChangedIDs` are ignored.
    func noteChanged(_ id: String) {
        contents.withLock { $0.addChanged(id) }
    }

    public var userID: String? { contents.withLock { $0.userID } }
    public var route: String? { contents.withLock { $0.route } }

    var snapshot: Contents { contents.withLock { $0 } }
}
