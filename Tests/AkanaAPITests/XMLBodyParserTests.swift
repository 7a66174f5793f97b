import AkanaDomain
import Foundation
import JSONCodec
import Testing

@testable import AkanaAPI

/// `XMLBodyParser` from raw bytes: what it reads, and everything it must refuse.
@Suite struct XMLBodyParserTests {
    func parse(_ text: String) throws(XMLBodyParser.Failure) -> JSONValue { try XMLBodyParser.parse(Array(text.utf8)) }

    func refusal(_ bytes: [UInt8]) -> String? {
        do {
            _ = try XMLBodyParser.parse(bytes)
            return nil
        } catch { return error.message }
    }

    @Test func readsMembersArraysAndNamespacedNames() throws {
        let value = try parse(
            "<?xml version=\"1.0\"?><ns:Action xmlns:ns=\"urn:x\"><ns:ActionName> Approve </ns:ActionName><Comments>a</Comments><Comments>b</Comments><Comments>c</Comments></ns:Action>"
        )
        #expect(value == .object([("ActionName", .string("Approve")), ("Comments", .array([.string("a"), .string("b"), .string("c")]))]))
    }

    @Test func acceptsTheXMLDeclarationAtTheStartOnly() throws {
        #expect(try parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b>x</b></a>")["b"] == .string("x"))
        #expect(try XMLBodyParser.parse([0xEF, 0xBB, 0xBF] + Array("<?xml version=\"1.0\"?><a><b>x</b></a>".utf8))["b"] == .string("x"))
    }

    @Test func keepsCDATAAndPredefinedEntities() throws {
        let value = try parse("<Application><Name>A &amp; B &lt;3</Name><Summary><![CDATA[<b>bold</b> & raw]]></Summary></Application>")
        #expect(value["Name"] == .string("A & B <3"))
        #expect(value["Summary"] == .string("<b>bold</b> & raw"))
    }

    @Test(arguments: [
        ("<Action><ActionName>x</ActionName>", ""),  // truncated
        ("<Action><ActionName>x</ActionName></Action><Action/>", "root"),  // a second root
        ("<Action><ActionName>x</ActionName></Action>junk", ""),  // text after the root
        ("<Action><ActionName>x</Action>", ""),  // mismatched end tag
        ("<Action>&undeclared;</Action>", ""),  // undeclared entity
        ("", ""),  // empty body
        ("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<!DOCTYPE"),
        ("<!doctype a SYSTEM \"http://example.com/a.dtd\"><a/>", "<!DOCTYPE"),
        ("<a><!ENTITY x \"y\"></a>", "<!ENTITY"),
        // Processing instructions: FoundationXML dereferences null for one without data (found by fuzz-xml-body).
        ("<Action><?x?><ActionName>a</ActionName></Action>", "processing instructions"),
        ("<?xf?><Action/>", "processing instructions"),
        ("<Action><?php echo 1; ?></Action>", "processing instructions"),
        ("\n<?xml version=\"1.0\"?><Action/>", "processing instructions")
    ])
    func refusesMalformedDocuments(text: String, expected: String) {
        let message = refusal(Array(text.utf8))
        #expect(message != nil, "accepted: \(text)")
        if !expected.isEmpty { #expect(message?.contains(expected) == true, "\(message ?? "")") }
    }

    @Test func refusesEntityExpansionBeforeParsing() {
        // A billion-laughs body: refused by the byte scan, in far less time than expanding it takes.
        var text = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for level in 1...9 {
            text += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1 == 0 ? "" : String(level - 1));", count: 10) + "\">"
        }
        text += "]><lolz>&lol9;</lolz>"
        let start = Date()
        #expect(refusal(Array(text.utf8))?.contains("<!DOCTYPE") == true)
        #expect(Date().timeIntervalSince(start) < 0.5)
    }

    @Test func refusesInvalidUTF8() {
        let bytes = Array("<Action><ActionName>".utf8) + [0xC3, 0x28] + Array("</ActionName></Action>".utf8)
        #expect(refusal(bytes)?.contains("UTF-8") == true)
        #expect(refusal(Array("<a>".utf8) + [0xED, 0xA0, 0x80] + Array("</a>".utf8))?.contains("UTF-8") == true)  // a surrogate
    }

    @Test func refusesDeepNestingWithoutOverflowingTheStack() {
        let depth = 100_000
        let bytes = Array((String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)).utf8)
        #expect(refusal(bytes)?.contains("nested deeper than \(UntrustedText.maxXMLDepth)") == true)
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = UntrustedText.maxXMLDepth
        let ok = String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)
        _ = try parse(ok)
        let tooDeep = "<r>" + ok + "</r>"
        #expect(refusal(Array(tooDeep.utf8)) != nil)
    }

    @Test func manyRepeatedChildrenTakeLinearTime() throws {
        let count = 40_000
        let text = "<Action>" + String(repeating: "<Comments>c</Comments>", count: count) + "</Action>"
        let start = Date()
        let value = try parse(text)
        #expect(value["Comments"]?.arrayValue?.count == count)
        #expect(Date().timeIntervalSince(start) < 5, "40,000 children took \(Date().timeIntervalSince(start)) s")
    }
}
