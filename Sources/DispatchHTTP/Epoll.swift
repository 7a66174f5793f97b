#if canImport(Glibc)
import Glibc
#endif

/// Bindings to `epoll(7)`, `eventfd(2)` and `accept4(2)`.
///
/// Swift's Glibc module does not export `<sys/epoll.h>` or `<sys/eventfd.h>`, and this target
/// cannot add a C shim, so the functions are looked up once with `dlsym` and called through
/// `@convention(c)` pointers. `struct epoll_event` is declared `packed` on x86-64 (12 bytes,
/// data at offset 4) and naturally aligned elsewhere (16 bytes, data at offset 8); events are
/// therefore read and written as raw bytes.
enum Epoll {
    struct Events: OptionSet, Sendable {
        let rawValue: UInt32
        static let input = Events(rawValue: 0x001)  // EPOLLIN
        static let output = Events(rawValue: 0x004)  // EPOLLOUT
        static let error = Events(rawValue: 0x008)  // EPOLLERR
        static let hangUp = Events(rawValue: 0x010)  // EPOLLHUP
        static let readHangUp = Events(rawValue: 0x2000)  // EPOLLRDHUP
        static let edgeTriggered = Events(rawValue: 1 << 31)  // EPOLLET
    }

    enum Operation: Int32 {
        case add = 1  // EPOLL_CTL_ADD
        case delete = 2  // EPOLL_CTL_DEL
        case modify = 3  // EPOLL_CTL_MOD
    }

    #if arch(x86_64)
    static let eventSize = 12
    static let dataOffset = 4
    #else
    static let eventSize = 16
    static let dataOffset = 8
    #endif

    private typealias CreateFunction = @convention(c) (Int32) -> Int32
    private typealias ControlFunction = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias WaitFunction = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    private typealias EventFDFunction = @convention(c) (UInt32, Int32) -> Int32
    private typealias Accept4Function = @convention(c) (
        Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32
    ) -> Int32

    private static let createFunction: CreateFunction = resolve("epoll_create1")
    private static let controlFunction: ControlFunction = resolve("epoll_ctl")
    private static let waitFunction: WaitFunction = resolve("epoll_wait")
    private static let eventFDFunction: EventFDFunction = resolve("eventfd")
    private static let accept4Function: Accept4Function = resolve("accept4")

    private static func resolve<Function>(_ name: String) -> Function {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            fatalError("DispatchHTTP: the C library does not provide \(name)")
        }
        return unsafeBitCast(symbol, to: Function.self)
    }

    /// `epoll_create1(EPOLL_CLOEXEC)`.
    static func create() -> Int32 {
        createFunction(O_CLOEXEC)
    }

    /// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`.
    static func makeEventFD() -> Int32 {
        eventFDFunction(0, O_NONBLOCK | O_CLOEXEC)
    }

    /// `accept4(listener, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC)`.
    static func accept(_ listener: Int32, _ address: UnsafeMutablePointer<sockaddr>,
                       _ length: UnsafeMutablePointer<socklen_t>) -> Int32
    {
        accept4Function(listener, address, length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
    }

    /// `epoll_ctl`; `data` comes back with every event for `fd`.
    static func control(_ epollFD: Int32, _ operation: Operation, _ fd: Int32, events: Events, data: UInt64) -> Int32 {
        withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { buffer in
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.storeBytes(of: events.rawValue, toByteOffset: 0, as: UInt32.self)
            buffer.storeBytes(of: data, toByteOffset: dataOffset, as: UInt64.self)
            return controlFunction(epollFD, operation.rawValue, fd, buffer.baseAddress)
        }
    }

    /// `epoll_wait` into `buffer`, which holds `capacity` events of `eventSize` bytes.
    static func wait(_ epollFD: Int32, _ buffer: UnsafeMutableRawPointer, capacity: Int32, timeout: Int32) -> Int32 {
        waitFunction(epollFD, buffer, capacity, timeout)
    }

    static func event(at index: Int, in buffer: UnsafeMutableRawPointer) -> (events: Events, data: UInt64) {
        let base = UnsafeRawPointer(buffer) + index * eventSize
        let events = base.loadUnaligned(as: UInt32.self)
        let data = base.loadUnaligned(fromByteOffset: dataOffset, as: UInt64.self)
        return (Events(rawValue: events), data)
    }
}
