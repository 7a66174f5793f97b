import JSONCodec
import Yams

/// A YAML API description document read into the same ordered tree JSON documents give, through
/// Yams (libyaml), bounded before Yams sees a byte:
///
/// - **No anchors or aliases** (`&name`, `*name`). An alias makes a node reachable many times, so a
///   few hundred bytes can describe a tree of billions of nodes ("billion laughs"); Yams resolves
///   aliases by sharing the node, and hashes every mapping key to find duplicates, so an alias used
///   as a key costs time exponential in the document. OpenAPI documents reuse with `$ref` instead.
///   A byte scan (`screen`) refuses them: it follows quoted scalars (within a line: a quoted scalar
///   that goes on to the next line is scanned there as structure), comments and block scalars, and
///   where it cannot tell it counts the text as structure, so it may refuse an unusual valid document
///   (a line of a multi-line plain scalar starting with `*`), never pass an alias.
/// - **At most `maxDepth` levels** of block indentation, sequence dashes and flow brackets (the scan
///   counts them; libyaml's own limit is 1,000, deeper than the handler threads' stacks like).
/// - **At most `maxNodes` nodes** in the tree, and keys that are scalars.
///
/// Linear in the document's size; the dropbox bounds that (4 MiB).
enum YAMLDocument {
    static let maxDepth = 64
    static let maxNodes = 500_000

    struct Refusal: Error, Equatable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The document as a JSON tree: mappings become objects (in document order), sequences arrays,
    /// scalars what YAML's core schema resolves them to (null, booleans, integers, floats, strings).
    static func tree(_ text: String) throws(Refusal) -> JSONValue {
        if let refusal = screen(Array(text.utf8)) { throw Refusal(refusal) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Refusal("the YAML is malformed (\(Self.describe(error)))")
        }
        guard let root else { throw Refusal("the YAML document is empty") }
        var budget = maxNodes
        return try convert(root, depth: 0, budget: &budget)
    }

