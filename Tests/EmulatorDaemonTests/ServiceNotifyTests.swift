import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// systemd's notify protocol: the real binary tells `$NOTIFY_SOCKET` when it is ready and when it stops.
@Suite struct ServiceNotifyTests {
    /// A bound `AF_UNIX` datagram socket standing in for systemd.
    final class NotifySocket {
        let fd: Int32
        let path: String

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        }

        deinit {
            close(fd)
            unlink(path)
        }

        /// The next datagram's text (nil after the 30 s timeout).
        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
        }
    }

    @Test func theDaemonSendsReadyWhenListeningAndStoppingOnShutdown() throws {
        let directory = try TemporaryDirectory()
        // sun_path is short (108 bytes): a short name in /tmp.
        let socket = try NotifySocket(path: "/tmp/akana-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock")
        let daemon = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("n.sqlite")],
            directory: directory.url, environment: ["NOTIFY_SOCKET": socket.path])
        let port = try daemon.waitUntilListening()
        let ready = try #require(socket.receive())
        #expect(ready.split(separator: "\n").contains("READY=1"))
        #expect(ready.contains("STATUS=listening on http://127.0.0.1:\(port)"))
        #expect(ready.contains("MAINPID=\(daemon.process.processIdentifier)"))
        #expect(daemon.stop() == 0)
        let stopping = try #require(socket.receive())
        #expect(stopping.split(separator: "\n").contains("STOPPING=1"))
    }
}
