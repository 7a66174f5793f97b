import Foundation
import Testing

/// The house rule "no SQL text outside repositories and migrations": every string literal in
/// Sources/ that starts with an SQL statement keyword lives in a `…Repository.swift` file, under
/// Sources/SQLiteStore (the generic SQLite layer), or in Migrations/ (outside Sources/ anyway).
@Suite struct SQLPlacementTests {
    /// Statement keywords a literal of SQL text starts with (upper case, followed by white space).
    static let keywords = ["SELECT", "INSERT", "UPDATE", "DELETE", "PRAGMA", "CREATE", "DROP", "WITH", "BEGIN", "ALTER", "REPLACE"]

    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Whether SQL text may appear in the file at `path` (relative to Sources/).
    static func mayHoldSQL(_ path: String) -> Bool {
        path.hasSuffix("Repository.swift") || path.hasPrefix("SQLiteStore/") || path.contains("Migrations/")
    }

    /// Every `.swift` file under Sources/, relative to it.
    static func sourceFiles() throws -> [String] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources.path))
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
    }

    /// The lines of the string literals in `text` whose content starts with an SQL keyword.
    static func sqlLiterals(in text: String) -> [Int] {
        var scanner = LiteralScanner(Array(text.utf8))
        return scanner.literals().filter { starts($0.content) }.map(\.line)
    }

    static func starts(_ content: [UInt8]) -> Bool {
        keywords.contains { keyword in
            let word = Array(keyword.utf8)
            guard content.count > word.count, Array(content.prefix(word.count)) == word else { return false }
            let next = content[word.count]
            return next == UInt8(ascii: " ") || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\t")
        }
    }

    @Test func theScannerFindsSQLLiteralsAndNothingElse() {
        let sample = #"""
            let a = "SELECT 1"
            let b = """
                DELETE FROM t
                """
            let c = #"UPDATE t SET x = "y""#
            let d = "x \("INSERT INTO t VALUES (1)") y"
            // "SELECT in a comment"
            /* "DROP TABLE in a comment" */
            let e = HTTPMethod(rawValue: "DELETE")
            let f = "SELECTED items"
            let g = "a \"SELECT quoted\" b"
            """#
        #expect(Self.sqlLiterals(in: sample) == [1, 2, 5, 6])
    }

    @Test func noSQLTextOutsideRepositoriesAndMigrations() throws {
        let files = try Self.sourceFiles()
        #expect(files.count > 50, "Sources/ not found at \(Self.sources.path)")
        var offenders: [String] = []
        var allowedHits = 0
        for file in files {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            let lines = Self.sqlLiterals(in: text)
            if Self.mayHoldSQL(file) { allowedHits += lines.count } else { offenders += lines.map { "Sources/\(file):\($0)" } }
        }
        #expect(allowedHits > 100, "the scanner found almost no SQL in the repositories: it is broken")
        #expect(offenders.isEmpty, "SQL text outside a repository (move it into a …Repository.swift): \(offenders.joined(separator: ", "))")
    }
}

/// Finds the string literals of Swift source text, skipping comments: plain, multi-line (`"""`)
/// and raw (`#"…"#`) ones, and the literals inside interpolations. A literal's content is what
/// comes after its opening delimiter (for a multi-line one, its first line without indentation).
struct LiteralScanner {
    struct Literal {
        var line: Int
        var content: [UInt8]
    }

    let bytes: [UInt8]
    var index = 0
    var line = 1
    var found: [Literal] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let quote = UInt8(ascii: "\""), hash = UInt8(ascii: "#"), slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"),
        backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n"), open = UInt8(ascii: "("), close = UInt8(ascii: ")"),
        space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    mutating func literals() -> [Literal] {
        code(untilClose: false)
        return found
    }

    func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    mutating func advance() {
        if bytes[index] == Self.newline { line += 1 }
        index += 1
    }

    /// Code, up to the end (or, in an interpolation, up to its closing parenthesis).
    mutating func code(untilClose: Bool) {
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.slash, at(1) == Self.slash {
                while index < bytes.count, bytes[index] != Self.newline { advance() }
            } else if byte == Self.slash, at(1) == Self.star {
                index += 2
                while index < bytes.count, !(bytes[index] == Self.star && at(1) == Self.slash) { advance() }
                index = min(index + 2, bytes.count)
            } else if byte == Self.quote || byte == Self.hash {
                var hashes = 0
                while at(hashes) == Self.hash { hashes += 1 }
                if at(hashes) == Self.quote {
                    index += hashes
                    literal(hashes: hashes)
                } else {
                    index += max(hashes, 1)
                }
            } else if untilClose, byte == Self.open {
                depth += 1
                advance()
            } else if untilClose, byte == Self.close {
                advance()
                if depth == 0 { return }
                depth -= 1
            } else {
                advance()
            }
        }
    }

    /// A literal whose opening quote is at `index`, delimited by `hashes` `#`s.
    mutating func literal(hashes: Int) {
        let multiLine = at(1) == Self.quote && at(2) == Self.quote
        let startLine = line
        index += multiLine ? 3 : 1
        var contentStart = index
        if multiLine {
            while index < bytes.count, bytes[index] != Self.newline { advance() }
            if index < bytes.count { advance() }
            while index < bytes.count, bytes[index] == Self.space || bytes[index] == Self.tab { index += 1 }
            contentStart = index
        }
        var content: [UInt8]?
        let terminator = multiLine ? 3 : 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.backslash, (0..<hashes).allSatisfy({ at(1 + $0) == Self.hash }) {
                let escaped = index + 1 + hashes
                if escaped < bytes.count, bytes[escaped] == Self.open {
                    content = content ?? Array(bytes[contentStart..<index])
                    index = escaped + 1
                    code(untilClose: true)
                } else {
                    index = escaped
                    if index < bytes.count { advance() }
                }
            } else if byte == Self.quote, (0..<terminator).allSatisfy({ at($0) == Self.quote }),
                (0..<hashes).allSatisfy({ at(terminator + $0) == Self.hash })
            {
                content = content ?? Array(bytes[contentStart..<index])
                index += terminator + hashes
                break
            } else {
                advance()
            }
        }
        found.append(Literal(line: startLine, content: content ?? Array(bytes[contentStart..<min(index, bytes.count)])))
    }
}
