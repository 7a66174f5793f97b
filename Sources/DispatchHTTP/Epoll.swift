import CEpoll

#if canImport(Glibc)
    import Glibc
#endif

/// `epoll(7)`, `eventfd(2)` and `accept4(2)` through the `CEpoll` system-library module (Swift's
/// Glibc module does not export them), with Swift names and option sets. `struct epoll_event` is
/// imported with its C layout (packed on x86-64), so events are read through the imported type.
enum Epoll {
    struct Events: OptionSet, Sendable {
        let rawValue: UInt32
        static let input = Events(rawValue: EPOLLIN.rawValue)
        static let output = Events(rawValue: EPOLLOUT.rawValue)
        static let error = Events(rawValue: EPOLLERR.rawValue)
        static let hangUp = Events(rawValue: EPOLLHUP.rawValue)
        static let readHangUp = Events(rawValue: EPOLLRDHUP.rawValue)
        static let edgeTriggered = Events(rawValue: EPOLLET.rawValue)
    }

    enum Operation: Int32 {
        case add, delete, modify

        var value: Int32 {
            switch self {
            case .add: EPOLL_CTL_ADD
            case .delete: EPOLL_CTL_DEL
            case .modify: EPOLL_CTL_MOD
            }
        }
    }

    /// The buffer `wait` fills holds this many bytes per event.
    static let eventSize = MemoryLayout<epoll_event>.stride

    /// `epoll_create1(EPOLL_CLOEXEC)`.
    static func create() -> Int32 {
        epoll_create1(Int32(EPOLL_CLOEXEC))
    }

    /// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`.
    static func makeEventFD() -> Int32 {
        eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
    }

    /// `accept4(listener, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC)`.
    static func accept(
        _ listener: Int32, _ address: UnsafeMutablePointer<sockaddr>,
        _ length: UnsafeMutablePointer<socklen_t>
    ) -> Int32 {
        accept4(listener, address, length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
    }

    /// `epoll_ctl`; `data` comes back with every event for `fd`.
    static func control(_ epollFD: Int32, _ operation: Operation, _ fd: Int32, events: Events, data: UInt64) -> Int32 {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.u64 = data
        return epoll_ctl(epollFD, operation.value, fd, &event)
    }

    /// `epoll_wait` into `buffer`, which holds `capacity` events of `eventSize` bytes.
    static func wait(_ epollFD: Int32, _ buffer: UnsafeMutableRawPointer, capacity: Int32, timeout: Int32) -> Int32 {
        epoll_wait(epollFD, buffer.assumingMemoryBound(to: epoll_event.self), capacity, timeout)
    }

    static func event(at index: Int, in buffer: UnsafeMutableRawPointer) -> (events: Events, data: UInt64) {
        let event = buffer.assumingMemoryBound(to: epoll_event.self)[index]
        return (Events(rawValue: event.events), event.data.u64)
    }
}
