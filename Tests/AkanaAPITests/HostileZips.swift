/// ZIP archives crafted byte by byte for the refusal tests: what a well-behaved writer will not
/// make (symbolic-link entries, tens of thousands of entries quickly). Stored entries only; ZIP64
/// end records when there are more than 65,535 entries. A writer for test input, never a reader:
/// the emulator reads ZIPs through ZipArchive (ZIPFoundation) alone.
enum HostileZips {
    struct Entry {
        var name: String
        var bytes: [UInt8] = []
        /// Unix mode in the central directory's external attributes (0o100644 a file, 0o120777 a link).
        var mode: UInt32 = 0o100644
        /// The compression method (0 stored, 8 deflated: `bytes` are then the raw deflate stream).
        var method: UInt16 = 0
    }

    static func archive(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let crc = crc32(entry.bytes)
            let offset = UInt32(out.count)
            out +=
                le32(0x0403_4b50) + le16(20) + le16(0) + le16(entry.method) + le16(0) + le16(0x21) + le32(crc)
                + le32(UInt32(entry.bytes.count)) + le32(UInt32(entry.bytes.count)) + le16(UInt16(name.count)) + le16(0) + name
                + entry.bytes
            central +=
                le32(0x0201_4b50) + le16(0x0314) + le16(20) + le16(0) + le16(entry.method) + le16(0) + le16(0x21) + le32(crc)
                + le32(UInt32(entry.bytes.count)) + le32(UInt32(entry.bytes.count)) + le16(UInt16(name.count)) + le16(0) + le16(0)
                + le16(0) + le16(0) + le32(entry.mode << 16) + le32(offset) + name
        }
        let centralOffset = out.count
        out += central
        let count = entries.count
        if count > 0xFFFF {
            let zip64End = out.count
            out +=
                le32(0x0606_4b50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0) + le64(UInt64(count)) + le64(UInt64(count))
                + le64(UInt64(central.count)) + le64(UInt64(centralOffset))
            out += le32(0x0706_4b50) + le32(0) + le64(UInt64(zip64End)) + le32(1)
        }
        let shortCount = UInt16(min(count, 0xFFFF))
        out +=
            le32(0x0605_4b50) + le16(0) + le16(0) + le16(shortCount) + le16(shortCount) + le32(UInt32(central.count))
            + le32(UInt32(centralOffset)) + le16(0)
        return out
    }

    /// `count` empty files named `f0`, `f1`, …
    static func manyEntries(_ count: Int) -> [UInt8] {
        archive((0..<count).map { Entry(name: "f\($0)") })
    }

    /// A deflated entry whose stream never ends: a stored block that promises 65,535 bytes, of
    /// which the file holds a few (the rest of the file follows, then its end).
    static func unendingDeflate() -> [UInt8] {
        archive([Entry(name: "index.htm", bytes: [0x00, 0xFF, 0xFF, 0x00, 0x00] + Array("<html>".utf8), method: 8)])
    }

    static func symlink() -> [UInt8] {
        archive([
            Entry(name: "index.htm", bytes: Array("<html/>".utf8)), Entry(name: "link", bytes: Array("/etc/passwd".utf8), mode: 0o120777)
        ])
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }
}
