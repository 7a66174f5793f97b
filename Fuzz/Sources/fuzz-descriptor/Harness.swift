import Foundation
import FuzzSupport

@testable import AkanaDomain

/// libFuzzer entry: any bytes as an uploaded OpenAPI, Swagger or WSDL document through
/// `DescriptorServiceNames` (the `ServiceName[]` of `POST /api/dropbox/readfiledetails`): never a
/// crash, and never more than `maxNames` names, none empty or longer than a short field.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDescriptor(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for fileType in ["OpenAPI", "Swagger", "WSDL"] {
        let names = DescriptorServiceNames.names(fileType: fileType, content: bytes)
        guard names.count <= DescriptorServiceNames.maxNames,
            names.allSatisfy({ !$0.isEmpty && $0.count <= FieldLimits.short })
        else { fatalError("\(fileType): \(names.count) names outside the bounds") }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_descriptor_main`; it hands over to libFuzzer.
@_cdecl("fuzz_descriptor_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzDescriptor)
}
