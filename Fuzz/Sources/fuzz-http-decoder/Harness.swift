import FuzzSupport

@testable import DispatchHTTP

/// libFuzzer entry: the bytes of one connection through the request decoder, whole and split at a
/// point the first byte chooses; both feeds must decode to the same requests (or the same error).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPRequestDecoder.Limits(maxHeaderBytes: 4096, maxHeaderCount: 32, maxBodyBytes: 65_536)
    let whole = decode([bytes[...]], limits: limits)
    if size > 1 {
        let split = 1 + Int(bytes[0]) % (size - 1)
        let pieces = [bytes[..<split], bytes[split...]]
        guard decode(pieces, limits: limits) == whole else { fatalError("the decoder depends on how the bytes were split") }
    }
    return 0
}

/// A summary of every event: method, target, header count and body length of each request, or the
/// error's status.
private func decode(_ pieces: [ArraySlice<UInt8>], limits: HTTPRequestDecoder.Limits) -> [String] {
    var decoder = HTTPRequestDecoder(limits: limits)
    var events: [String] = []
    loop: for piece in pieces {
        decoder.append(piece)
        for _ in 0..<10_000 {
            switch decoder.next() {
            case .request(let request):
                events.append("\(request.method.rawValue) \(request.target) \(request.path) \(request.headers.count) \(request.body.count)")
            case .sendContinue: continue
            case .needMoreData: continue loop
            case .error(let error):
                events.append("error \(error.status.code)")
                break loop
            }
        }
        fatalError("the decoder did not stop producing events")
    }
    return events
}

/// SwiftPM links an executable target's entry point as `fuzz_http_decoder_main`; it hands over to libFuzzer.
@_cdecl("fuzz_http_decoder_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzHTTPDecoder)
}
