import Foundation
import Testing

@testable import AkanaDomain

@Suite struct UntrustedTextTests {
    @Test func findsTheFirstInvalidByte() {
        #expect(UntrustedText.firstInvalidUTF8Offset(Array("abc é".utf8)) == nil)
        #expect(UntrustedText.firstInvalidUTF8Offset(Array("ab".utf8) + [0xE2, 0x82] + Array("x".utf8)) == 2)
        #expect(UntrustedText.firstInvalidUTF8Offset([0xEF, 0xBF, 0xBD, 0xFE]) == 3)
        #expect(UntrustedText.string([0x61, 0xC0, 0x80]) == nil)
    }

    @Test func xmlScanAllowsOnlyAnExternalDoctypeWhereAsked() {
        let external = Array(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE workflow PUBLIC \"-//OpenSymphony Group//DTD OSWorkflow 2.8//EN\" \"http://www.opensymphony.com/osworkflow/workflow_2_8.dtd\">\n<workflow/>"
                .utf8)
        #expect(UntrustedText.xmlRefusal(external, allowExternalDoctype: true) == nil)
        #expect(UntrustedText.xmlRefusal(external, allowExternalDoctype: false) != nil)
        let quotedBracket = Array("<!DOCTYPE w SYSTEM \"http://x/[a].dtd\"><w/>".utf8)
        #expect(UntrustedText.xmlRefusal(quotedBracket, allowExternalDoctype: true) == nil)
        for text in ["<!DOCTYPE w [<!ELEMENT w ANY>]><w/>", "<!DOCTYPE w SYSTEM \"x\" [ ]><w/>", "<w><!entity x 'y'></w>"] {
            #expect(UntrustedText.xmlRefusal(Array(text.utf8), allowExternalDoctype: true) != nil, "\(text)")
        }
        #expect(UntrustedText.xmlRefusal(Array("<a><!-- c --><![CDATA[<!x>]]></a>".utf8), allowExternalDoctype: false) == nil)
    }
}

@Suite struct StrictDecodingTests {
    @Test func base64URLAcceptsOnlyCanonicalInput() {
        #expect(Crypto.fromBase64URL("QQ") == [0x41])
        #expect(Crypto.fromBase64URL("QQ==") == [0x41])
        #expect(Crypto.fromBase64URL("QUI") == [0x41, 0x42])
        #expect(Crypto.fromBase64URL("QUJD") == [0x41, 0x42, 0x43])
        #expect(Crypto.fromBase64URL("") == [])
        for bad in ["QR", "QUJ", "QQ==junk", "QQ=", "QUI==", "Q", "QUJDR", "QUJD=", "Q=Q=", "QQ\n"] {
            #expect(Crypto.fromBase64URL(bad) == nil, "\(bad)")
        }
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Crypto.fromBase64URL(Crypto.base64URL(bytes)) == bytes)
        }
    }

    @Test func timestampsRefuseDaysPastTheMonthsEnd() {
        #expect(Timestamp.parse("2018-02-31T00:00:00Z") == nil)
        #expect(Timestamp.parse("2019-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("1900-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("2018-04-31T00:00:00Z") == nil)
        #expect(Timestamp.parse("2020-02-29T12:00:00Z") != nil)
        #expect(Timestamp.parse("2000-02-29T12:00:00Z") != nil)
        #expect(Timestamp.parse("2018-12-31T23:59:59Z") != nil)
    }
}

/// OpenSSL's SHA-256 (the migrations' checksum, formerly a copy in SQLiteStore): the FIPS 180-2 vectors.
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("héllo 🌍\n", "c09dd1b334d7ab6eaf1f0e978022e758990bd7e8c8ea2b9d01e8113f60f0c185")
    ])
    func standardVectors(message: String, digest: String) {
        #expect(Crypto.sha256Hex(Array(message.utf8)) == digest)
    }

    @Test func oneMillionA() {
        #expect(
            Crypto.sha256Hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func migrationsAreChecksummedWithIt() {
        for migration in AkanaSchema.migrations { #expect(migration.checksum == Crypto.sha256Hex(Array(migration.sql.utf8))) }
    }
}
