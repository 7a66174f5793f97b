import Foundation
import SQLiteStore

/// The portal's content store: `/content/{path}` and `/resources/{path}` (help `cm/api/content/`,
/// `cm/api/consoleresource/`). Who may do what, as the pages say:
/// - `/resources`: anyone reads (no login, the tenant of the request's host); Site Admins change
///   (the routes declare it).
/// - `/content`: a signed-in user reads; an API's folder `api/{APIID}/…` only when they may read the
///   API (404 otherwise), and a listing of `api` shows only those. An API's folder is changed by
///   its admins, Business Admins and Site Admins (the API's own rule, 403/404); the rest of
///   `/content` (the portal's pages) by Business Admins and Site Admins — the page's "other
///   authorized user".
public final class ContentService: Sendable {
    /// Bounds of one `download=true&Zip=true`: what the store holds below the folder.
    public static let maxDownloadEntries = 10_000
    public static let maxDownloadBytes = 64 << 20
    /// The table of contents a folder added by a form gets (help `m_content_add.htm`: "a new folder
    /// with a default JSON table of contents file in it"; the page's sample names it
    /// `toc.<…>.json` with `{}` inside; the plain name is used here).
    public static let tableOfContents = "toc.json"

    private let database: DatabasePool
    private let clock: EmulatorClock

    public init(database: DatabasePool, clock: EmulatorClock) {
        self.database = database
        self.clock = clock
    }

    // MARK: - Reading

    /// `GET /content/{path}`, `GET /resources/{path}` (and the roots, `path` `""`): a file with its
    /// bytes, or a folder's children. `caller` is nil for an anonymous read of `/resources`.
    public func item(
        store: ContentStore, path rawPath: String, tenant: String, caller: AuthenticatedSession?, scope: TransactionScope
    ) throws -> ContentItem {
        let path = try ContentPath.normalized(rawPath)
        return try database.read(in: scope) { db in
            try Self.requireReadable(db, store: store, path: path, caller: caller)
            if path.isEmpty || path == "api" && store == .content {
                return .folder(
                    store: store, path: path,
                    children: try Self.visibleChildren(db, tenant: tenant, store: store, path: path, caller: caller))
            }
            guard let entry = try ContentRepository.entry(db, tenant: tenant, store: store, path: path) else {
                throw DomainError.notFound("\(ContentPath.urlPath(store, path)) was not found.")
            }
            if entry.isFolder {
                return .folder(
                    store: store, path: path,
                    children: try Self.visibleChildren(db, tenant: tenant, store: store, path: path, caller: caller))
            }
            return .file(entry, bytes: try ContentRepository.bytes(db, tenant: tenant, store: store, path: path) ?? [])
        }
    }

    /// `GET …/{path}?download=true&Zip=true`: the folder's files and folders in a ZIP, paths
    /// relative to the folder (a file: a ZIP holding it alone). 400 past the download bounds.
    public func archive(
        store: ContentStore, path rawPath: String, tenant: String, caller: AuthenticatedSession?, scope: TransactionScope
    ) throws -> ContentArchive {
        let path = try ContentPath.normalized(rawPath)
        let (name, entries): (String, [ZipArchive.Entry]) = try database.read(in: scope) { db in
            try Self.requireReadable(db, store: store, path: path, caller: caller)
            let entry = path.isEmpty ? nil : try ContentRepository.entry(db, tenant: tenant, store: store, path: path)
            if let entry, !entry.isFolder {
                let bytes = try ContentRepository.bytes(db, tenant: tenant, store: store, path: path) ?? []
                return (entry.name, [ZipArchive.Entry(path: entry.name, bytes: bytes, modified: Timestamp.parse(entry.updated))])
            }
            guard path.isEmpty || entry != nil || path == "api" && store == .content else {
                throw DomainError.notFound("\(ContentPath.urlPath(store, path)) was not found.")
            }
            let totals = try ContentRepository.subtreeTotals(db, tenant: tenant, store: store, path: path)
            guard totals.count <= Self.maxDownloadEntries, totals.bytes <= Self.maxDownloadBytes else {
                throw DomainError.badRequest(
                    "\(ContentPath.urlPath(store, path)) holds \(totals.count) files and folders of \(totals.bytes) bytes; a download "
                        + "takes at most \(Self.maxDownloadEntries) and \(Self.maxDownloadBytes) bytes: download a folder below it.")
            }
            var readable: [String: Bool] = [:]
            var entries: [ZipArchive.Entry] = []
            for (file, bytes) in try ContentRepository.subtree(db, tenant: tenant, store: store, path: path) {
                if let apiID = ContentPath.apiID(store, file.path), let caller {
                    if readable[apiID] == nil { readable[apiID] = try Self.canReadAPI(db, apiID: apiID, caller: caller) }
                    if readable[apiID] != true { continue }
                }
                let relative = path.isEmpty ? file.path : String(file.path.dropFirst(path.count + 1))
                entries.append(
                    ZipArchive.Entry(
                        path: relative, isDirectory: file.isFolder, bytes: bytes, modified: Timestamp.parse(file.updated)))
            }
            return (path.isEmpty ? store.rawValue : ContentPath.name(of: path), entries)
        }
        let base = name.lowercased().hasSuffix(".zip") ? String(name.dropLast(4)) : name
        return ContentArchive(fileName: base + ".zip", data: try ZipArchive.write(entries))
    }

