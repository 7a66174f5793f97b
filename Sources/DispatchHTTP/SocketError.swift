#if canImport(Glibc)
    import Glibc
#endif

/// A failed socket system call, with the `errno` captured right after the call failed.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    /// The system call or step that failed (`"bind"`, `"listen"`, `"epoll_create1"`…).
    public var operation: String
    public var errno: Int32
    /// `strerror(errno)`, e.g. "Address already in use".
    public var message: String
    /// What the call was about, e.g. the address being bound (may be empty).
    public var detail: String

    public init(operation: String, errno: Int32, detail: String = "") {
        self.operation = operation
        self.errno = errno
        self.message = String(cString: strerror(errno))
        self.detail = detail
    }

    /// Captures the current `errno`; call immediately after the failing call.
    static func last(_ operation: String, detail: String = "") -> SocketError {
        SocketError(operation: operation, errno: Glibc.errno, detail: detail)
    }

    public var description: String {
        let subject = detail.isEmpty ? operation : "\(operation) \(detail)"
        return "\(subject) failed: \(message) (errno \(errno))"
    }
}
