import Foundation

/// The two stores of the portal's content (help `cm/api/content/` and `cm/api/consoleresource/`):
/// `/content/{path}` (pages, API documents under `api/{APIID}/documents/…`) and `/resources/{path}`
/// (themes, branding; Site Admin). Rows of `content_files` (Migrations/0020_content_store.sql).
public enum ContentStore: String, Sendable, Equatable, CaseIterable {
    case content
    case resources
}

/// A file or folder of a store. `path` is relative and `/`-separated, without a leading or
/// trailing `/` (`""` is the store's root, never stored); a folder has no bytes.
public struct ContentFile: Sendable, Equatable {
    public var store: ContentStore
    public var path: String
    public var name: String
    public var isFolder: Bool
    public var size: Int
    public var mediaType: String
    public var created: String
    public var updated: String

    public init(
        store: ContentStore, path: String, name: String, isFolder: Bool, size: Int, mediaType: String, created: String,
        updated: String
    ) {
        self.store = store
        self.path = path
        self.name = name
        self.isFolder = isFolder
        self.size = size
        self.mediaType = mediaType
        self.created = created
        self.updated = updated
    }

    /// The path as the platform's URL names it: `/content/home/landing/index.htm`.
    public var urlPath: String { ContentPath.urlPath(store, path) }
}

/// What `GET /content/{path}` finds: a file with its bytes, or a folder with its children.
public enum ContentItem: Sendable, Equatable {
    case file(ContentFile, bytes: [UInt8])
    case folder(store: ContentStore, path: String, children: [ContentFile])
}

/// A folder (or one file) packed for `GET …?download=true&Zip=true`.
public struct ContentArchive: Sendable, Equatable {
    /// The download's file name (`landing.zip`).
    public var fileName: String
    public var data: Data
}

/// Paths of the stores: what a request's path may name, and where a ZIP's entries land.
public enum ContentPath {
    /// Path components a stored path may have at most.
    public static let maxDepth = 32
    /// Bytes a stored path may have at most (the same bound as a ZIP entry's path).
    public static let maxBytes = 1_024

    /// `raw` (a request's path below `/content/`, already percent-decoded) as a stored path; `""` for
    /// the root. 400 for a path that could leave its store (`..`, `.`, empty components, a
    /// backslash, control characters) or is too long or deep.
    public static func normalized(_ raw: String) throws -> String {
        if raw.isEmpty { return "" }
        guard let path = ZipArchive.normalized(raw, maxBytes: maxBytes), !raw.hasPrefix("./"),
            path.split(separator: "/").count <= maxDepth
        else {
            throw DomainError.badRequest(
                "The path '\(Self.shown(raw))' is not a content path: no '.' or '..' components, backslashes or control characters, "
                    + "at most \(maxDepth) folders deep and \(maxBytes) bytes.")
        }
        return path
    }

    /// An uploaded file's name: its last component (browsers of old sent the whole local path), 400
    /// when that is empty, `.`/`..`, or holds control characters.
    public static func fileName(_ raw: String) throws -> String {
        let last = raw.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.last.map(String.init) ?? ""
        guard !last.isEmpty, last != ".", last != "..", last.utf8.count <= 255,
            !last.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw DomainError.badRequest("The uploaded file name '\(Self.shown(raw))' cannot name a file.") }
        return last
    }

    /// `folder/child`, or `child` at the root.
    public static func join(_ folder: String, _ child: String) -> String {
        folder.isEmpty ? child : "\(folder)/\(child)"
    }

    /// The folder holding `path` (`""` for a top-level one).
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    public static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Every folder above `path`, outermost first (`a/b/c` → `a`, `a/b`).
    public static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = parent(of: path)
        while !current.isEmpty {
            result.append(current)
            current = parent(of: current)
        }
        return result.reversed()
    }

    public static func urlPath(_ store: ContentStore, _ path: String) -> String {
        "/\(store.rawValue)" + (path.isEmpty ? "" : "/\(path)")
    }

    /// The API a path of the content store belongs to (`api/{APIID}/…`), if any.
    public static func apiID(_ store: ContentStore, _ path: String) -> String? {
        guard store == .content else { return nil }
        let components = path.split(separator: "/", maxSplits: 2)
        guard components.count >= 2, components[0] == "api" else { return nil }
        return String(components[1])
    }

    /// The path as printed in a message: at most 200 characters, control characters as `?`.
    static func shown(_ path: String) -> String {
        let scalars = path.unicodeScalars.prefix(200).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }
        return scalars.joined() + (path.unicodeScalars.count > 200 ? "…" : "")
    }
}