    // MARK: - Writing

    /// `POST …/{path}` with a multipart `File`: the file stored at `path/<file name>` (or at `path`
    /// when its last component is the file's name, or names a file already there), or with
    /// `unpack=true` the ZIP's files and folders unpacked into the folder `path`; missing folders
    /// above are made. What was written, in order. One transaction: a refused ZIP writes nothing.
    public func upload(_ input: ContentUploadInput, caller: AuthenticatedSession) throws -> [ContentFile] {
        let path = try ContentPath.normalized(input.path)
        let fileName = try ContentPath.fileName(input.fileName)
        let planned = input.unpack ? try ContentPlacement.unpack(input.bytes, into: path) : nil
        let now = Timestamp.iso8601(clock.now())
        let tenant = caller.tenant
        let store = input.store
        return try database.write(in: caller.scope) { db in
            try Self.requireWritable(db, store: store, path: path, caller: caller)
            let object = ContentPath.urlPath(store, path)
            var writes: [ContentPlacement.Write]
            if let planned {
                writes = planned
            } else {
                let existing = try ContentRepository.entry(db, tenant: tenant, store: store, path: path)
                let target =
                    existing.map { !$0.isFolder } ?? (ContentPath.name(of: path) == fileName) ? path : ContentPath.join(path, fileName)
                writes =
                    ContentPath.ancestors(of: target).map { ContentPlacement.Write(path: $0, isFolder: true, bytes: []) }
                    + [ContentPlacement.Write(path: target, isFolder: false, bytes: input.bytes)]
            }
            var written: [ContentFile] = []
            for write in writes {
                let existing = try ContentRepository.entry(db, tenant: tenant, store: store, path: write.path)
                if write.isFolder {
                    if let existing {
                        guard existing.isFolder else {
                            throw DomainError.conflict("\(existing.urlPath) is a file; a folder cannot be written there.")
                        }
                        continue
                    }
                    try ContentRepository.insertFolder(db, changing: object, tenant: tenant, store: store, path: write.path, now: now)
                } else {
                    if let existing, existing.isFolder {
                        throw DomainError.conflict("\(existing.urlPath) is a folder; a file cannot be written there.")
                    }
                    try ContentRepository.putFile(
                        db, changing: object, tenant: tenant, store: store, path: write.path, bytes: write.bytes,
                        mediaType: ContentMediaType.of(
                            ContentPath.name(of: write.path), declared: input.unpack ? nil : input.declaredType),
                        now: now)
                }
                if let stored = try ContentRepository.entry(db, tenant: tenant, store: store, path: write.path) { written.append(stored) }
            }
            return written
        }
    }

    /// `POST …/{path}` form-encoded: a folder (`folder=true`; in `/content` with its default table
    /// of contents; in `/resources` only below a folder that exists, as the page says), or a new
    /// file whose content is `body` (400 when empty). The folder or file made.
    public func add(_ input: ContentAdditionInput, caller: AuthenticatedSession) throws -> ContentFile {
        let path = try ContentPath.normalized(input.path)
        guard !path.isEmpty else { throw DomainError.badRequest("A path below /\(input.store.rawValue)/ is required.") }
        let now = Timestamp.iso8601(clock.now())
        let tenant = caller.tenant
        let store = input.store
        let body = input.body ?? ""
        if let type = input.type { try FieldLimits.check(type, field: "type") }
        if !input.folder && body.isEmpty {
            throw DomainError.badRequest("A new file cannot be empty: send its content in the form parameter body.")
        }
        return try database.write(in: caller.scope) { db in
            try Self.requireWritable(db, store: store, path: path, caller: caller)
            let object = ContentPath.urlPath(store, path)
            let existing = try ContentRepository.entry(db, tenant: tenant, store: store, path: path)
            let parent = ContentPath.parent(of: path)
            if input.folder {
                if existing != nil { throw DomainError.conflict("\(object) already exists.") }
                if store == .resources, !parent.isEmpty,
                    try ContentRepository.entry(db, tenant: tenant, store: store, path: parent)?.isFolder != true
                {
                    throw DomainError.notFound(
                        "The folder \(ContentPath.urlPath(store, parent)) does not exist: folders are added one level at a time.")
                }
            } else if existing?.isFolder == true {
                throw DomainError.conflict("\(object) is a folder; a file cannot be written there.")
            }
            for ancestor in ContentPath.ancestors(of: path) {
                if let found = try ContentRepository.entry(db, tenant: tenant, store: store, path: ancestor) {
                    guard found.isFolder else { throw DomainError.conflict("\(found.urlPath) is a file; it cannot hold \(object).") }
                } else {
                    try ContentRepository.insertFolder(db, changing: object, tenant: tenant, store: store, path: ancestor, now: now)
                }
            }
            if input.folder {
                try ContentRepository.insertFolder(db, changing: object, tenant: tenant, store: store, path: path, now: now)
                if store == .content {
                    try ContentRepository.putFile(
                        db, changing: object, tenant: tenant, store: store, path: ContentPath.join(path, Self.tableOfContents),
                        bytes: Array("{}".utf8), mediaType: "application/json", now: now)
                }
            } else {
                try ContentRepository.putFile(
                    db, changing: object, tenant: tenant, store: store, path: path, bytes: Array(body.utf8),
                    mediaType: ContentMediaType.of("", declared: input.type ?? "text/html"), now: now)
            }
            guard let made = try ContentRepository.entry(db, tenant: tenant, store: store, path: path) else { throw DomainError.notFound() }
            return made
        }
    }

