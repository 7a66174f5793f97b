import Foundation
import ZIPFoundation

/// ZIP files the emulator reads from untrusted uploads (portal content with `unpack=true`, API
/// packages) and writes (folder downloads, package exports), through ZIPFoundation — never a
/// hand-written reader. Reading is bounded before anything is written anywhere: the entry count,
/// each entry's and the total's decompressed size (counted as the bytes come out of the inflater,
/// not taken from the headers, which a bomb lies in), the compression ratio, and each path (no
/// absolute path, no `..`, no symlink, no control characters, no duplicate). A rejection names the
/// entry and the limit, for a 400's faultstring.
public enum ZipArchive {
    /// Bounds on an archive read from untrusted bytes.
    public struct Limits: Sendable, Equatable {
        public var maxEntries: Int
        public var maxEntryBytes: Int
        public var maxTotalBytes: Int
        /// Decompressed bytes per compressed byte an entry may reach once it is larger than
        /// `ratioFloorBytes` (a small, very compressible file is not a bomb).
        public var maxRatio: Int
        public var ratioFloorBytes: Int
        public var maxPathBytes: Int

        public init(
            maxEntries: Int = 10_000, maxEntryBytes: Int = 16 << 20, maxTotalBytes: Int = 64 << 20, maxRatio: Int = 100,
            ratioFloorBytes: Int = 1 << 20, maxPathBytes: Int = 1_024
        ) {
            self.maxEntries = maxEntries
            self.maxEntryBytes = maxEntryBytes
            self.maxTotalBytes = maxTotalBytes
            self.maxRatio = maxRatio
            self.ratioFloorBytes = ratioFloorBytes
            self.maxPathBytes = maxPathBytes
        }

        public static let standard = Limits()
    }

    /// One file or folder of an archive. `path` is relative, `/`-separated, without a leading or
    /// trailing `/`; a folder has no bytes.
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var isDirectory: Bool
        public var bytes: [UInt8]
        public var modified: Date?

