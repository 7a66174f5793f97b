import Foundation

/// The repository's Markdown pages, for the tests that keep them true: read relative to the
/// package root, their sections, table rows, list items and links.
public struct MarkdownPage {
    /// The page's path relative to the package root (`docs/configuration.md`).
    public let path: String
    public let text: String

    /// The package root: the directory above `Tests/` of the calling test file (`#filePath`).
    public static func packageRoot(testFile: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: testFile).deletingLastPathComponent()
        while url.path != "/" && url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent()
    }

    public init(_ path: String, testFile: String = #filePath) throws {
        self.path = path
        text = try String(contentsOf: Self.packageRoot(testFile: testFile).appendingPathComponent(path), encoding: .utf8)
    }

    /// The lines under the heading `heading` (`## Every route`), up to the next heading of its level or above.
    public func section(_ heading: String) -> [String] {
        let level = heading.prefix { $0 == "#" }.count
        var lines: [String] = []
        var inside = false
        var fence = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") { fence.toggle() }
            if !fence, line.hasPrefix("#") {
                let lineLevel = line.prefix { $0 == "#" }.count
                if inside && lineLevel <= level { break }
                if line == heading {
                    inside = true
                    continue
                }
            }
            if inside { lines.append(line) }
        }
        return lines
    }

    /// The cells of each table row in `lines` (header and `|---|` rows left out), trimmed.
    public static func tableRows(_ lines: [String]) -> [[String]] {
        var rows: [[String]] = []
        var sawHeader = false
        for line in lines where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } }) { continue }
            if !sawHeader {
                sawHeader = true
                continue
            }
            rows.append(cells)
        }
        return rows
    }

    /// The text between the first pair of backticks of `cell`, if it has one.
    public static func code(_ cell: String) -> String? {
        guard let open = cell.firstIndex(of: "`") else { return nil }
        let rest = cell[cell.index(after: open)...]
        guard let close = rest.firstIndex(of: "`") else { return nil }
        return String(rest[..<close])
    }

    /// Every link target outside code: `[text](target)` and `![alt](target)`.
    public var links: [String] {
        var targets: [String] = []
        var fence = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                fence.toggle()
                continue
            }
            if fence { continue }
            // Inline code spans are not links.
            var outside = ""
            var inCode = false
            for character in line {
                if character == "`" {
                    inCode.toggle()
                    continue
                }
                if !inCode { outside.append(character) }
            }
            var rest = outside[...]
            while let marker = rest.range(of: "](") {
                let after = rest[marker.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                targets.append(String(after[..<close]))
                rest = after[close...]
            }
        }
        return targets
    }

    /// The anchors of the page's headings, as GitHub makes them (`## Every route` → `every-route`).
    public var anchors: Set<String> {
        var anchors: Set<String> = []
        var fence = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                fence.toggle()
                continue
            }
            guard !fence, line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            var anchor = ""
            for character in title {
                if character == " " {
                    anchor.append("-")
                } else if character.isLetter || character.isNumber || character == "-" || character == "_" {
                    anchor.append(character)
                }
            }
            anchors.insert(anchor)
        }
        return anchors
    }
}