    /// `DELETE …/{path}`: the file, or the folder and everything in it; 404 when nothing is there.
    public func delete(store: ContentStore, path rawPath: String, caller: AuthenticatedSession) throws {
        let path = try ContentPath.normalized(rawPath)
        guard !path.isEmpty else { throw DomainError.badRequest("The root of /\(store.rawValue) cannot be deleted.") }
        try database.write(in: caller.scope) { db in
            try Self.requireWritable(db, store: store, path: path, caller: caller)
            guard try ContentRepository.deleteTree(db, tenant: caller.tenant, store: store, path: path) > 0 else {
                throw DomainError.notFound("\(ContentPath.urlPath(store, path)) was not found.")
            }
        }
    }

    /// `POST /resources/branding/generatestyles` (`theme`, or every theme): the platform recompiles
    /// its stylesheets from each theme's `custom.less`. Nothing is compiled here: the call is
    /// checked (Site Admin, by the route; a theme name that is one path component) and answered as
    /// a success, and the request journal records it. The theme it was for (nil: all).
    public func generateStyles(theme: String?, caller: AuthenticatedSession) throws -> String? {
        guard let theme, !theme.isEmpty else { return nil }
        try FieldLimits.check(theme, field: "theme")
        guard !theme.contains("/"), (try? ContentPath.normalized(theme)) == theme else {
            throw DomainError.badRequest("The theme '\(ContentPath.shown(theme))' is not a theme name.")
        }
        return theme
    }

    // MARK: - Access

    /// Reads of an API's folder need the API to be readable (404 otherwise).
    static func requireReadable(_ db: SQLiteConnection, store: ContentStore, path: String, caller: AuthenticatedSession?) throws {
        guard let apiID = ContentPath.apiID(store, path) else { return }
        guard let caller else { throw DomainError.unauthorized("Log in to read API documents.") }
        _ = try APIAccess.visibleAPI(db, id: apiID, caller: caller)
    }

    static func requireWritable(_ db: SQLiteConnection, store: ContentStore, path: String, caller: AuthenticatedSession) throws {
        switch store {
        case .resources:
            guard caller.isSiteAdmin else { throw DomainError.forbidden("Only Site Admins may change console resources.") }
        case .content:
            if let apiID = ContentPath.apiID(store, path) {
                _ = try APIAccess.modifiableAPI(db, id: apiID, caller: caller)
            } else {
                try caller.requireBusinessAdmin(to: "change the portal's content outside an API's documents")
            }
        }
    }

    static func canReadAPI(_ db: SQLiteConnection, apiID: String, caller: AuthenticatedSession) throws -> Bool {
        do {
            _ = try APIAccess.visibleAPI(db, id: apiID, caller: caller)
            return true
        } catch let error as DomainError where error.kind == .notFound {
            return false
        }
    }

    /// A folder's children; in `/content/api`, only the folders of APIs the caller may read.
    static func visibleChildren(
        _ db: SQLiteConnection, tenant: String, store: ContentStore, path: String, caller: AuthenticatedSession?
    ) throws -> [ContentFile] {
        let children = try ContentRepository.children(db, tenant: tenant, store: store, parent: path)
        guard store == .content, path == "api", let caller else { return children }
        return try children.filter { try canReadAPI(db, apiID: $0.name, caller: caller) }
    }
}
