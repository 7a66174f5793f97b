import AkanaDomain
import FuzzSupport
import JSONCodec

@testable import AkanaAPI

/// libFuzzer entry: any bytes as an XML request body (what `POST …/actions` with
/// `Content-Type: application/xml` reads). Refused or read, it must neither crash nor hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLBody(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? XMLBodyParser.parse(bytes) {
        _ = JSONWriter.bytes(value)
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_xml_body_main`; it hands over to libFuzzer.
@_cdecl("fuzz_xml_body_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzXMLBody)
}
