import FuzzSupport

@testable import AkanaAPI

/// libFuzzer entry: the first line of the input is the Content-Type (boundary parameter and all),
/// the rest the multipart/form-data body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
    let body = newline < bytes.count ? Array(bytes[(newline + 1)...]) : []
    if let form = MultipartFormData(contentType: contentType, body: body) {
        for part in form.parts {
            guard part.body.count <= body.count else { fatalError("a part is larger than the body") }
        }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_multipart_main`; it hands over to libFuzzer.
@_cdecl("fuzz_multipart_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzMultipart)
}
