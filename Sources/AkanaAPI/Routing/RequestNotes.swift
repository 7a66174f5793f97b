import Synchronization

/// What the request journal learns while a request is handled, without asking twice: the route's
/// path parameters (set by `AkanaApplication.respond`), the session's UserID (set by
/// `APIEnvironment.authenticate` once the cookie verified), and the ids of the objects its writes changed.
///
/// `AkanaApplication.handle` binds one per journaled request as the task-local `current` around
/// the (synchronous) routing and handler call; nothing is bound, and every note is a no-op, when the
/// journal is off or for the journal's own routes. Handlers reach it as `request.notes`.
public final class RequestNotes: Sendable {
    @TaskLocal public static var current: RequestNotes?

    /// At most this many changed ids are kept (the first ones): a fixture load or a reset changes thousands.
    static let maxChangedIDs = 100

    struct Contents: Sendable {
        var userID: String?
        var parameters: [(String, String)] = []
        /// Each id once, in the order noted.
        var changedIDs: [String] = []
        var noted: Set<String> = []
    }

    private let contents = Mutex(Contents())

    public init() {}

    /// The verified session's UserID (the last one noted wins).
    public func noteUser(_ userID: String) {
        contents.withLock { $0.userID = userID }
    }

    /// The matched route's path parameters.
    public func noteParameters(_ parameters: [(String, String)]) {
        contents.withLock { $0.parameters = parameters }
    }

    /// An object the request changed, beyond its path's ids (repositories report theirs through
    /// `SQLiteConnection.noteChanged`). Repeats and ids past `maxChangedIDs` are ignored.
    public func noteChanged(_ id: String) {
        contents.withLock { contents in
            guard !id.isEmpty, contents.changedIDs.count < Self.maxChangedIDs, contents.noted.insert(id).inserted else { return }
            contents.changedIDs.append(id)
        }
    }

    public var userID: String? { contents.withLock { $0.userID } }

    var snapshot: Contents { contents.withLock { $0 } }
}
