import AkanaDomain
import Foundation
import JSONCodec
import TestSupport
import Testing

@testable import EmulatorDaemon

/// The README and the pages of docs/ against the code: the configuration table against
/// `ConfigurationKeys`, every relative link against the files, the README's length.
@Suite struct DocumentationTests {
    /// The settings `ConfigurationLoader` reads itself (lists of objects, config file only).
    static let loaderOnlyKeys: Set<String> = ["users", "tenants"]

    /// A default as the table shows it: strings bare (`""` when empty), anything else as JSON.
    static func shown(_ value: JSONValue) -> String {
        if case .string(let text) = value, !text.isEmpty { return text }
        return JSONWriter.string(value)
    }

    @Test func theConfigurationTableListsExactlyTheKeysWithTheirDefaults() throws {
        let page = try MarkdownPage("docs/configuration.md")
        let rows = MarkdownPage.tableRows(page.section("## Every key"))
        var documented: [String: (value: String, environment: String)] = [:]
        for row in rows {
            let key = try #require(row.first.flatMap(MarkdownPage.code), "a row without a key: \(row)")
            #expect(documented[key] == nil, "\(key) is listed twice")
            documented[key] = (
                row.count > 1 ? MarkdownPage.code(row[1]) ?? row[1] : "", row.count > 2 ? MarkdownPage.code(row[2]) ?? row[2] : ""
            )
        }
        let keys = Set(ConfigurationKeys.all.map(\.key))
        #expect(keys.subtracting(documented.keys).sorted() == [], "keys missing from docs/configuration.md")
        #expect(
            Set(documented.keys).subtracting(keys).subtracting(Self.loaderOnlyKeys).sorted() == [],
            "docs/configuration.md lists settings that are not in ConfigurationKeys.all")
        #expect(Self.loaderOnlyKeys.subtracting(documented.keys).sorted() == [], "settings missing from docs/configuration.md")
        let defaults = EmulatorConfiguration()
        for key in ConfigurationKeys.all {
            guard let row = documented[key.key] else { continue }
            #expect(row.value == Self.shown(key.read(defaults)), "\(key.key): the default in docs/configuration.md")
            #expect(row.environment == key.environmentVariable, "\(key.key): the environment variable in docs/configuration.md")
        }
    }

    /// Every relative link of README.md and docs/*.md names a file of the repository (and, with a
    /// `#fragment` into a Markdown page, one of its headings); the README links every page of docs/.
    @Test func everyRelativeLinkResolves() throws {
        let root = MarkdownPage.packageRoot()
        let pages = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        #expect(!pages.isEmpty)
        var anchors: [String: Set<String>] = [:]
        func anchorsOf(_ path: String) throws -> Set<String> {
            if let known = anchors[path] { return known }
            let found = try MarkdownPage(path).anchors
            anchors[path] = found
            return found
        }
        let rootPath = root.standardized.path + "/"
        for path in ["README.md"] + pages {
            let page = try MarkdownPage(path)
            let here = root.appendingPathComponent(path)
            for link in page.links where !link.contains("://") && !link.hasPrefix("mailto:") {
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = (parts[0].isEmpty ? here : here.deletingLastPathComponent().appendingPathComponent(parts[0])).standardized
                let exists = FileManager.default.fileExists(atPath: target.path)
                #expect(exists && target.path.hasPrefix(rootPath), "\(path): the link \(link) names no file of the repository")
                if exists, parts.count == 2, target.pathExtension == "md" {
                    #expect(
                        try anchorsOf(String(target.path.dropFirst(rootPath.count))).contains(parts[1]),
                        "\(path): the link \(link) names no heading of \(target.lastPathComponent)")
                }
            }
        }
        let readmeLinks = Set(try MarkdownPage("README.md").links.map { String($0.prefix { $0 != "#" }) })
        #expect(pages.filter { !readmeLinks.contains($0) } == [], "pages of docs/ the README does not link")
    }

    /// The README is a doorway: what it is, the two commands, a first session, where to go next,
    /// the map of the code. Everything else is in docs/.
    @Test func theREADMEFitsIn250Lines() throws {
        let lines = try MarkdownPage("README.md").text.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(lines <= 251, "README.md has \(lines - 1) lines")  // the text ends with a newline
    }
}
