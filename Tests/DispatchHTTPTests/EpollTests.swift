import Testing

@testable import DispatchHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The epoll bindings against the kernel: an eventfd registered with a token comes back readable
/// with that token, through the imported `epoll_event` layout (packed on x86-64).
@Suite struct EpollTests {
    @Test func anEventFDComesBackWithItsToken() throws {
        #if arch(x86_64)
            #expect(Epoll.eventSize == 12)
        #endif
        let epollFD = Epoll.create()
        let wakeFD = Epoll.makeEventFD()
        try #require(epollFD >= 0 && wakeFD >= 0)
        defer {
            close(wakeFD)
            close(epollFD)
        }
        let token: UInt64 = 0xDEAD_BEEF_0000_0042
        #expect(Epoll.control(epollFD, .add, wakeFD, events: [.input, .edgeTriggered], data: token) == 0)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 4 * Epoll.eventSize, alignment: 8)
        defer { buffer.deallocate() }
        #expect(Epoll.wait(epollFD, buffer, capacity: 4, timeout: 0) == 0)  // nothing yet

        var one: UInt64 = 1
        #expect(write(wakeFD, &one, 8) == 8)
        #expect(Epoll.wait(epollFD, buffer, capacity: 4, timeout: 1000) == 1)
        let (events, data) = Epoll.event(at: 0, in: buffer)
        #expect(events.contains(.input) && !events.contains(.output))
        #expect(data == token)

        // Modified to also watch for writing: an eventfd is always writable.
        #expect(Epoll.control(epollFD, .modify, wakeFD, events: [.input, .output, .edgeTriggered], data: token + 1) == 0)
        #expect(Epoll.wait(epollFD, buffer, capacity: 4, timeout: 1000) == 1)
        #expect(Epoll.event(at: 0, in: buffer).events.contains(.output))
        #expect(Epoll.event(at: 0, in: buffer).data == token + 1)
        #expect(Epoll.control(epollFD, .delete, wakeFD, events: [], data: 0) == 0)
        #expect(Epoll.wait(epollFD, buffer, capacity: 4, timeout: 0) == 0)
    }
}