    private static func describe(_ error: any Error) -> String {
        let text = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
        return String(text.prefix(200))
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int) throws(Refusal) -> JSONValue {
        budget -= 1
        guard budget >= 0 else { throw Refusal("the YAML document has more than \(maxNodes) nodes") }
        guard depth <= maxDepth else { throw Refusal("the YAML document nests deeper than \(maxDepth) levels") }
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar, tag: Tag.Name(rawValue: node.tag.rawValue))
        case .sequence(let sequence):
            var items: [JSONValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try convert(item, depth: depth + 1, budget: &budget)) }
            return .array(items)
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            members.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else { throw Refusal("a mapping key is not a scalar") }
                members.append((keyScalar.string, try convert(value, depth: depth + 1, budget: &budget)))
            }
            return .object(members)
        case .alias:
            throw Refusal("YAML aliases are not accepted")
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, tag: Tag.Name) -> JSONValue {
        let node = Node.scalar(scalar)
        switch tag {
        case .null: return .null
        case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
        case .int: return node.int.map { .integer(Int64($0)) } ?? node.float.map(JSONValue.number) ?? .string(scalar.string)
        case .float:
            guard let value = node.float, value.isFinite else { return .string(scalar.string) }
            return .number(value)
        default: return .string(scalar.string)
        }
    }

    // MARK: - The byte screen

    /// Why the YAML text is refused before parsing (an anchor, an alias, nesting past `maxDepth`),
    /// or nil. One pass over the bytes.
    static func screen(_ bytes: [UInt8]) -> String? {
        var scanner = Scanner(bytes: bytes)
        return scanner.run()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        /// The indentation a block scalar's header line set (its content must be deeper), and the
        /// content's indentation once its first line is seen.
        var blockParent: Int?
        var blockContent: Int?
        var flowDepth = 0
        var indents: [Int] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        static let space = UInt8(ascii: " ")
        static let tab = UInt8(ascii: "\t")
        static let newline = UInt8(ascii: "\n")
        static let carriageReturn = UInt8(ascii: "\r")

        mutating func run() -> String? {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a byte order mark, which libyaml skips
            while index < bytes.count {
                let end = bytes[index...].firstIndex(of: Self.newline) ?? bytes.count
                if let refusal = scanLine(from: index, to: end) { return "line \(line): \(refusal)" }
                index = end + 1
                line += 1
            }
            return nil
        }

        func isBlank(_ byte: UInt8) -> Bool { byte == Self.space || byte == Self.tab || byte == Self.carriageReturn }

        mutating func scanLine(from start: Int, to end: Int) -> String? {
            var cursor = start
            while cursor < end, bytes[cursor] == Self.space { cursor += 1 }
            let indent = cursor - start
            let blank = bytes[cursor..<end].allSatisfy(isBlank)
            if let parent = blockParent {
                if blank { return nil }
                if let content = blockContent {
                    if indent >= content { return nil }
                } else if indent > parent {
                    blockContent = indent
                    return nil
                }
                blockParent = nil
                blockContent = nil
            }
            if flowDepth == 0, !blank, bytes[cursor] != UInt8(ascii: "#") {
                while let last = indents.last, last > indent { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
                if indents.count > YAMLDocument.maxDepth { return "the YAML nests deeper than \(YAMLDocument.maxDepth) levels" }
            }
            return scanTokens(from: cursor, to: end, lineBegin: start, lineIndent: indent)
        }

        /// Scans one line's bytes for quotes, comments, flow brackets, block scalar headers and the
        /// properties (`&anchor`, `*alias`, `!tag`) that begin a node.
        mutating func scanTokens(from start: Int, to end: Int, lineBegin: Int, lineIndent: Int) -> String? {
            var cursor = start
            // The open quoted scalar (`"` or `'`); closed at the line's end.
            var quote: UInt8?
            // A node may begin here: the line's start, after an indicator (`- `, `: `, `? `), a flow
            // bracket or comma, or a tag. `looseStart`: an anchor or alias could begin here (after
            // `:` in a flow collection, where a quote or block scalar could not), refused too.
            var nodeStart = true
            var looseStart = false
            var dashes = 0
            var keyColumn = lineIndent
            // A document marker (`---`, `...`) at the line's start: a node may follow it.
            if cursor == lineBegin, end - cursor >= 3,
                bytes[cursor..<cursor + 3].elementsEqual("---".utf8) || bytes[cursor..<cursor + 3].elementsEqual("...".utf8),
                cursor + 3 == end || isBlank(bytes[cursor + 3])
            {
                cursor += 3
                keyColumn = 3
            }
            while cursor < end {
                let byte = bytes[cursor]
                if let open = quote {
                    if open == UInt8(ascii: "'") {
                        if byte == open {
                            if cursor + 1 < end, bytes[cursor + 1] == open {
                                cursor += 2
                                continue
                            }
                            quote = nil
                        }
                    } else if byte == UInt8(ascii: "\\") {
                        cursor += 2
                        continue
                    } else if byte == open {
                        quote = nil
                    }
                    cursor += 1
                    continue
                }
                if isBlank(byte) {
                    cursor += 1
                    continue
                }
                let next: UInt8? = cursor + 1 < end ? bytes[cursor + 1] : nil
                let nextIsBlank = next.map(isBlank) ?? true
                if byte == UInt8(ascii: "#"), cursor == start || isBlank(bytes[cursor - 1]) { return nil }
                if looseStart, !nodeStart, byte == UInt8(ascii: "&") || byte == UInt8(ascii: "*") {
                    return "YAML anchors and aliases (&name, *name) are not accepted; use $ref"
                }
                looseStart = false
                if nodeStart {
                    switch byte {
                    case UInt8(ascii: "&"), UInt8(ascii: "*"):
                        return "YAML anchors and aliases (&name, *name) are not accepted; use $ref"
                    case UInt8(ascii: "\""), UInt8(ascii: "'"):
                        quote = byte
                        nodeStart = false
                        cursor += 1
                        continue
                    case UInt8(ascii: "|") where flowDepth == 0, UInt8(ascii: ">") where flowDepth == 0:
                        // A block scalar header: its content is the following, deeper lines.
                        blockParent = keyColumn
                        blockContent = nil
                        return nil
                    case UInt8(ascii: "!"):
                        while cursor < end, !isBlank(bytes[cursor]) { cursor += 1 }
                        continue
                    case UInt8(ascii: "-") where nextIsBlank && flowDepth == 0,
                        UInt8(ascii: "?") where nextIsBlank:
                        if byte == UInt8(ascii: "-") {
                            dashes += 1
                            if indentsDepth + dashes > YAMLDocument.maxDepth {
                                return "the YAML nests deeper than \(YAMLDocument.maxDepth) levels"
                            }
                        }
                        cursor += 1
                        while cursor < end, bytes[cursor] == Self.space { cursor += 1 }
                        keyColumn = max(keyColumn, cursor - lineBegin)
                        continue
                    default: break
                    }
                }
                switch byte {
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    flowDepth += 1
                    if indentsDepth + dashes + flowDepth > YAMLDocument.maxDepth {
                        return "the YAML nests deeper than \(YAMLDocument.maxDepth) levels"
                    }
                    nodeStart = true
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    flowDepth = max(0, flowDepth - 1)
                    nodeStart = false
                case UInt8(ascii: ","):
                    nodeStart = flowDepth > 0
                case UInt8(ascii: ":") where nextIsBlank:
                    nodeStart = true
                case UInt8(ascii: ":") where flowDepth > 0:
                    nodeStart = false
                    looseStart = true
                default:
                    if nodeStart { keyColumn = max(keyColumn, cursor - lineBegin) }
                    nodeStart = false
                }
                cursor += 1
            }
            return nil
        }

        var indentsDepth: Int { indents.count }
    }
}
