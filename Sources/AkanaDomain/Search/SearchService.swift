import SQLiteStore

/// Who is searching: login is optional (anonymous callers see public apps and models only).
public struct SearchViewer: Sendable {
    public var tenant: String
    public var userID: String?
    public var roles: Set<String>

    public init(tenant: String, session: AuthenticatedSession?) {
        self.tenant = tenant
        userID = session?.userID
        roles = session?.roles ?? []
    }

    public var isLoggedIn: Bool { userID != nil }
    var isSiteAdmin: Bool { roles.contains(Role.siteAdmin) }
    var isBusinessAdmin: Bool { roles.contains(Role.businessAdmin) }
}

/// One search result: the object's common facts, what its type adds, and what the query matches
/// against. How a hit is written (an RSS item, its categories and fields) is the API's business
/// (`SearchRepresentation`).
public struct SearchHit: Sendable {
    public var id: String
    public var title: String
    public var description: String
    /// The `updated` timestamp (ISO 8601).
    public var updated: String
    /// What the object's type adds.
    public var details: Details
    /// The texts free words are matched against.
    public var searchable: [String]
    /// Whether the viewer may see it (the source decides, by the object's visibility and the viewer's roles).
    public var visible: Bool

    /// The facts each type of hit carries besides the common ones.
    public enum Details: Sendable, Equatable {
        /// An app: its default (newest) version's visibility and workflow state, and its
        /// connections (contracts with APIs that are not cancelled).
        case app(visibility: String, state: String, connections: Int64)
        /// A user: the email address and the login domain's name.
        case user(email: String, domain: String)
        case model(visibility: String)
        /// An API: its visibility and how many versions it has.
        case api(visibility: String, versions: Int64)
    }

    public init(
        id: String, title: String, description: String, updated: String, details: Details, searchable: [String], visible: Bool
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.updated = updated
        self.details = details
        self.searchable = searchable
        self.visible = visible
    }

    /// The `type:` name of the hit (`app`, `user`, `model`, `api`).
    public var type: String {
        switch details {
        case .app: "app"
        case .user: "user"
        case .model: "model"
        case .api: "api"
        }
    }
}

/// How results are ordered: by title (`com.soa.sort.order.alphabetical`, `…title_sort`, and
/// `relevance`, which the emulator does not score) or by `updated`; then by id, so paging is stable.
public struct SearchOrder: Sendable, Equatable {
    public enum Key: Sendable, Equatable { case title, updated }
    public var key: Key
    public var descending: Bool

    public init(key: Key, descending: Bool) {
        self.key = key
        self.descending = descending
    }
}

/// Where a source stopped: the sort key and id of the last row it handed out.
public struct SearchCursor: Sendable, Equatable {
    public var key: String
    public var id: String
}

/// A kind of searchable object. Each source hands out its tenant's rows in the requested order,
/// after a cursor, a bounded batch at a time, through an index; the service merges the sources.
/// A new type is added by registering its source (as `api` was, once APIs existed).
public protocol SearchSource: Sendable {
    /// The `type:` name (`app`, `user`, `model`…).
    var type: String { get }
    /// Up to `limit` rows after `cursor`, in `order`, each with its sort key.
    func batch(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, after cursor: SearchCursor?, limit: Int) throws -> [(
        SearchCursor, SearchHit
    )]
    /// The object with this id, when it is of this type and the tenant's.
    func lookup(_ db: SQLiteConnection, viewer: SearchViewer, id: String) throws -> SearchHit?
}

/// GET /api/search: the registered sources, merged in one read transaction, stopping as soon as
/// `start + count` visible matches are found.
public final class SearchService: Sendable {
    public static let maxCount = 200
    public static let maxStart = 10_000
    static let batchSize = 100

    private let database: DatabasePool
    private let sources: [any SearchSource]

    public init(database: DatabasePool, sources: [any SearchSource]) {
        self.database = database
        self.sources = sources
    }

    /// Apps, users, models and APIs. `group` is a known type with no source yet (the emulator has no
    /// groups): it matches nothing.
    public static let defaultSources: [any SearchSource] = [AppSearchSource(), UserSearchSource(), ModelSearchSource(), APISearchSource()]

    public func search(
        _ query: SearchQuery, order: SearchOrder, start: Int, count: Int, viewer: SearchViewer,
        scope: TransactionScope
    ) throws -> [SearchHit] {
        guard (0...Self.maxStart).contains(start) else { throw DomainError.badRequest("start must be between 0 and \(Self.maxStart).") }
        guard (1...Self.maxCount).contains(count) else { throw DomainError.badRequest("count must be between 1 and \(Self.maxCount).") }
        let wanted = query.types
        let active = sources.filter { wanted?.contains($0.type) ?? true }
        return try database.read(in: scope) { db in
            if let id = query.singleID {
                let found = try active.compactMap { try $0.lookup(db, viewer: viewer, id: id) }.filter { $0.visible }
                return Array(found.dropFirst(start).prefix(count))
            }
            let need = start + count
            var streams = active.map { Stream(source: $0) }
            var results: [SearchHit] = []
            while results.count < need {
                var best: Int?
                for index in streams.indices {
                    try streams[index].fill(db, viewer: viewer, order: order, limit: max(Self.batchSize, need - results.count))
                    guard let head = streams[index].head else { continue }
                    if let current = best, let other = streams[current].head, !Self.precedes(head.0, other.0, order: order) { continue }
                    best = index
                }
                guard let best else { break }
                let hit = streams[best].pop()
                if hit.visible, query.matches(hit) { results.append(hit) }
            }
            return Array(results.dropFirst(start))
        }
    }

    /// Whether `lhs` sorts before `rhs`: the key as SQLite's NOCASE orders it (ASCII letters folded), then the id.
    static func precedes(_ lhs: SearchCursor, _ rhs: SearchCursor, order: SearchOrder) -> Bool {
        let left = nocase(lhs.key)
        let right = nocase(rhs.key)
        let ascending =
            left != right ? left.lexicographicallyPrecedes(right) : Array(lhs.id.utf8).lexicographicallyPrecedes(Array(rhs.id.utf8))
        return order.descending ? !ascending && (left != right || lhs.id != rhs.id) : ascending
    }

    static func nocase(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }

    private struct Stream {
        let source: any SearchSource
        var buffer: [(SearchCursor, SearchHit)] = []
        var position = 0
        var cursor: SearchCursor?
        var exhausted = false

        init(source: any SearchSource) { self.source = source }

        var head: (SearchCursor, SearchHit)? { position < buffer.count ? buffer[position] : nil }

        mutating func fill(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, limit: Int) throws {
            guard position >= buffer.count, !exhausted else { return }
            let size = min(limit, 500)
            buffer = try source.batch(db, viewer: viewer, order: order, after: cursor, limit: size)
            position = 0
            if buffer.count < size { exhausted = true }
            if let last = buffer.last { cursor = last.0 }
        }

        mutating func pop() -> SearchHit {
            defer { position += 1 }
            return buffer[position].1
        }
    }
}
