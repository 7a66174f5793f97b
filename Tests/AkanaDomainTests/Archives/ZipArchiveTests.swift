import Foundation
import Testing
import ZIPFoundation

@testable import AkanaDomain

@Suite struct ZipArchiveTests {
    @Test func roundTripKeepsFoldersFilesAndBytes() throws {
        let text = Array("<html>home</html>".utf8)
        let zeros = [UInt8](repeating: 0, count: 100_000)
        let data = try ZipArchive.write([
            .init(path: "landing", isDirectory: true), .init(path: "landing/index.htm", bytes: text),
            .init(path: "landing/img/blank.bin", bytes: zeros)
        ])
        let entries = try ZipArchive.read(data)
        #expect(entries.map(\.path) == ["landing", "landing/index.htm", "landing/img/blank.bin"])
        #expect(entries.map(\.isDirectory) == [true, false, false])
        #expect(entries[1].bytes == text)
        #expect(entries[2].bytes == zeros)
    }

    @Test(arguments: ["../evil.txt", "a/../../evil.txt", "/etc/passwd", "C:/x", "a\\..\\b", "a//b", "a/./b", "a\u{1}b"])
    func pathsThatEscapeOrLieAreRefused(_ path: String) throws {
        let data = try ZipArchive.write([.init(path: "ok.txt", bytes: [1]), .init(path: path, bytes: [2])])
        #expect(throws: ZipArchive.Rejection.unsafePath(path: path)) { try ZipArchive.read(data) }
    }

    @Test func leadingDotSlashIsTheSameFolder() {
        #expect(ZipArchive.normalized("./docs/a.md") == "docs/a.md")
        #expect(ZipArchive.normalized("docs/") == "docs")
        #expect(ZipArchive.normalized("./") == nil)
    }

    @Test func symlinkEntriesAreRefused() throws {
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(with: "link", type: .symlink, uncompressedSize: Int64(11)) { (_: Int64, _: Int) in
            Data("/etc/passwd".utf8)
        }
        let data = try #require(archive.data)
        #expect(throws: ZipArchive.Rejection.symlink(path: "link")) { try ZipArchive.read(data) }
    }

    @Test func aBombIsRefusedByTheBytesThatComeOutNotTheHeaders() throws {
        let bomb = try ZipArchive.write([.init(path: "zeros.bin", bytes: [UInt8](repeating: 0, count: 8 << 20))])
        #expect(bomb.count < 100_000)
        #expect(throws: ZipArchive.Rejection.ratio(path: "zeros.bin", limit: 100)) { try ZipArchive.read(bomb) }
        let limits = ZipArchive.Limits(maxEntryBytes: 1 << 20, maxRatio: 1_000_000)
        #expect(throws: ZipArchive.Rejection.entryTooLarge(path: "zeros.bin", limit: 1 << 20)) {
            try ZipArchive.read(bomb, limits: limits)
        }
    }

    @Test func theTotalIsBounded() throws {
        let files = (0..<4).map { ZipArchive.Entry(path: "f\($0)", bytes: [UInt8](repeating: UInt8($0), count: 300)) }
        let data = try ZipArchive.write(files)
        let limits = ZipArchive.Limits(maxTotalBytes: 1_000)
        #expect(throws: ZipArchive.Rejection.tooLarge(limit: 1_000)) { try ZipArchive.read(data, limits: limits) }
    }

    @Test func entryCountIsBoundedAndDuplicatesRefused() throws {
        let many = try ZipArchive.write((0..<20).map { ZipArchive.Entry(path: "f\($0)", bytes: [1]) })
        #expect(throws: ZipArchive.Rejection.tooManyEntries(limit: 10)) { try ZipArchive.read(many, limits: .init(maxEntries: 10)) }
        let twice = try ZipArchive.write([.init(path: "a", bytes: [1]), .init(path: "./a", bytes: [2])])
        #expect(throws: ZipArchive.Rejection.duplicate(path: "a")) { try ZipArchive.read(twice) }
    }

    /// A central directory that points past the end of the data reads as nothing (or a rejection),
    /// never a crash. ZIPFoundation's in-memory reader, which `read` used before, trapped on damaged
    /// offsets (an arithmetic overflow, which ends the process: fuzzing found one); a file read
    /// there just comes back short.
    @Test(arguments: [UInt32(0xFFFF_FFF0), UInt32(0x7FFF_FFFF), UInt32(1_000)])
    func aCentralDirectoryPastTheEndReadsAsNothing(_ offset: UInt32) throws {
        var bytes = [UInt8](try ZipArchive.write([.init(path: "package.json", bytes: Array("{}".utf8))]))
        // The end-of-central-directory record is the last 22 bytes; its offset field starts at 16.
        let field = bytes.count - 22 + 16
        for index in 0..<4 { bytes[field + index] = UInt8(truncatingIfNeeded: offset >> (8 * UInt32(index))) }
        let entries = try? ZipArchive.read(Data(bytes))
        #expect(entries == nil || entries == [])
    }

    /// What fuzz-zip found in ZIPFoundation's in-memory archives: a central directory entry whose
    /// local header lies past the end of the data trapped (stopping the process), and bytes whose
    /// end record cannot be read leaked. Read from a file, both are plain refusals (or end the
    /// listing).
    @Test func aCentralDirectoryPointingPastTheEndIsRefusedNotATrap() throws {
        var bytes = [UInt8](try ZipArchive.write([.init(path: "index.htm", bytes: Array("<p/>".utf8))]))
        // The central directory entry's "relative offset of local header" (offset 42 in it).
        var central = bytes.count - 4
        while central > 0, Array(bytes[central..<central + 4]) != [0x50, 0x4B, 0x01, 0x02] { central -= 1 }
        #expect(central > 0)
        bytes.replaceSubrange((central + 42)..<(central + 46), with: [0x00, 0x00, 0x00, 0x0B])
        let entries = try? ZipArchive.read(Data(bytes))
        #expect(entries?.isEmpty ?? true)
        var truncated = [UInt8](try ZipArchive.write([.init(path: "a", bytes: [1])]))
        truncated[truncated.count - 2] = 0xFF  // a comment longer than the data
        #expect(throws: ZipArchive.Rejection.notAZip) { try ZipArchive.read(Data(truncated)) }
    }

    @Test func endRecordsAreFoundOrTheBytesAreNotAZip() throws {
        let zip = try ZipArchive.write([.init(path: "a.txt", bytes: [1, 2, 3])])
        let index = try #require(ZipArchive.endRecords(zip))
        #expect(zip.count - index == 22)
        #expect(ZipArchive.endRecords(Data("no end record here".utf8)) == nil)
        #expect(ZipArchive.endRecords(Data()) == nil)
    }

    @Test(arguments: [Data(), Data("PK\u{3}\u{4}not really".utf8), Data("hello".utf8)])
    func bytesThatAreNotAZipAreRefused(_ data: Data) {
        #expect(throws: ZipArchive.Rejection.self) { try ZipArchive.read(data) }
    }
}
