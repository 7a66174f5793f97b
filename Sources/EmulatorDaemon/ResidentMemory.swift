import CMalloc
import Foundation

/// Gives back to the kernel the memory only startup needed, so the daemon's resident set under load
/// is what serving needs.
///
/// Startup (argument parsing, configuration, migrations, seeded users, the dynamic loader's relocations)
/// runs code and reads tables that serving never touches again; the kernel maps file pages 16 at a
/// time around each fault, so those pages stay resident (and counted in RSS) for the life of the
/// process. `releaseStartupPages` drops this process's page-table entries of the read-only file
/// mappings (code and read-only data of the executable and its libraries): the pages stay in the OS
/// page cache, and the ones serving uses fault back in at their first use.
enum ResidentMemory {
    /// One mapping of `/proc/self/smaps`.
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var permissions: String
        var path: String
        /// Resident pages private to this process that are not the file's (copy-on-write): KiB.
        var anonymousKiB: Int
        var residentKiB: Int

        /// Read-only (never writable), backed by a file, and holding no page that differs from the
        /// file: dropping its page-table entries loses nothing, as every page reads back the same.
        var isReleasable: Bool {
            path.hasPrefix("/") && anonymousKiB == 0 && permissions.count >= 4
                && permissions.hasPrefix("r") && Array(permissions)[1] == "-" && Array(permissions)[3] == "p"
        }
    }

    /// Parses `/proc/<pid>/smaps` text: each mapping's header line, then its `Rss:` and `Anonymous:` lines.
    static func parseSmaps(_ text: String) -> [Mapping] {
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let first = line.first, first.isHexDigit, let dash = line.firstIndex(of: "-"),
                let space = line.firstIndex(of: " "), dash < space,
                let start = UInt(line[line.startIndex..<dash], radix: 16),
                let end = UInt(line[line.index(after: dash)..<space], radix: 16)
            {
                let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
                let path = fields.count > 5 ? String(fields[5]).trimmingCharacters(in: .whitespaces) : ""
                mappings.append(
                    Mapping(
                        start: start, end: end, permissions: fields.count > 1 ? String(fields[1]) : "",
                        path: path, anonymousKiB: -1, residentKiB: 0))
            } else if !mappings.isEmpty, line.hasPrefix("Anonymous:") || line.hasPrefix("Rss:") {
                let value = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? -1
                if line.hasPrefix("Rss:") {
                    mappings[mappings.count - 1].residentKiB = value
                } else {
                    mappings[mappings.count - 1].anonymousKiB = value
                }
            }
        }
        return mappings
    }

    /// Drops this process's resident pages of its read-only file mappings (see the type's note) and
    /// returns the KiB that were resident in them. Linux only; elsewhere (or when `/proc` cannot be
    /// read) it does nothing and returns 0.
    @discardableResult
    static func releaseStartupPages() -> Int {
        #if os(Linux)
            guard let text = readProcFile("/proc/self/smaps") else { return 0 }
            var released = 0
            for mapping in parseSmaps(text) where mapping.isReleasable && mapping.residentKiB > 0 {
                guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
                if madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 {
                    released += mapping.residentKiB
                }
            }
            return released
        #else
            return 0
        #endif
    }

    /// The whole text of a `/proc` file, read to its end (they report a size of 0, and are produced a
    /// page or so per `read`).
    static func readProcFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Returns the free memory of every malloc arena to the kernel (`malloc_trim`).
    static func trimHeap() {
        #if os(Linux)
            _ = malloc_trim(0)
        #endif
    }
}
