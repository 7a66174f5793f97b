import Foundation
import FuzzSupport
import SQLiteStore

@testable import AkanaDomain

/// A small package that reads: the files the fuzzer's bytes replace one of.
let baseline: [String: [UInt8]] = [
    "package.json": Array(
        #"{"Format":"akana-emulator/api-package","Version":"0.1.0","Exported":"2027-01-01T00:00:00Z","Tenant":"t","APIID":"a.t","ExportVersion":"all"}"#
            .utf8),
    "apis.json": Array(
        #"[{"id":"a.t","tenant":"t","name":"A","description":"","visibility":"Public","admin_group_id":"g.t","created":"c","updated":"u"}]"#
            .utf8),
    "api_versions.json": Array(
        #"[{"id":"v.t","api_id":"a.t","tenant":"t","name":"1.0","description":"","visibility":"Public","state":"Active","descriptor_file_id":null,"created":"c","updated":"u"}]"#
            .utf8)
]

/// libFuzzer entry: the import's reading of a package's files, past the ZIP (`APIPackageLayout.read`,
/// then the checks between rows and the move to another tenant). The first byte picks the file of
/// a small valid package (`package.json` or a table's file) that the rest replaces. A 400 or
/// contents within the layout's bounds, never a crash or unbounded cost. (The ZIP itself is read by
/// `ZipArchive`, whose bytes-level fuzzing belongs with the content store's uploads.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPackage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let files = [APIPackageLayout.manifestFile] + APIPackageLayout.tables.map(\.fileName)
    let file = files[Int(bytes.first ?? 0) % files.count]
    var contents = baseline
    contents[file] = Array(bytes.dropFirst())
    var entries = contents.sorted { $0.key < $1.key }.map { ZipArchive.Entry(path: $0.key, bytes: $0.value) }
    entries.append(ZipArchive.Entry(path: "documents/guide.md", bytes: Array(bytes.prefix(16))))
    guard let contents = try? APIPackageLayout.read(entries) else { return 0 }
    for table in APIPackageLayout.tables {
        let rows = contents.rows(table)
        guard rows.count <= APIPackageLayout.maxRows, rows.allSatisfy({ $0.count == table.columns.count }) else {
            fatalError("\(table.fileName): rows outside the layout")
        }
    }
    guard (try? PackageService.checkReferences(contents)) != nil else { return 0 }
    let moved = PackageService.moved(contents, to: "target", mapping: EndpointMapping(rules: [("http://", "https://")]))
    guard moved.rows(APIPackageLayout.apis).count == 1, moved.manifest.tenant == "target" else { fatalError("move lost the API") }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_package_main`; it hands over to libFuzzer.
@_cdecl("fuzz_package_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzPackage)
}
