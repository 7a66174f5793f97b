import Foundation
import Testing

@testable import EmulatorDaemon

@Suite struct ResidentMemoryTests {
    static let sample = """
        55d0c0a00000-55d0c1000000 r-xp 00000000 fe:00 16367954                   /opt/akana-emulator
        Size:               6144 kB
        Rss:                4096 kB
        Anonymous:             0 kB
        55d0c1000000-55d0c1100000 r--p 00600000 fe:00 16367954                   /opt/akana-emulator
        Rss:                 632 kB
        Anonymous:           632 kB
        55d0c1100000-55d0c1200000 rw-p 00700000 fe:00 16367954                   /opt/akana-emulator
        Rss:                 100 kB
        Anonymous:            40 kB
        7f1b16800000-7f1b168c5000 r--p 00000000 fe:00 333177                     /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Rss:                 788 kB
        Anonymous:             0 kB
        7f1b17000000-7f1b17100000 rw-p 00000000 00:00 0
        Rss:                 900 kB
        Anonymous:           900 kB
        7ffd1e1f3000-7ffd1e1f5000 r-xp 00000000 00:00 0                          [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        """

    @Test func onlyReadOnlyFileMappingsWithoutPrivateChangesAreReleasable() {
        let mappings = ResidentMemory.parseSmaps(Self.sample)
        #expect(mappings.count == 6)
        #expect(
            mappings[0]
                == ResidentMemory.Mapping(
                    start: 0x55d0_c0a0_0000, end: 0x55d0_c100_0000, permissions: "r-xp",
                    path: "/opt/akana-emulator", anonymousKiB: 0, residentKiB: 4096))
        #expect(mappings[3].path == "/usr/lib/x86_64-linux-gnu/libcrypto.so.3")
        // Code and the libraries' read-only data: yes. Relocated read-only data (copy-on-write pages),
        // anything writable, anonymous memory and the vDSO: never.
        #expect(mappings.map(\.isReleasable) == [true, false, false, true, false, false])
    }

    /// The KiB resident in the mapping that starts at `address`, from this process's smaps.
    func resident(at address: UnsafeMutableRawPointer) throws -> ResidentMemory.Mapping {
        let text = try #require(ResidentMemory.readProcFile("/proc/self/smaps"))
        return try #require(ResidentMemory.parseSmaps(text).first { $0.start == UInt(bitPattern: address) })
    }

    @Test func releasingDropsCleanFilePagesAndKeepsPrivatelyChangedOnes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resident-\(UUID().uuidString)").path
        defer { unlink(path) }
        let pages = 64
        let size = pages * 4096
        _ = FileManager.default.createFile(atPath: path, contents: Data((0..<size).map { UInt8(truncatingIfNeeded: $0 / 4096 + 1) }))
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        // A clean read-only mapping, every page read; and one whose first page was changed privately
        // before it became read-only (as the dynamic loader leaves relocated data).
        let clean = try #require(mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0))
        let changed = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0))
        defer {
            munmap(clean, size)
            munmap(changed, size)
        }
        var sum = 0
        for page in 0..<pages { sum += Int(clean.load(fromByteOffset: page * 4096, as: UInt8.self)) }
        #expect(sum == (1...pages).reduce(0, +))
        changed.storeBytes(of: 0xAB, toByteOffset: 0, as: UInt8.self)
        try #require(mprotect(changed, size, PROT_READ) == 0)
        #expect(try resident(at: clean).residentKiB == pages * 4)
        #expect(try resident(at: changed).anonymousKiB == 4)

        #expect(ResidentMemory.releaseStartupPages() >= pages * 4)

        #expect(try resident(at: clean).residentKiB == 0)
        #expect(try resident(at: changed).anonymousKiB == 4)
        #expect(changed.load(fromByteOffset: 0, as: UInt8.self) == 0xAB)  // the private change survived
        #expect(clean.load(fromByteOffset: 5 * 4096, as: UInt8.self) == 6)  // clean pages read back from the file
    }
}
