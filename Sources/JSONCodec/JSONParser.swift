import ByteCodecs

/// A strict-but-forgiving JSON parser over UTF-8 bytes.
///
/// Forgiving where clients are known to be sloppy: the platform's own documentation prints a sample
/// body with a trailing comma (seed 001), so trailing commas in objects and arrays are accepted.
/// With `allowComments`, `//` and `/* */` comments are skipped (configuration files).
/// Everything else is RFC 8259: errors say what was expected and where (line and column). The
/// input must be valid UTF-8 (invalid bytes are refused, never replaced); nesting is limited
/// (`maxDepth`, 64 by default) and the time is linear in the input.
public struct JSONParser {
    public struct Options: Sendable {
        public var allowComments: Bool
        public var maxDepth: Int
        public init(allowComments: Bool = false, maxDepth: Int = 64) {
            self.allowComments = allowComments
            self.maxDepth = maxDepth
        }
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var line: Int
        public var column: Int
        public var description: String { "\(message) at line \(line), column \(column)" }
    }

    public static func parse(_ text: String, options: Options = .init()) throws(ParseError) -> JSONValue {
        try parse(Array(text.utf8), options: options)
    }

    public static func parse(_ bytes: [UInt8], options: Options = .init()) throws(ParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, options: options)
        if let offset = UTF8Validation.firstInvalidOffset(bytes) {
            parser.index = offset
            throw parser.error("Invalid UTF-8 (byte \(offset))")
        }
        parser.skipWhitespace()
        if parser.index == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
            parser.skipWhitespace()
        }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("Unexpected content after the JSON value") }
        return value
    }

    private let bytes: [UInt8]
    private let options: Options
    private var index = 0

    private init(bytes: [UInt8], options: Options) {
        self.bytes = bytes
        self.options = options
    }

    private func error(_ message: String) -> ParseError {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(index, bytes.count)] {
            if byte == 10 {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return ParseError(message: message, line: line, column: column)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            case 0x2F where options.allowComments && index + 1 < bytes.count && bytes[index + 1] == 0x2F:
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            case 0x2F where options.allowComments && index + 1 < bytes.count && bytes[index + 1] == 0x2A:
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == 0x2A && bytes[index + 1] == 0x2F) { index += 1 }
                index = min(index + 2, bytes.count)
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(ParseError) -> JSONValue {
        guard depth < options.maxDepth else { throw error("JSON nested deeper than \(options.maxDepth) levels") }
        guard index < bytes.count else { throw error("Unexpected end of JSON, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("Unexpected character '\(Character(Unicode.Scalar(bytes[index])))', expected a value")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws(ParseError) {
        let expected = Array(literal.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("Invalid literal, expected '\(literal)'")
        }
        index += expected.count
    }

    private mutating func parseObject(depth: Int) throws(ParseError) -> JSONValue {
        index += 1
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("Unexpected end of JSON inside an object") }
            if bytes[index] == UInt8(ascii: "}"), !members.isEmpty {  // trailing comma
                index += 1
                return .object(members)
            }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error("Expected a quoted member name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("Expected ':' after member name \"\(key)\"") }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw error("Unexpected end of JSON inside an object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default: throw error("Expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(ParseError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("Unexpected end of JSON inside an array") }
            if bytes[index] == UInt8(ascii: "]"), !elements.isEmpty {  // trailing comma
                index += 1
                return .array(elements)
            }
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("Unexpected end of JSON inside an array") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw error("Expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseString() throws(ParseError) -> String {
        index += 1  // opening quote
        var runStart = index
        var buffer: [UInt8] = []
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let result: String
                if escaped {
                    buffer.append(contentsOf: bytes[runStart..<index])
                    result = String(decoding: buffer, as: UTF8.self)
                } else {
                    result = String(decoding: bytes[runStart..<index], as: UTF8.self)
                }
                index += 1
                return result
            case UInt8(ascii: "\\"):
                escaped = true
                buffer.append(contentsOf: bytes[runStart..<index])
                index += 1
                guard index < bytes.count else { throw error("Unterminated escape in a string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("Unpaired surrogate in a \\u escape")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("Invalid low surrogate in a \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw error("Unpaired surrogate in a \\u escape")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("Invalid \\u escape") }
                    buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    index -= 1
                    throw error("Invalid escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                }
                runStart = index
            case 0x00..<0x20:
                throw error("Unescaped control character in a string")
            default:
                index += 1
            }
        }
        throw error("Unterminated string")
    }

    private mutating func parseHex4() throws(ParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("Truncated \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = Hex.value(byte) else { throw error("Invalid hex digit in a \\u escape") }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    private mutating func parseNumber() throws(ParseError) -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("Invalid number")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digits else { throw error("Invalid number: expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digits else { throw error("Invalid number: expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text) else { throw error("Invalid number") }
        return .number(value)
    }
}