/// Where an upload's files and folders land, worked out before anything is written: the ZIP
/// handling of `POST /content/{path}?unpack=true` (and `fuzz-zip`'s subject).
public enum ContentPlacement {
    public struct Write: Sendable, Equatable {
        public var path: String
        public var isFolder: Bool
        public var bytes: [UInt8]
    }

    /// ZIP limits for content uploads: the request body is at most 1 MiB, so these bound what
    /// inflates out of it.
    public static let zipLimits = ZipArchive.Limits(
        maxEntries: 10_000, maxEntryBytes: 16 << 20, maxTotalBytes: 32 << 20, maxRatio: 100, ratioFloorBytes: 1 << 20,
        maxPathBytes: 512)

    /// The folders (parents first, each once) and files of `zip` unpacked into `folder`, every path
    /// checked by `ContentPath.normalized`. A refused archive or path is a 400 (`DomainError`).
    public static func unpack(_ zip: [UInt8], into folder: String, limits: ZipArchive.Limits = zipLimits) throws -> [Write] {
        let entries: [ZipArchive.Entry]
        do {
            entries = try ZipArchive.read(Data(zip), limits: limits)
        } catch {
            throw DomainError.badRequest(error.description)
        }
        var writes: [Write] = []
        var folders: Set<String> = []
        var files: Set<String> = []
        func addFolder(_ path: String) throws {
            guard !path.isEmpty, !folders.contains(path) else { return }
            guard !files.contains(path) else {
                throw DomainError.badRequest("ZIP entry '\(ContentPath.shown(path))' is both a file and a folder")
            }
            folders.insert(path)
            writes.append(Write(path: path, isFolder: true, bytes: []))
        }
        for ancestor in ContentPath.ancestors(of: ContentPath.join(folder, "x")) {
            try addFolder(ancestor)
        }
        for entry in entries {
            let target = try ContentPath.normalized(ContentPath.join(folder, entry.path))
            for ancestor in ContentPath.ancestors(of: target) { try addFolder(ancestor) }
            if entry.isDirectory {
                try addFolder(target)
            } else {
                guard !folders.contains(target) else {
                    throw DomainError.badRequest("ZIP entry '\(ContentPath.shown(entry.path))' is both a file and a folder")
                }
                files.insert(target)
                writes.append(Write(path: target, isFolder: false, bytes: entry.bytes))
            }
        }
        return writes
    }
}

/// The media type a stored file is served with, from its name (the platform knows the type of what
/// it stores; `GET /content/{path}` needs no `Accept`).
public enum ContentMediaType {
    static let byExtension: [String: String] = [
        "htm": "text/html", "html": "text/html", "css": "text/css", "less": "text/css", "js": "application/javascript",
        "json": "application/json", "xml": "application/xml", "txt": "text/plain", "md": "text/markdown",
        "yaml": "application/yaml", "yml": "application/yaml", "csv": "text/csv", "png": "image/png", "jpg": "image/jpeg",
        "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml", "ico": "image/x-icon", "webp": "image/webp",
        "pdf": "application/pdf", "zip": "application/zip", "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf",
        "eot": "application/vnd.ms-fontobject", "properties": "text/plain", "wsdl": "application/xml"
    ]

    /// The type for `name`: by its extension, else `declared` (a multipart part's or a form's
    /// `type`) when it is a plain media type, else `application/octet-stream`.
    public static func of(_ name: String, declared: String? = nil) -> String {
        if let dot = name.lastIndex(of: "."), let known = byExtension[name[name.index(after: dot)...].lowercased()] { return known }
        if let declared = declared?.trimmingCharacters(in: .whitespaces), !declared.isEmpty, declared.utf8.count <= 255,
            declared.contains("/"), !declared.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        {
            return declared
        }
        return "application/octet-stream"
    }
}
