import ByteCodecs
import Testing

@Suite struct HexTests {
    @Test func encodesAndDecodes() {
        #expect(Hex.encode([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        #expect(Hex.encode([0xAB], uppercase: true) == "AB")
        #expect(Hex.decode("000fa5FF") == [0x00, 0x0F, 0xA5, 0xFF])
        #expect(Hex.decode("") == [])
        for bad in ["0", "+f", "0x", " 0f", "0g", "-1", "ÿÿ"] { #expect(Hex.decode(bad) == nil, "\(bad)") }
        for byte in UInt8.min...UInt8.max { #expect(Hex.decode(Hex.encode([byte])) == [byte]) }
    }

    @Test func digitValues() {
        #expect(Hex.value(UInt8(ascii: "7")) == 7)
        #expect(Hex.value(UInt8(ascii: "c")) == 12)
        #expect(Hex.value(UInt8(ascii: "C")) == 12)
        #expect(Hex.value(UInt8(ascii: "g")) == nil)
        #expect(Hex.value(UInt8(ascii: "+")) == nil)
    }
}

@Suite struct PercentDecodingTests {
    @Test func decodesEscapesAndOptionallyPlus() {
        #expect(PercentDecoding.decode(Array("a%2Fb%2e+c".utf8)) == Array("a/b.+c".utf8))
        #expect(PercentDecoding.decode(Array("a+b".utf8), plusAsSpace: true) == Array("a b".utf8))
        #expect(PercentDecoding.decode(Array("%FF%00".utf8)) == [0xFF, 0x00])  // bytes; UTF-8 is the caller's check
        #expect(PercentDecoding.decode(Array("x".utf8)[...]) == [UInt8(ascii: "x")])
    }

    @Test func refusesMalformedEscapes() {
        for bad in ["%", "%2", "%zz", "a%2", "%+1", "%-1"] { #expect(PercentDecoding.decode(Array(bad.utf8)) == nil, "\(bad)") }
    }

    @Test func needsDecoding() {
        #expect(!PercentDecoding.needsDecoding(Array("/api/apps".utf8)))
        #expect(PercentDecoding.needsDecoding(Array("/a%20".utf8)))
        #expect(!PercentDecoding.needsDecoding(Array("a+b".utf8)))
        #expect(PercentDecoding.needsDecoding(Array("a+b".utf8), plusAsSpace: true))
    }
}
