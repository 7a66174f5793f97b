import ByteCodecs

/// Checks every parser of request bytes runs before it looks at them: the text is valid UTF-8, and
/// an XML document declares no entities (so no entity expansion can cost time or memory, and no
/// entity silently becomes ""). Byte scans, linear in the input.
public enum UntrustedText {
    /// How deep XML elements may nest, in request bodies and workflow definitions alike (JSON's
    /// parser has the same default). Deeper documents are refused before their tree is built, so no
    /// recursion over the tree (building, reading, tearing down) is deeper than this.
    public static let maxXMLDepth = 64

    /// The text of `bytes` when it is valid UTF-8 (strict: no overlong forms, no surrogates).
    public static func string(_ bytes: some Collection<UInt8>) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// The byte offset of the first invalid UTF-8 sequence, or nil when `bytes` is valid.
    public static func firstInvalidUTF8Offset(_ bytes: some Collection<UInt8>) -> Int? {
        UTF8Validation.firstInvalidOffset(bytes)
    }

    /// Why an XML document is refused before parsing, or nil when it may be parsed.
    /// Refused: invalid UTF-8; any processing instruction but a leading XML declaration
    /// (`<?xml version="1.0"?>`); any `<!ENTITY` declaration; a `<!DOCTYPE` with an internal subset
    /// (`[ … ]`, where entities are declared); and, unless `allowExternalDoctype`, any `<!DOCTYPE`
    /// at all. Workflow definitions allow the platform's external one
    /// (`<!DOCTYPE workflow PUBLIC "…" "http://…/workflow_2_8.dtd">`, never fetched).
    public static func xmlRefusal(_ bytes: [UInt8], allowExternalDoctype: Bool) -> String? {
        if let offset = firstInvalidUTF8Offset(bytes) {
            return "the document is not valid UTF-8 (byte \(offset))"
        }
        let doctype = Array("<!DOCTYPE".utf8)
        let entity = Array("<!ENTITY".utf8)
        let count = bytes.count
        let documentStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var index = 0
        while index + 1 < count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if bytes[index + 1] == UInt8(ascii: "?") {
                // Only the XML declaration, and only where it belongs. FoundationXML on Linux
                // dereferences a null pointer for a processing instruction without data (`<?x?>`),
                // killing the process, so no processing instruction reaches it.
                guard index == documentStart, isXMLDeclarationStart(bytes, at: index) else {
                    return "processing instructions (<?…?>) other than the XML declaration are not accepted"
                }
                index += 5
                continue
            }
            guard bytes[index + 1] == UInt8(ascii: "!") else {
                index += 1
                continue
            }
            if matches(entity, in: bytes, at: index) {
                return "entity declarations (<!ENTITY) are not accepted"
            }
            if matches(doctype, in: bytes, at: index) {
                guard allowExternalDoctype else { return "document type declarations (<!DOCTYPE) are not accepted" }
                // Up to the declaration's end: a '[' outside quotes opens an internal subset.
                var cursor = index + doctype.count
                var quote: UInt8? = nil
                while cursor < count {
                    let byte = bytes[cursor]
                    if let open = quote {
                        if byte == open { quote = nil }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte
                    } else if byte == UInt8(ascii: "[") {
                        return "a <!DOCTYPE with an internal subset ([…]) is not accepted"
                    } else if byte == UInt8(ascii: ">") {
                        break
                    }
                    cursor += 1
                }
                index = cursor
                continue
            }
            index += 2
        }
        return nil
    }

    /// `<?xml` followed by whitespace.
    private static func isXMLDeclarationStart(_ bytes: [UInt8], at offset: Int) -> Bool {
        guard offset + 6 <= bytes.count, bytes[offset..<offset + 5].elementsEqual("<?xml".utf8) else { return false }
        return [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset + 5])
    }

    /// ASCII case-insensitive match of `needle` (upper-case letters) at `offset`.
    private static func matches(_ needle: [UInt8], in bytes: [UInt8], at offset: Int) -> Bool {
        guard offset + needle.count <= bytes.count else { return false }
        for (position, expected) in needle.enumerated() {
            var byte = bytes[offset + position]
            if byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { byte -= 32 }
            if byte != expected { return false }
        }
        return true
    }
}