        public init(path: String, isDirectory: Bool = false, bytes: [UInt8] = [], modified: Date? = nil) {
            self.path = path
            self.isDirectory = isDirectory
            self.bytes = bytes
            self.modified = modified
        }
    }

    /// Why an archive was refused. `description` is the faultstring.
    public enum Rejection: Error, Equatable, CustomStringConvertible {
        case notAZip
        case tooManyEntries(limit: Int)
        case entryTooLarge(path: String, limit: Int)
        case tooLarge(limit: Int)
        case ratio(path: String, limit: Int)
        case unsafePath(path: String)
        case symlink(path: String)
        case duplicate(path: String)
        case corrupt(path: String)
        /// The bytes could not be put where the reader reads them (the temporary directory).
        case unreadable

        public var description: String {
            switch self {
            case .notAZip: "The file is not a ZIP archive"
            case .tooManyEntries(let limit): "The ZIP archive has more than \(limit) entries"
            case .entryTooLarge(let path, let limit): "ZIP entry \(Self.quoted(path)) is larger than \(limit) bytes uncompressed"
            case .tooLarge(let limit): "The ZIP archive is larger than \(limit) bytes uncompressed"
            case .ratio(let path, let limit): "ZIP entry \(Self.quoted(path)) expands more than \(limit) times (a ZIP bomb?)"
            case .unsafePath(let path):
                "ZIP entry \(Self.quoted(path)) has a path outside its folder or with characters a path may not hold"
            case .symlink(let path): "ZIP entry \(Self.quoted(path)) is a symbolic link; links are not accepted"
            case .duplicate(let path): "ZIP entry \(Self.quoted(path)) appears more than once"
            case .corrupt(let path): "ZIP entry \(Self.quoted(path)) is damaged"
            case .unreadable: "The ZIP archive could not be read: the emulator's temporary directory is not writable"
            }
        }

        /// The path as printed in a message: at most 200 characters, control characters escaped.
        private static func quoted(_ path: String) -> String {
            let shown = path.unicodeScalars.prefix(200).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
            return "\"" + shown + (path.unicodeScalars.count > 200 ? "…" : "") + "\""
        }
    }

    /// The entries of `data`, in archive order, every bound checked. Nothing is extracted to disk.
    ///
    /// ZIPFoundation reads the bytes from a private temporary file, not from memory: its in-memory
    /// archives (0.9.20) trap on a central directory that points past the end of the data (an
    /// arithmetic overflow in `MemoryFile.readData`: one upload would stop the daemon) and leak
    /// when their end record cannot be read; a file read past its end just reads nothing. Both
    /// were found by `Fuzz/run.sh … zip`.
    ///
    /// The file is the archive with a run of zero bytes (a sparse hole: no disk is written) between
    /// its data and a copy of its end records: ZIPFoundation's inflater on Linux (0.9.20) loops
    /// forever, reading nothing, when a deflated entry's stream has not ended at the end of the file
    /// (fuzz-package found one: a handler thread spinning for good). Zeros are never read by inflate
    /// without it failing or producing output (at least one byte per two read), so with the hole
    /// twice the entry bound the stream fails or trips a bound before the end of the file.
    public static func read(_ data: Data, limits: Limits = .standard) throws(Rejection) -> [Entry] {
        guard let tail = endRecords(data) else { throw .notAZip }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("akana-zip-\(UUID().uuidString).zip")
        do {
            try data.write(to: file, options: .withoutOverwriting)
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            let hole = UInt64(data.count) + 2 * UInt64(max(limits.maxEntryBytes, limits.ratioFloorBytes)) + (1 << 20)
            try handle.truncate(atOffset: hole)
            try handle.seek(toOffset: hole)
            try handle.write(contentsOf: data[tail...])
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw .unreadable
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let archive: Archive
        do {
            archive = try Archive(url: file, accessMode: .read)
        } catch {
            throw .notAZip
        }
        var entries: [Entry] = []
        var seen: Set<String> = []
        var total = 0
        for entry in archive {
            guard entries.count < limits.maxEntries else { throw .tooManyEntries(limit: limits.maxEntries) }
            let rawPath = entry.path(using: .utf8)
            if entry.type == .symlink { throw .symlink(path: rawPath) }
            guard let path = normalized(rawPath, maxBytes: limits.maxPathBytes) else { throw .unsafePath(path: rawPath) }
            guard seen.insert(path).inserted else { throw .duplicate(path: path) }
            if entry.type == .directory {
                entries.append(Entry(path: path, isDirectory: true, modified: entry.fileAttributes[.modificationDate] as? Date))
                continue
            }
            var bytes: [UInt8] = []
            let compressed = Int(clamping: entry.compressedSize)
            let ratioLimit = max(limits.ratioFloorBytes, compressed.multipliedReportingOverflow(by: limits.maxRatio).partialValue)
            var refusal: Rejection?
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    if bytes.count + chunk.count > limits.maxEntryBytes {
                        refusal = .entryTooLarge(path: path, limit: limits.maxEntryBytes)
                    } else if total + bytes.count + chunk.count > limits.maxTotalBytes {
                        refusal = .tooLarge(limit: limits.maxTotalBytes)
                    } else if bytes.count + chunk.count > ratioLimit {
                        refusal = .ratio(path: path, limit: limits.maxRatio)
                    }
                    if refusal != nil { throw CancellationError() }
                    bytes.append(contentsOf: chunk)
                }
            } catch {
                throw refusal ?? .corrupt(path: path)
            }
            total += bytes.count
            entries.append(Entry(path: path, bytes: bytes, modified: entry.fileAttributes[.modificationDate] as? Date))
        }
        return entries
    }

    /// Where the archive's end records start: the end-of-central-directory record (the last one
    /// within the 65,557 bytes an end record and its comment may take at the end), or the ZIP64
    /// record and locator right before it. nil when there is none (not a ZIP). Only this framing is
    /// read here; the entries are ZIPFoundation's.
    static func endRecords(_ data: Data) -> Data.Index? {
        let bytes = [UInt8](data.suffix(65_557 + 76))
        let base = data.endIndex - bytes.count
        guard bytes.count >= 22 else { return nil }
        var index = bytes.count - 22
        while index >= 0 {
            if bytes[index] == 0x50, bytes[index + 1] == 0x4B, bytes[index + 2] == 0x05, bytes[index + 3] == 0x06 { break }
            if bytes.count - index > 65_557 { return nil }
            index -= 1
        }
        guard index >= 0 else { return nil }
        // ZIP64: a locator (PK\u{6}\u{7}, 20 bytes) right before, and its record (56 bytes) before that.
        if index >= 76, bytes[index - 20] == 0x50, bytes[index - 19] == 0x4B, bytes[index - 18] == 0x06, bytes[index - 17] == 0x07 {
            return base + index - 76
        }
        return base + index
    }

    /// A ZIP archive of `entries` (files deflated, folders as folder entries), in the order given.
    public static func write(_ entries: [Entry]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for entry in entries {
            let modified = entry.modified ?? Date(timeIntervalSince1970: 0)
            if entry.isDirectory {
                try archive.addEntry(
                    with: entry.path + "/", type: .directory, uncompressedSize: Int64(0), modificationDate: modified
                ) { (_: Int64, _: Int) in Data() }
            } else {
                let bytes = entry.bytes
                try archive.addEntry(
                    with: entry.path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: modified,
                    compressionMethod: .deflate
                ) { (position: Int64, size: Int) in
                    let start = Int(position)
                    return Data(bytes[start..<min(bytes.count, start + size)])
                }
            }
        }
        return archive.data ?? Data()
    }

    /// `path` as a safe relative path (no leading `./`, no trailing `/`), or nil when it could
    /// reach outside its folder or holds what a path may not: an absolute path, a drive letter, a
    /// `..` or empty component, a backslash, a control character, or more than `maxBytes` bytes.
    public static func normalized(_ path: String, maxBytes: Int = Limits.standard.maxPathBytes) -> String? {
        guard !path.isEmpty, path.utf8.count <= maxBytes, !path.hasPrefix("/"), !path.contains("\\") else { return nil }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        var components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if components.last == "" { components.removeLast() }
        while components.first == "." { components.removeFirst() }
        guard !components.isEmpty else { return nil }
        if components[0].count == 2, components[0].hasSuffix(":") { return nil }
        guard components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        return components.joined(separator: "/")
    }
}
