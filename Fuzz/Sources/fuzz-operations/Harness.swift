import Foundation
import FuzzSupport

@testable import AkanaDomain

/// libFuzzer entry: any bytes as an uploaded OpenAPI, Swagger or WSDL document through
/// `DescriptorDocument.read` (the operations an API version made from it stores): a document or
/// `Unreadable`, never a crash or unbounded cost, and never more than `maxOperations` operations
/// with unique names within a short field.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOperations(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for fileType in ["OpenAPI", "WSDL"] {
        guard let document = try? DescriptorDocument.read(fileType: fileType, content: bytes) else { continue }
        let names = document.operations.map(\.name)
        guard names.count <= DescriptorDocument.maxOperations, Set(names).count == names.count,
            names.allSatisfy({ !$0.isEmpty && FieldLimits.fits($0, FieldLimits.short) })
        else { fatalError("\(fileType): \(names.count) operations outside the bounds") }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_operations_main`; it hands over to libFuzzer.
@_cdecl("fuzz_operations_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzOperations)
}
