import Foundation
import FuzzSupport

@testable import AkanaDomain

/// libFuzzer entry: any bytes as the ZIP of `POST /content/home/landing?unpack=true`, through the
/// upload path's ZIP handling (`ContentPlacement.unpack`: `ZipArchive.read` with the content
/// limits, then each entry placed below the folder). Never a crash; a refusal is a `DomainError`
/// (a 400); what is accepted stays below the folder, each path a normalized content path written
/// once, every folder before what it holds, within the entry and size bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let folder = "home/landing"
    let limits = ContentPlacement.zipLimits
    let writes: [ContentPlacement.Write]
    do {
        writes = try ContentPlacement.unpack(bytes, into: folder)
    } catch is DomainError {
        return 0
    } catch {
        fatalError("not a DomainError: \(error)")
    }
    var seen: Set<String> = []
    var total = 0
    for write in writes {
        guard (try? ContentPath.normalized(write.path)) == write.path else { fatalError("not a content path: \(write.path)") }
        guard write.path == "home" || write.path == folder || write.path.hasPrefix(folder + "/") else {
            fatalError("outside the folder: \(write.path)")
        }
        guard seen.insert(write.path).inserted else { fatalError("written twice: \(write.path)") }
        for ancestor in ContentPath.ancestors(of: write.path) where !seen.contains(ancestor) {
            fatalError("\(write.path) before its folder \(ancestor)")
        }
        guard !write.isFolder || write.bytes.isEmpty else { fatalError("a folder with bytes: \(write.path)") }
        guard write.bytes.count <= limits.maxEntryBytes else { fatalError("entry over the bound: \(write.path)") }
        total += write.bytes.count
    }
    guard total <= limits.maxTotalBytes else { fatalError("archive over the size bound") }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_zip_main`; it hands over to libFuzzer.
@_cdecl("fuzz_zip_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzZip)
}
