import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A tmpfs mounted for one test (`mount -t tmpfs -o size=SIZE tmpfs PATH`), unmounted by
/// `unmount` or on deinit: a filesystem that really fills. Mounting needs root (CI runs as root):
/// gate such tests with `.enabled(if: TmpfsMount.canMount, …)`.
public final class TmpfsMount {
    public let path: String
    private var mounted = false

    /// Whether this process may mount one (it runs as root).
    public static var canMount: Bool { geteuid() == 0 }

    /// Creates `path` if needed and mounts a tmpfs of `size` (`"4m"`, `"64k"`) on it.
    public init(at path: String, size: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let status = runTool("mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
        guard status == 0 else {
            throw FileSystemFailure("mount -t tmpfs -o size=\(size) tmpfs \(path) failed with status \(status) (running as root?)")
        }
        mounted = true
    }

    /// Unmounts (lazily, should a file still be open) and removes the mount point. Idempotent.
    public func unmount() {
        guard mounted else { return }
        mounted = false
        if runTool("umount", [path]) != 0 { _ = runTool("umount", ["-l", path]) }
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { unmount() }
}

public struct FileSystemFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The bytes an unprivileged writer may still use on the filesystem of `path`.
public func freeBytes(_ path: String) throws -> Int {
    var stats = statvfs()
    guard statvfs(path, &stats) == 0 else { throw FileSystemFailure("statvfs \(path): errno \(errno)") }
    return Int(stats.f_bavail) * Int(stats.f_frsize)
}

/// A file of `bytes` real (non-sparse) bytes.
public func writeFiller(_ path: String, bytes: Int) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(count: bytes)) else {
        throw FileSystemFailure("could not write \(bytes) bytes to \(path)")
    }
}

/// Appends to `path` until the filesystem refuses a single byte more.
public func fillRemainingSpace(_ path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw FileSystemFailure("open \(path): errno \(errno)") }
    defer { close(fd) }
    let chunk = [UInt8](repeating: 0, count: 4096)
    var size = chunk.count
    while size > 0 {
        let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, size) }
        if written < 0 {
            guard errno == ENOSPC else { throw FileSystemFailure("write \(path): errno \(errno)") }
            size /= 2
        }
    }
}

/// Runs `/usr/bin/TOOL` (or /bin, /usr/sbin, /sbin) with `arguments`, its output discarded; its exit status (-1 if it could not start).
public func runTool(_ tool: String, _ arguments: [String]) -> Int32 {
    let process = Process()
    let candidates = ["/usr/bin/\(tool)", "/bin/\(tool)", "/usr/sbin/\(tool)", "/sbin/\(tool)"]
    process.executableURL = URL(fileURLWithPath: candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0])
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}
