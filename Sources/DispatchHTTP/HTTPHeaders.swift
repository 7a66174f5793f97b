/// An ordered list of header fields. Names keep the case they were given or received in; lookups
/// compare names case-insensitively (ASCII only, as header names are tokens).
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable,
    CustomStringConvertible
{
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    public init() {
        fields = []
    }

    /// An empty list with room for `capacity` fields (the decoder knows how many it will add).
    init(reservingCapacity capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields (a name given twice counts twice).
    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of the field `name`, or nil.
    public subscript(name: String) -> String? {
        guard let index = index(named: name, from: 0) else { return nil }
        return fields[index].value
    }

    /// Every value of the field `name`, in order (without splitting comma-separated lists).
    public func values(_ name: String) -> [String] {
        var result: [String] = []
        var next = index(named: name, from: 0)
        while let found = next {
            result.append(fields[found].value)
            next = index(named: name, from: found + 1)
        }
        return result
    }

    /// Every value of the field `name` as one string: the value itself when there is one field, the
    /// values joined by NUL (which no field value holds) when there are more, nil when there is none.
    /// Two requests get the same string exactly when they sent the same values in the same order.
    public func joinedValues(_ name: String) -> String? {
        guard let first = index(named: name, from: 0) else { return nil }
        guard var next = index(named: name, from: first + 1) else { return fields[first].value }
        var joined = fields[first].value
        while true {
            joined.append("\u{0}")
            joined.append(fields[next].value)
            guard let after = index(named: name, from: next + 1) else { return joined }
            next = after
        }
    }

    public func contains(_ name: String) -> Bool {
        index(named: name, from: 0) != nil
    }

    /// The index of the first field named `name` at or after `start`. Fields are read in place
    /// and their name lengths compared first: iterating over copies of the fields retained and
    /// released two Strings per field and look-up.
    private func index(named name: String, from start: Int) -> Int? {
        let length = name.utf8.count
        var index = start
        while index < fields.count {
            if fields[index].name.utf8.count == length && Self.namesEqual(fields[index].name, name) { return index }
            index += 1
        }
        return nil
    }

    /// Appends a field, keeping any existing values of that name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every value of `name` with one field; the new field takes the place of the first
    /// existing one (or is appended).
    public mutating func set(_ name: String, _ value: String) {
        if let first = fields.firstIndex(where: { Self.namesEqual($0.name, name) }) {
            fields[first] = (name: name, value: value)
            var index = fields.index(after: first)
            while index < fields.endIndex {
                if Self.namesEqual(fields[index].name, name) {
                    fields.remove(at: index)
                } else {
                    index += 1
                }
            }
        } else {
            fields.append((name: name, value: value))
        }
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// The comma-separated elements of every value of `name`, trimmed and lowercased
    /// (for list-valued fields such as `Connection` or `Transfer-Encoding`).
    public func tokens(_ name: String) -> [String] {
        var result: [String] = []
        var next = index(named: name, from: 0)
        while let found = next {
            next = index(named: name, from: found + 1)
            var value = fields[found].value
            let ascii = value.withUTF8 { bytes -> Bool in
                guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
                Self.appendTokens(bytes, to: &result)
                return true
            }
            guard !ascii else { continue }
            // Beyond ASCII, split on Characters as always (a comma with a combining mark is no comma).
            for part in value.split(separator: ",") {
                let trimmed = part.trimmingHTTPWhitespace()
                if !trimmed.isEmpty { result.append(trimmed.asciiLowercased()) }
            }
        }
        return result
    }

    /// Whether `tokens(name)` contains `token` (given lowercased), without making the list: ASCII
    /// values are compared on their bytes, others through `tokens`.
    public func containsToken(_ name: String, _ token: String) -> Bool {
        var next = index(named: name, from: 0)
        while let found = next {
            next = index(named: name, from: found + 1)
            let field = fields[found]
            var value = field.value
            var wanted = token
            let matched = value.withUTF8 { bytes -> Bool? in
                guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
                return wanted.withUTF8 { Self.asciiListContains(bytes, $0) }
            }
            if let matched {
                if matched { return true }
            } else if HTTPHeaders([(field.name, field.value)]).tokens(name).contains(token) {
                return true
            }
        }
        return false
    }

    /// Calls `body` with the bounds of each element of a comma-separated list, OWS trimmed (empty
    /// elements too), until it returns true; returns whether it did.
    private static func forEachListElement(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (_ lower: Int, _ upper: Int) -> Bool) -> Bool {
        var index = 0
        let count = bytes.count
        while index <= count {
            var end = index
            while end < count && bytes[end] != UInt8(ascii: ",") { end += 1 }
            var lower = index
            var upper = end
            while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
            while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
            if body(lower, upper) { return true }
            index = end + 1
        }
        return false
    }

    private static func asciiListContains(_ bytes: UnsafeBufferPointer<UInt8>, _ token: UnsafeBufferPointer<UInt8>) -> Bool {
        forEachListElement(bytes) { lower, upper in
            guard upper > lower, upper - lower == token.count else { return false }
            for offset in 0..<token.count where asciiLower(bytes[lower + offset]) != token[offset] { return false }
            return true
        }
    }

    /// `tokens` of one ASCII value, on its bytes: split on commas, OWS trimmed, empties dropped,
    /// lowercased.
    private static func appendTokens(_ bytes: UnsafeBufferPointer<UInt8>, to result: inout [String]) {
        _ = forEachListElement(bytes) { lower, upper in
            if upper > lower {
                result.append(
                    String(unsafeUninitializedCapacity: upper - lower) { output in
                        for offset in 0..<(upper - lower) { output[offset] = asciiLower(bytes[lower + offset]) }
                        return upper - lower
                    })
            }
            return false
        }
    }

    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var description: String {
        "[" + fields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]"
    }

    /// ASCII case-insensitive comparison of two header names. Lengths first (O(1) for native
    /// strings, and most names looked up differ in length), then the bytes in place.
    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        var left = lhs
        var right = rhs
        return left.withUTF8 { a in right.withUTF8 { b in bytesEqualIgnoringCase(a, b) } }
    }

    @inline(__always)
    private static func bytesEqualIgnoringCase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<a.count {
            let x = a[index]
            let y = b[index]
            if x != y && asciiLower(x) != asciiLower(y) { return false }
        }
        return true
    }

    @inline(__always)
    static func asciiLower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}

extension StringProtocol {
    /// Trims spaces and horizontal tabs (HTTP's OWS) from both ends.
    func trimmingHTTPWhitespace() -> String {
        let utf8 = Array(self.utf8)
        var start = 0
        var end = utf8.count
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start += 1 }
        while end > start, utf8[end - 1] == 0x20 || utf8[end - 1] == 0x09 { end -= 1 }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }

    /// Lowercases ASCII letters only (locale-independent).
    func asciiLowercased() -> String {
        String(decoding: self.utf8.map(HTTPHeaders.asciiLower), as: UTF8.self)
    }
}
