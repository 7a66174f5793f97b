#if canImport(Glibc)
    import Glibc
#endif

/// Thin wrappers over the socket system calls, each classifying `errno` right after the call.
enum Socket {
    enum ReadResult {
        case bytes(Int)
        case wouldBlock
        case endOfFile
        case failed(Int32)
    }

    enum WriteResult {
        case bytes(Int)
        case wouldBlock
        case failed(Int32)
    }

    enum AcceptResult {
        case accepted(Int32, SocketAddress)
        case wouldBlock
        /// A transient per-connection failure (aborted connection, interrupted): try again.
        case retry
        /// Out of descriptors or memory: back off before accepting again.
        case exhausted(Int32)
        case failed(Int32)
    }

    /// Creates a non-blocking listening socket bound to `address`; on failure no fd is leaked.
    static func makeListener(_ address: SocketAddress, backlog: Int32) throws(SocketError) -> Int32 {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .last("socket", detail: address.description) }
        var one: Int32 = 1
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let error = SocketError.last("setsockopt(SO_REUSEADDR)", detail: address.description)
            _ = Glibc.close(fd)
            throw error
        }
        var storage = address.storage
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) }
        }
        guard bound == 0 else {
            let error = SocketError.last("bind", detail: address.description)
            _ = Glibc.close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = SocketError.last("listen", detail: address.description)
            _ = Glibc.close(fd)
            throw error
        }
        return fd
    }

    /// The address `fd` is bound to (`getsockname`).
    static func localAddress(_ fd: Int32) throws(SocketError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw .last("getsockname") }
        return SocketAddress(storage: storage, length: length)
    }

    static func accept(_ listener: Int32) -> AcceptResult {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Epoll.accept(listener, $0, &length) }
        }
        if fd >= 0 {
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return .accepted(fd, SocketAddress(storage: storage, length: length))
        }
        let error = errno
        switch error {
        case EAGAIN, EWOULDBLOCK: return .wouldBlock
        case EINTR, ECONNABORTED, EPROTO, EPERM, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH,
            EOPNOTSUPP, ENETUNREACH:
            return .retry
        case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .exhausted(error)
        default: return .failed(error)
        }
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .endOfFile }
            let error = errno
            switch error {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(error)
            }
        }
    }

    /// One `send` with `MSG_NOSIGNAL` (a closed peer yields EPIPE, never SIGPIPE).
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> WriteResult {
        while true {
            let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .bytes(count) }
            let error = errno
            switch error {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(error)
            }
        }
    }

    static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Ignores SIGPIPE process-wide, once (every send also passes MSG_NOSIGNAL).
    static func ignoreSIGPIPE() {
        _ = ignoreSIGPIPEOnce
    }

    private static let ignoreSIGPIPEOnce: Bool = {
        _ = signal(SIGPIPE, SIG_IGN)
        return true
    }()
}
